package iconect

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/iconect-go/iconect-go/gen"
)

// FoldersService manages the folders of a panel and the records filed in
// them. Every call names the panel the folder is in.
type FoldersService struct{ c *Client }

// ListFoldersOptions chooses which folders List returns.
type ListFoldersOptions struct {
	// ParentID is the folder whose immediate subfolders are listed; 0 (the
	// default) lists the panel's top level.
	ParentID int64
}

// List returns the immediate subfolders of a folder, or the top-level
// folders of the panel (opts nil or ParentID 0). Walk visits them all.
func (s *FoldersService) List(ctx context.Context, projectID, panelID int64, opts *ListFoldersOptions, co ...CallOption) ([]Folder, error) {
	const op = gen.OpListFolders
	if err := checkPanel(op, projectID, panelID); err != nil {
		return nil, err
	}
	params := &gen.ListFoldersParams{}
	if opts != nil && opts.ParentID != 0 {
		if err := positive(op, "parent folder ID", opts.ParentID); err != nil {
			return nil, err
		}
		params.ParentID = &opts.ParentID
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListFoldersResponse, error) {
		return s.c.api.ListFoldersWithResponse(ctx, projectID, panelID, params)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// Create makes a folder in a panel, under req.ParentID (nil or 0: at the
// top level). It needs a name.
func (s *FoldersService) Create(ctx context.Context, projectID, panelID int64, req FolderRequest, co ...CallOption) (*Folder, error) {
	const op = gen.OpCreateFolder
	if err := checkPanel(op, projectID, panelID); err != nil {
		return nil, err
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a folder needs a name")
	}
	if req.ParentID != nil && *req.ParentID < 0 {
		return nil, invalid(op, "the parent folder ID must be positive (or 0 for the top level), not %d", *req.ParentID)
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.CreateFolderResponse, error) {
		return s.c.api.CreateFolderWithResponse(ctx, projectID, panelID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON201, res.JSON200)
}

// Get returns one folder.
func (s *FoldersService) Get(ctx context.Context, projectID, panelID, folderID int64, co ...CallOption) (*Folder, error) {
	const op = gen.OpGetFolder
	if err := checkFolder(op, projectID, panelID, folderID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.GetFolderResponse, error) {
		return s.c.api.GetFolderWithResponse(ctx, projectID, panelID, folderID)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Update changes what req sets (nil properties are left as they are);
// setting ParentID moves the folder (0: to the top level), which the API
// refuses below the folder itself.
func (s *FoldersService) Update(ctx context.Context, projectID, panelID, folderID int64, req FolderRequest, co ...CallOption) (*Folder, error) {
	const op = gen.OpUpdateFolder
	if err := checkFolder(op, projectID, panelID, folderID); err != nil {
		return nil, err
	}
	if req.Name != nil && strings.TrimSpace(*req.Name) == "" {
		return nil, invalid(op, "a folder's name cannot be empty")
	}
	if req.ParentID != nil && (*req.ParentID < 0 || *req.ParentID == folderID) {
		return nil, invalid(op, "folder %d cannot move under %d", folderID, *req.ParentID)
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.UpdateFolderResponse, error) {
		return s.c.api.UpdateFolderWithResponse(ctx, projectID, panelID, folderID, req)
	})
	if err != nil {
		return nil, err
	}
	return one(op, res.JSON200)
}

// Delete removes a folder. What becomes of its subfolders is the API's
// choice, undocumented (the fake tenant deletes them too); the records
// stay in the project. A retry that finds the folder gone counts as done.
func (s *FoldersService) Delete(ctx context.Context, projectID, panelID, folderID int64, co ...CallOption) error {
	const op = gen.OpDeleteFolder
	if err := checkFolder(op, projectID, panelID, folderID); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.DeleteFolderResponse, error) {
		return s.c.api.DeleteFolderWithResponse(ctx, projectID, panelID, folderID)
	})
	return err
}

// Records returns the records filed in a folder (not in its subfolders),
// in one answer: the API does not page it.
func (s *FoldersService) Records(ctx context.Context, projectID, panelID, folderID int64, co ...CallOption) ([]Record, error) {
	const op = gen.OpListFolderRecords
	if err := checkFolder(op, projectID, panelID, folderID); err != nil {
		return nil, err
	}
	res, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.ListFolderRecordsResponse, error) {
		return s.c.api.ListFolderRecordsWithResponse(ctx, projectID, panelID, folderID)
	})
	if err != nil {
		return nil, err
	}
	return deref(res.JSON200), nil
}

// AddRecords files records in a folder; records already there stay. The
// API refuses the request if an ID is of no record of the project.
func (s *FoldersService) AddRecords(ctx context.Context, projectID, panelID, folderID int64, recordIDs []int64, co ...CallOption) error {
	const op = gen.OpAddFolderRecords
	if err := checkFolderRecords(op, projectID, panelID, folderID, recordIDs); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.AddFolderRecordsResponse, error) {
		return s.c.api.AddFolderRecordsWithResponse(ctx, projectID, panelID, folderID, recordIDs)
	})
	return err
}

// RemoveRecords takes records out of a folder (they stay in the project);
// IDs not in the folder are ignored, by the fake tenant at least.
func (s *FoldersService) RemoveRecords(ctx context.Context, projectID, panelID, folderID int64, recordIDs []int64, co ...CallOption) error {
	const op = gen.OpRemoveFolderRecords
	if err := checkFolderRecords(op, projectID, panelID, folderID, recordIDs); err != nil {
		return err
	}
	_, err := do(s.c, ctx, op, co, func(ctx context.Context) (*gen.RemoveFolderRecordsResponse, error) {
		return s.c.api.RemoveFolderRecordsWithResponse(ctx, projectID, panelID, folderID, recordIDs)
	})
	return err
}

// SkipFolder, returned by Walk's function, skips the folder's subfolders.
var SkipFolder = errors.New("iconect: skip this folder's subfolders") //nolint:staticcheck // named like fs.SkipDir: a signal, not a failure

// maxFolderDepth bounds Walk against a tree that loops.
const maxFolderDepth = 1000

// Walk visits every folder of a panel, depth first: each folder before its
// subfolders, siblings in the API's order, depth 0 at the panel's top
// level. It makes one listFolders call for the top level and one per
// folder whose HasChildren is true. fn returning SkipFolder skips that
// folder's subfolders; any other error ends the walk and is returned.
func (s *FoldersService) Walk(ctx context.Context, projectID, panelID int64, fn func(f *Folder, depth int) error, co ...CallOption) error {
	seen := map[int64]bool{}
	var walk func(parent int64, depth int) error
	walk = func(parent int64, depth int) error {
		if depth > maxFolderDepth {
			return fmt.Errorf("iconect: listFolders: panel %d's folders nest deeper than %d", panelID, maxFolderDepth)
		}
		folders, err := s.List(ctx, projectID, panelID, &ListFoldersOptions{ParentID: parent}, co...)
		if err != nil {
			return err
		}
		for i := range folders {
			f := &folders[i]
			if seen[f.ID] {
				return fmt.Errorf("iconect: listFolders: folder %d of panel %d appears twice in its tree", f.ID, panelID)
			}
			seen[f.ID] = true
			err := fn(f, depth)
			if errors.Is(err, SkipFolder) {
				continue
			}
			if err != nil {
				return err
			}
			if f.HasChildren {
				if err := walk(f.ID, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(0, 0)
}

func checkPanel(op string, projectID, panelID int64) error {
	if err := positive(op, "project ID", projectID); err != nil {
		return err
	}
	return positive(op, "panel ID", panelID)
}

func checkFolder(op string, projectID, panelID, folderID int64) error {
	if err := checkPanel(op, projectID, panelID); err != nil {
		return err
	}
	return positive(op, "folder ID", folderID)
}

func checkFolderRecords(op string, projectID, panelID, folderID int64, recordIDs []int64) error {
	if err := checkFolder(op, projectID, panelID, folderID); err != nil {
		return err
	}
	if len(recordIDs) == 0 {
		return invalid(op, "no record IDs")
	}
	for _, id := range recordIDs {
		if err := positive(op, "record ID", id); err != nil {
			return err
		}
	}
	return nil
}
