package iconect

import "github.com/iconect-go/iconect-go/gen"

// The API's objects, re-exported from the generated package so users need
// import only this one. (Enum types and their constants are re-exported in
// enums.gen.go.)
type (
	// ClientInfo is an iCONECT client (a customer that projects belong to);
	// the name Client is this SDK's.
	ClientInfo                  = gen.Client
	ClientRequest               = gen.ClientRequest
	Project                     = gen.Project
	CreateProjectRequest        = gen.CreateProjectRequest
	UpdateProjectRequest        = gen.UpdateProjectRequest
	ProjectSettings             = gen.ProjectSettings
	Field                       = gen.Field
	FieldRequest                = gen.FieldRequest
	FieldValidation             = gen.FieldValidation
	Panel                       = gen.Panel
	CreatePanelRequest          = gen.CreatePanelRequest
	UpdatePanelRequest          = gen.UpdatePanelRequest
	CustomRelatedSettings       = gen.CustomRelatedSettings
	Folder                      = gen.Folder
	FolderRequest               = gen.FolderRequest
	FolderSettings              = gen.FolderSettings
	Record                      = gen.Record
	RecordsRequest              = gen.RecordsRequest
	CreateRecordsResult         = gen.CreateRecordsResult
	NewRecordsList              = gen.NewRecordsList
	RecordStatus                = gen.RecordStatus
	RecordResult                = gen.RecordResult
	FieldError                  = gen.FieldError
	RecordError                 = gen.RecordError
	UpdateRecordsResult         = gen.UpdateRecordsResult
	FileStore                   = gen.FileStore
	LocalConfig                 = gen.LocalConfig
	FileStoreItem               = gen.FileStoreItem
	BatchSet                    = gen.BatchSet
	BatchSetRequest             = gen.BatchSetRequest
	BatchFilter                 = gen.BatchFilter
	CompletedBatchFilter        = gen.CompletedBatchFilter
	BatchFilterItem             = gen.BatchFilterItem
	BatchList                   = gen.BatchList
	Batch                       = gen.Batch
	CreateBatchStruct           = gen.CreateBatchStruct
	Job                         = gen.Job
	JobRequest                  = gen.JobRequest
	JobDetails                  = gen.JobDetails
	JobResults                  = gen.JobResults
	MassActionDeleteJob         = gen.MassActionDeleteJob
	DelimitedImportJob          = gen.DelimitedImportJob
	DelimitedImportJobResults   = gen.DelimitedImportJobResults
	ZipFileExtractionJob        = gen.ZipFileExtractionJob
	ZipFileExtractionJobResults = gen.ZipFileExtractionJobResults
	NativeImportInfo            = gen.NativeImportInfo
	NativeImportResults         = gen.NativeImportResults
	NativeImportTemplate        = gen.NativeImportTemplate
	CreateViewRequest           = gen.CreateViewRequest
)

// Ptr returns a pointer to v, for the optional fields of requests.
func Ptr[T any](v T) *T { return &v }
