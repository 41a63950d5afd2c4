package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// seedProject is one project of the -seed-data file.
type seedProject struct {
	Name    string           `json:"name"`
	Fields  []string         `json:"fields"`
	Records []map[string]any `json:"records"`
}

// builtinFields exist in every project already (iconecttest's createProject).
var builtinFields = []string{"DOCID", "Native File"}

// loadSeedData reads and checks the -seed-data file. It checks everything
// iconecttest.NewServer would panic on, so bad data is a usage error.
func loadSeedData(path string) ([]iconecttest.SeedProject, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parseSeedData(b)
}

func parseSeedData(b []byte) ([]iconecttest.SeedProject, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber() // a number is kept as written
	var in []seedProject
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("not a JSON array of {\"name\", \"fields\", \"records\"}: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("unexpected data after the JSON array")
	}
	names := map[string]bool{}
	out := make([]iconecttest.SeedProject, 0, len(in))
	for i, p := range in {
		if strings.TrimSpace(p.Name) == "" {
			return nil, fmt.Errorf("project %d has no name", i+1)
		}
		if names[p.Name] {
			return nil, fmt.Errorf("project %q is given twice", p.Name)
		}
		names[p.Name] = true
		sp, err := seedOf(p)
		if err != nil {
			return nil, fmt.Errorf("project %q: %v", p.Name, err)
		}
		out = append(out, sp)
	}
	return out, nil
}

// seedOf checks one project's fields and records and converts its values to
// the text the fields hold.
func seedOf(p seedProject) (iconecttest.SeedProject, error) {
	sp := iconecttest.SeedProject{Name: p.Name, Fields: p.Fields}
	taken := map[string]bool{}
	for _, f := range builtinFields {
		taken[strings.ToLower(f)] = true
	}
	fields := map[string]bool{}
	for _, f := range p.Fields {
		if strings.TrimSpace(f) == "" {
			return sp, fmt.Errorf("a field name is empty")
		}
		if taken[strings.ToLower(f)] {
			return sp, fmt.Errorf("field %q is given twice or is one every project has (%s)", f, strings.Join(builtinFields, ", "))
		}
		taken[strings.ToLower(f)] = true
		fields[f] = true
	}
	for i, rec := range p.Records {
		values := map[string]string{}
		for name, v := range rec {
			if !fields[name] {
				return sp, fmt.Errorf("record %d names field %q, which is not in its fields", i+1, name)
			}
			s, err := fieldText(v)
			if err != nil {
				return sp, fmt.Errorf("record %d, field %q: %v", i+1, name, err)
			}
			values[name] = s
		}
		sp.Records = append(sp.Records, values)
	}
	return sp, nil
}

// fieldText is a JSON value as text-field content: strings as they are,
// numbers and booleans as written.
func fieldText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		return v.String(), nil
	case bool:
		return strconv.FormatBool(v), nil
	}
	return "", fmt.Errorf("the value must be a string, number or boolean")
}
