package iconect

// The services not written yet; each lives in its own file once it is.
type (
	FieldsService      struct{ c *Client }
	PanelsService      struct{ c *Client }
	FoldersService     struct{ c *Client }
	RecordsService     struct{ c *Client }
	NativeFilesService struct{ c *Client }
	FileStoresService  struct{ c *Client }
	BatchSetsService   struct{ c *Client }
	BatchesService     struct{ c *Client }
	JobsService        struct{ c *Client }
	TemplatesService   struct{ c *Client }
	ViewsService       struct{ c *Client }
)
