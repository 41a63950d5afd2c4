package iconect

import (
	"context"

	"github.com/iconect-go/iconect-go/gen"
)

// TemplatesService lists the templates jobs use.
type TemplatesService struct{ c *Client }

// ListNativeImport returns a project's native import templates of a type
// (the type's values are undocumented: the fake tenant lists every
// template for any type). A template's ID goes in NativeImportInfo's
// TemplateID.
func (s *TemplatesService) ListNativeImport(ctx context.Context, projectID, templateType int64, co ...CallOption) ([]NativeImportTemplate, error) {
	const op = gen.OpListNativeImportTemplates
	if err := positive(op, "project ID", projectID); err != nil {
		return nil, err
	}
	if templateType < 0 {
		return nil, invalid(op, "the template type must not be negative, not %d", templateType)
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListNativeImportTemplatesResponse, error) {
		return s.c.api.ListNativeImportTemplatesWithResponse(ctx, projectID, templateType)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}
