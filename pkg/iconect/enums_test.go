package iconect_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iconect-go/iconect-go/gen"
	"github.com/iconect-go/iconect-go/pkg/iconect"
)

type enumValue interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
	String() string
	Valid() bool
}

// enumTest checks an enum through pkg/iconect's re-exports. printed is the
// type name String and Parse errors use (gen's name).
func enumTest[E enumValue](printed string, values func() []E, parse func(string) (E, error)) func(*testing.T) {
	return func(t *testing.T) {
		vs := values()
		require.NotEmpty(t, vs)
		seenName, seenNum := map[string]bool{}, map[int64]bool{}
		for _, v := range vs {
			s, n := v.String(), int64(v)
			assert.True(t, v.Valid(), "%s.Valid()", s)
			assert.NotContains(t, s, "(", "declared value %d prints as undeclared", n)
			assert.False(t, seenName[strings.ToLower(s)], "name %s repeated", s)
			assert.False(t, seenNum[n], "value %d repeated", n)
			seenName[strings.ToLower(s)], seenNum[n] = true, true

			for _, in := range []string{s, strings.ToUpper(s), strings.ToLower(s), strconv.FormatInt(n, 10)} {
				got, err := parse(in)
				if assert.NoError(t, err, "Parse(%q)", in) {
					assert.Equal(t, v, got, "Parse(%q)", in)
				}
			}

			b, err := json.Marshal(v)
			require.NoError(t, err)
			assert.Equal(t, strconv.FormatInt(n, 10), string(b), "an enum is a JSON number")
			var back E
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, v, back)
		}

		// An undeclared value, as a newer server might send.
		u := int64(slices.Max(vs)) + 1
		if int64(E(u)) != u || seenNum[u] {
			u = int64(slices.Min(vs)) - 1
		}
		unknown := E(u)
		assert.False(t, unknown.Valid())
		assert.Equal(t, printed+"("+strconv.FormatInt(u, 10)+")", unknown.String())
		var decoded E
		require.NoError(t, json.Unmarshal([]byte(strconv.FormatInt(u, 10)), &decoded), "an unknown value decodes")
		assert.Equal(t, unknown, decoded)

		// Junk, undeclared numbers and String's form of them are refused,
		// naming the type and every valid name.
		for _, junk := range []string{"junk", "", " " + vs[0].String(), unknown.String(), strconv.FormatInt(u, 10), "1e3", "99999999999999999999"} {
			got, err := parse(junk)
			if !assert.Error(t, err, "Parse(%q) = %v", junk, got) {
				continue
			}
			msg := err.Error()
			assert.Contains(t, msg, "invalid "+printed+" "+strconv.Quote(junk))
			for _, v := range vs {
				assert.Contains(t, msg, v.String()+" ("+strconv.FormatInt(int64(v), 10)+")")
			}
			assert.Zero(t, got)
		}
	}
}

// enumTests has one entry per enum type of enums.gen.go (see
// TestEnumsAllTested), keyed by its pkg/iconect name.
var enumTests = map[string]func(*testing.T){
	"BatchSortBy":    enumTest("EnBatchSortBy", iconect.BatchSortByValues, iconect.ParseBatchSortBy),
	"BatchStatus":    enumTest("BatchStatus", iconect.BatchStatusValues, iconect.ParseBatchStatus),
	"CurrencyFormat": enumTest("CurrencyFormat", iconect.CurrencyFormatValues, iconect.ParseCurrencyFormat),
	"DatabaseFilter": enumTest("DatabaseFilter", iconect.DatabaseFilterValues, iconect.ParseDatabaseFilter),
	"DatabaseType":   enumTest("DatabaseType", iconect.DatabaseTypeValues, iconect.ParseDatabaseType),
	"DateFormat":     enumTest("DateFormat", iconect.DateFormatValues, iconect.ParseDateFormat),
	"DurationFormat": enumTest("DurationFormat", iconect.DurationFormatValues, iconect.ParseDurationFormat),
	"FieldIndexType": enumTest("FieldIndexType", iconect.FieldIndexTypeValues, iconect.ParseFieldIndexType),
	"FieldType":      enumTest("FieldType", iconect.FieldTypeValues, iconect.ParseFieldType),
	"JobStatus":      enumTest("JobStatus", iconect.JobStatusValues, iconect.ParseJobStatus),
	"JobType":        enumTest("JobType", iconect.JobTypeValues, iconect.ParseJobType),
	"NumericFormat":  enumTest("NumericFormat", iconect.NumericFormatValues, iconect.ParseNumericFormat),
	"PanelType":      enumTest("PanelType", iconect.PanelTypeValues, iconect.ParsePanelType),
	"State":          enumTest("State", iconect.StateValues, iconect.ParseState),
	"TextFormat":     enumTest("TextFormat", iconect.TextFormatValues, iconect.ParseTextFormat),
	"TimeFormat":     enumTest("TimeFormat", iconect.TimeFormatValues, iconect.ParseTimeFormat),
}

func TestEnums(t *testing.T) {
	for name, test := range enumTests {
		t.Run(name, test)
	}
}

// TestEnumsAllTested fails when the spec gains an enum enumTests lacks, and
// checks that every enum of gen is re-exported.
func TestEnumsAllTested(t *testing.T) {
	aliases := declared(t, "enums.gen.go", func(s *ast.TypeSpec) bool { return s.Assign.IsValid() })
	assert.ElementsMatch(t, aliases, slices.Collect(func(yield func(string) bool) {
		for name := range enumTests {
			if !yield(name) {
				return
			}
		}
	}))
	parses := 0
	for _, d := range parse(t, "../../gen/enums.gen.go").Decls {
		if f, ok := d.(*ast.FuncDecl); ok && f.Recv == nil && strings.HasPrefix(f.Name.Name, "Parse") {
			parses++
		}
	}
	assert.Equal(t, parses, len(aliases), "gen's Parse functions vs re-exported types")
}

func parse(t *testing.T, name string) *ast.File {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
	require.NoError(t, err)
	return f
}

func declared(t *testing.T, name string, keep func(*ast.TypeSpec) bool) []string {
	t.Helper()
	var names []string
	for _, d := range parse(t, name).Decls {
		if gd, ok := d.(*ast.GenDecl); ok {
			for _, s := range gd.Specs {
				if ts, ok := s.(*ast.TypeSpec); ok && keep(ts) {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	return names
}

// TestEnumsNames pins names other code relies on, including the rename of
// the spec's enBatchSortBy.
func TestEnumsNames(t *testing.T) {
	// Each call compiles only if the constant has that type.
	is[iconect.State](iconect.StateActive)
	is[iconect.State](iconect.StateValue2)
	is[iconect.DatabaseFilter](iconect.DatabaseFilterValue0)
	is[iconect.DatabaseFilter](iconect.DatabaseFilterValue1)
	is[iconect.DatabaseFilter](iconect.DatabaseFilterValue2)
	is[gen.EnBatchSortBy](iconect.BatchSortByValue0)
	assert.Equal(t, gen.EnBatchSortByValue3, iconect.BatchSortByValue3)
	assert.Equal(t, "Active", iconect.StateActive.String())
	assert.Equal(t, "NOT_COMPLETE", iconect.BatchStatusNOTCOMPLETE.String())
}

// TestEnumsUnknownFromServer: a newer server's value decodes inside an
// object without error and prints with its number.
func TestEnumsUnknownFromServer(t *testing.T) {
	var f iconect.Field
	require.NoError(t, json.Unmarshal([]byte(`{"id": 1, "name": "n", "type": 12}`), &f))
	assert.Equal(t, iconect.FieldType(12), f.Type)
	assert.False(t, f.Type.Valid())
	assert.Equal(t, "FieldType(12)", f.Type.String())

	var p iconect.Project
	require.NoError(t, json.Unmarshal([]byte(`{"id": 1, "name": "p", "state": 7}`), &p))
	assert.Equal(t, "State(7)", p.State.String())

	var b iconect.BatchFilter
	require.NoError(t, json.Unmarshal([]byte(`{"sort": 9}`), &b))
	require.NotNil(t, b.Sort)
	assert.Equal(t, "EnBatchSortBy(9)", b.Sort.String())

	assert.Equal(t, "FieldType(-2147483648)", iconect.FieldType(math.MinInt32).String())
}

func TestParseEnumErrorMessage(t *testing.T) {
	_, err := iconect.ParseBatchStatus("done")
	assert.EqualError(t, err, `invalid BatchStatus "done": want one of AVAILABLE (0), NOT_COMPLETE (1), COMPLETE (2), Value3 (3), Value4 (4)`)
}

func is[T any](T) {}
