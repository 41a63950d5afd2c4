package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

func cmdClientsCreate(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("clients create", "--name NAME --description TEXT [flags]", "Creates a client, the owner projects belong to (iconect projects create --client).")
	name := fs.String("name", "", "the client's `name` (required)")
	desc := fs.String("description", "", "its `description` (required by the API)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" || strings.TrimSpace(*desc) == "" {
		return usagef("clients create: --name and --description are required")
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	cl, err := c.Clients.Create(ctx, iconect.ClientRequest{Name: *name, Description: *desc, State: iconect.StateActive})
	if err != nil {
		return err
	}
	return g.emit(cl, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Created client %d %q.\n", cl.ID, cl.Name)
		return err
	})
}

func cmdProjectsList(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("projects list", "[flags]", "Lists the tenant's projects (or templates).")
	typ := fs.String("type", "projects", "`which`: projects, templates or all")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	filter, ok := map[string]iconect.DatabaseFilter{"projects": iconect.DatabaseFilterValue0,
		"templates": iconect.DatabaseFilterValue1, "all": iconect.DatabaseFilterValue2}[*typ]
	if !ok {
		return usagef("projects list: --type %q: give projects, templates or all", *typ)
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	ps, err := c.Projects.List(ctx, &iconect.ListProjectsOptions{Type: filter})
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []iconect.Project{}
	}
	return g.emit(ps, func(w io.Writer) error {
		rows := make([][]string, 0, len(ps))
		for _, p := range ps {
			rows = append(rows, []string{itoa(p.ID), oneLine(p.Name), p.State.String(), shorten(str(p.Description), 50)})
		}
		return table(w, []string{"ID", "NAME", "STATE", "DESCRIPTION"}, rows)
	})
}

func cmdProjectsCreate(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("projects create", "--name NAME --client ID [flags]", "Creates a project (a review database) in a client, on a data server, optionally from a template.")
	name := fs.String("name", "", "the project's `name` (required)")
	desc := fs.String("description", "", "its `description`")
	client := fs.Int64("client", 0, "the iCONECT client `ID` it belongs to (required; see iconect clients create)")
	template := fs.Int64("template", 0, "copy the fields and panels of this template project `ID` (iconect projects list --type templates)")
	fs.Int64Var(&g.dsID, "dataservers-id", 0, "the data server `ID` (env ICONECT_DATASERVERS_ID; required)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if strings.TrimSpace(*name) == "" {
		return usagef("projects create: --name is required")
	}
	if err := need(g.name, *client, "client", ""); err != nil {
		return err
	}
	if err := need(g.name, g.dsID, "dataservers-id", "ICONECT_DATASERVERS_ID"); err != nil {
		return err
	}
	req := iconect.CreateProjectRequest{Name: name, ClientID: *client, DataserversID: g.dsID}
	if *desc != "" {
		req.Description = desc
	}
	if *template != 0 {
		if *template < 0 || *template > 1<<31-1 {
			return usagef("projects create: --template must be a positive 32-bit ID, not %d", *template)
		}
		req.ProjectTemplateID = iconect.Ptr(int32(*template))
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	p, err := c.Projects.Create(ctx, req)
	if err != nil {
		return err
	}
	return g.emit(p, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Created project %d %q.\n", p.ID, p.Name)
		return err
	})
}

func cmdFieldsList(ctx context.Context, a *app, args []string) error {
	_, g := a.newFlags("fields list", "--project ID [flags]", "Lists a project's fields.")
	g.projectFlag()
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	fields, err := c.Fields.List(ctx, g.project)
	if err != nil {
		return err
	}
	if fields == nil {
		fields = []iconect.Field{}
	}
	return g.emit(fields, func(w io.Writer) error {
		rows := make([][]string, 0, len(fields))
		for _, f := range fields {
			rows = append(rows, []string{itoa(f.ID), oneLine(str(f.Name)), f.Type.String(), fmt.Sprint(f.Length)})
		}
		return table(w, []string{"ID", "NAME", "TYPE", "LENGTH"}, rows)
	})
}

func cmdViewsCreate(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("views create", "--project ID (--records IDS | --search QUERY) [flags]", "Creates a view: a fixed selection of records, for records export/delete --view and batches.")
	g.projectFlag()
	records := fs.String("records", "", "the record `IDs`, separated by commas")
	search := fs.String("search", "", "a search `query` (the tenant's syntax)")
	invert := fs.Bool("invert", false, "select every record except these")
	expires := fs.Duration("expires", 0, "the view expires after this `duration` (e.g. 24h; default never)")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if err := g.needProject(); err != nil {
		return err
	}
	var req iconect.CreateViewRequest
	switch {
	case (*records == "") == (*search == ""):
		return usagef("views create: give exactly one of --records and --search")
	case *records != "":
		ids, err := parseIDs(g.name, "records", *records)
		if err != nil {
			return err
		}
		req = iconect.ViewOfRecords(ids...)
	default:
		req = iconect.ViewOfSearch(*search)
	}
	if *invert {
		req.InvertSelection = iconect.Ptr(true)
	}
	if *expires < 0 {
		return usagef("views create: --expires must be positive, not %v", *expires)
	}
	if *expires > 0 {
		req.ExpiryDate = iconect.Ptr(time.Now().Add(*expires).UTC().Truncate(time.Second))
	}
	c, err := g.newClient()
	if err != nil {
		return err
	}
	id, err := c.Views.Create(ctx, g.project, req)
	if err != nil {
		return err
	}
	out := struct {
		ViewID    int64 `json:"view_id"`
		ProjectID int64 `json:"project_id"`
	}{id, g.project}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Created view %d.\n", id)
		return err
	})
}
