package sandbox

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func TestParseFault(t *testing.T) {
	known := map[string]bool{"getJob": true, "createRecords": true}
	for _, tc := range []struct {
		spec string
		want iconecttest.Fault
	}{
		{"getJob:503:0.2", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 503, Rate: 0.2}},
		{"getJob:500", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 500, Rate: 1}},
		{"*:429:0.1", iconecttest.Fault{Kind: iconecttest.FaultRateLimit, Status: 429, Rate: 0.1}},
		{"*:429=5s", iconecttest.Fault{Kind: iconecttest.FaultRateLimit, Status: 429, RetryAfter: 5 * time.Second, Rate: 1}},
		{"createRecords:drop-after:1", iconecttest.Fault{Operation: "createRecords", Kind: iconecttest.FaultDropAfter, Rate: 1}},
		{"createRecords:drop-before:0", iconecttest.Fault{Operation: "createRecords", Kind: iconecttest.FaultDropBefore, Rate: 0}},
		{"getJob:delay=500ms:0.5", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultDelay, Delay: 500 * time.Millisecond, Rate: 0.5}},
		{"getJob:404:@1,3", iconecttest.Fault{Operation: "getJob", Kind: iconecttest.FaultStatus, Status: 404, Rate: 1, Requests: []int{1, 3}}},
	} {
		got, err := parseFault(tc.spec, known)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseFault(%q) = %+v, %v; want %+v", tc.spec, got, err, tc.want)
		}
	}

	for _, tc := range []struct{ spec, want string }{
		{"getJob", "not operation:kind[:when]"},
		{"getJob:503:0.2:x", "not operation:kind[:when]"},
		{":503", "the operation is empty"},
		{"getjob:503", `did you mean "getJob"`},
		{"noSuchOp:503", `unknown operation "noSuchOp"`},
		{"getJob:teapot", `unknown fault kind "teapot"`},
		{"getJob:200", `unknown fault kind "200"`},
		{"getJob:600", `unknown fault kind "600"`},
		{"getJob:drop-after=1s", `unknown fault kind "drop-after=1s"`},
		{"getJob:delay", "give delay=<duration>"},
		{"getJob:delay=fast", "give delay=<duration>"},
		{"getJob:delay=-1s", "give delay=<duration>"},
		{"getJob:429=0s", "give 429=<retry-after>"},
		{"getJob:429=x", "give 429=<retry-after>"},
		{"getJob:503:1.5", `fault rate "1.5"`},
		{"getJob:503:-0.1", `fault rate "-0.1"`},
		{"getJob:503:NaN", `fault rate "NaN"`},
		{"getJob:503:often", `fault rate "often"`},
		{"getJob:503:@", "fault schedule"},
		{"getJob:503:@0", "fault schedule"},
		{"getJob:503:@1,x", "fault schedule"},
	} {
		_, err := parseFault(tc.spec, known)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseFault(%q) error = %v, want one containing %q", tc.spec, err, tc.want)
		}
	}
}

// TestFaultFlag checks the flag collects repeated values and that every
// operationId of the spec is accepted.
func TestFaultFlag(t *testing.T) {
	f := faultFlag{known: operationIDs()}
	if !f.known["getJob"] || !f.known["createRecords"] || !f.known["listProjects"] {
		t.Fatalf("operationIDs lacks some: %v", f.known)
	}
	for _, spec := range []string{"getJob:503:0.2", "*:drop-before:@2"} {
		if err := f.Set(spec); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Set("bogus"); err == nil {
		t.Error("Set(bogus) succeeded")
	}
	if len(f.faults) != 2 || f.String() != "getJob:503:0.2 *:drop-before:@2" {
		t.Errorf("flag = %q with %d faults", f.String(), len(f.faults))
	}
	var nilFlag *faultFlag
	if nilFlag.String() != "" {
		t.Error("a nil flag's String is not empty")
	}
}

func TestNextPortAddr(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "127.0.0.1:8081",
		"127.0.0.1:0":    "127.0.0.1:0",
		":9000":          ":9001",
		"[::1]:443":      "[::1]:444",
		"localhost:1":    "localhost:2",
	} {
		if got, err := nextPortAddr(in, "-"); err != nil || got != want {
			t.Errorf("nextPortAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"8080", "host:", "host:-1", "host:70000", "host:65535"} {
		if got, err := nextPortAddr(in, "-"); err == nil {
			t.Errorf("nextPortAddr(%q) = %q, want an error", in, got)
		}
	}
}

func TestParseSeedData(t *testing.T) {
	got, err := parseSeedData([]byte(`[
		{"name": "Acme", "fields": ["Custodian", "Pages", "Privileged"],
		 "records": [{"Custodian": "J. Smith", "Pages": 12345678901234567890, "Privileged": true}, {}]},
		{"name": "Empty"}
	]`))
	want := []iconecttest.SeedProject{
		{Name: "Acme", Fields: []string{"Custodian", "Pages", "Privileged"}, Records: []map[string]string{
			{"Custodian": "J. Smith", "Pages": "12345678901234567890", "Privileged": "true"}, {}}},
		{Name: "Empty"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("parseSeedData = %+v, %v; want %+v", got, err, want)
	}

	for _, tc := range []struct{ data, want string }{
		{`{}`, "not a JSON array"},
		{`[{"name": "A", "feilds": []}]`, `unknown field "feilds"`},
		{`[] []`, "unexpected data after"},
		{`[{"fields": []}]`, "project 1 has no name"},
		{`[{"name": "A"}, {"name": "A"}]`, `project "A" is given twice`},
		{`[{"name": "A", "fields": [""]}]`, "a field name is empty"},
		{`[{"name": "A", "fields": ["X", "x"]}]`, `field "x" is given twice`},
		{`[{"name": "A", "fields": ["docid"]}]`, "one every project has"},
		{`[{"name": "A", "fields": ["X"], "records": [{"Y": "1"}]}]`, `record 1 names field "Y"`},
		{`[{"name": "A", "fields": ["X"], "records": [{"X": null}]}]`, "must be a string, number or boolean"},
		{`[{"name": "A", "fields": ["X"], "records": [{"X": ["a"]}]}]`, "must be a string, number or boolean"},
	} {
		_, err := parseSeedData([]byte(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseSeedData(%s) error = %v, want one containing %q", tc.data, err, tc.want)
		}
	}
}
