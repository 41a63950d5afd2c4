package iconecttest

import (
	"fmt"
	"sort"

	"github.com/iconect-go/iconect-go/gen"
)

// seed creates what every fake tenant starts with: its users, a client, the
// template project, then the projects of WithProject.
func (s *Server) seed() {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	t.users[s.User.ID] = s.User.Username
	for _, u := range s.Reviewers {
		t.users[u.ID] = u.Username
	}
	c := &gen.Client{ID: t.nextID("client"), Name: "iconecttest", Description: ptr("The fake tenant's own client"), State: gen.StateActive}
	t.clients[c.ID] = c

	tp := t.createProject("Review Template", "A template project with review fields and panels", gen.DatabaseTypeValue3, true, nil)
	now := fieldTime(t.now())
	for _, name := range []string{"Custodian", "Review Status"} {
		t.addField(tp, gen.Field{Name: ptr(name), Type: textField, Length: 255, CreatedDate: ptr(now)})
	}
	t.addField(tp, gen.Field{Name: ptr("Notes"), Type: gen.FieldTypeValue1, Length: 64, CreatedDate: ptr(now),
		TextFormat: gen.TextFormatValue2, MultiValueDelimiters: ptr(";")})
	for _, pn := range []gen.Panel{{Name: ptr("GENERAL"), Location: 2}, {Name: ptr("REVIEW"), Location: 6}} {
		pn.ID = t.nextID("panel")
		pn.CustomRelatedSettings = gen.CustomRelatedSettings{MatchingFieldIds: []int64{}, DisplayFieldIds: []int64{}}
		tp.panels[pn.ID] = &pn
	}
	s.TemplateProjectID = tp.ID

	for _, sp := range s.cfg.projects {
		p := t.createProject(sp.Name, "", gen.DatabaseTypeValue3, false, nil)
		byName := map[string]string{}
		for _, id := range sortedKeys(p.fields) {
			byName[deref(p.fields[id].Name)] = fmt.Sprint(id)
		}
		// field names a seed record uses without listing them get a text
		// field too, so seed data never names a field that is not there.
		field := func(name string) string {
			if id, ok := byName[name]; ok {
				return id
			}
			f := t.addField(p, gen.Field{Name: ptr(name), Type: textField, Length: 255, CreatedDate: ptr(now)})
			byName[name] = fmt.Sprint(f.ID)
			return byName[name]
		}
		for _, name := range sp.Fields {
			field(name)
		}
		for _, values := range sp.Records {
			names := make([]string, 0, len(values))
			for name := range values {
				names = append(names, name)
			}
			sort.Strings(names)
			data := map[string]any{}
			for _, name := range names {
				data[field(name)] = values[name]
			}
			t.addRecord(p, data)
		}
	}
}

// ProjectID returns the ID of the project (or template) with this name, for
// tests that seeded it with WithProject.
func (s *Server) ProjectID(name string) (int64, bool) {
	t := s.tenant
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range sortedKeys(t.projects) {
		if t.projects[id].Name == name {
			return id, true
		}
	}
	return 0, false
}
