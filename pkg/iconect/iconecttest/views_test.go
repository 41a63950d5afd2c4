package iconecttest

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vwPath(pid int64) string { return fmt.Sprintf("/projects/%d/views", pid) }

// vwCreate posts a view and wants 201; it returns the view's ID.
func vwCreate(t *testing.T, s *Server, pid int64, body map[string]any) int64 {
	t.Helper()
	code, b := call(t, s, "POST", vwPath(pid), body)
	require.Equal(t, http.StatusCreated, code, "%s", b)
	return decode[struct {
		ViewID int64 `json:"view_id"`
	}](t, b).ViewID
}

// vwServer seeds four records: Apple Pie, apple tart, Cherry Pie and one
// with only a Body.
func vwServer(t *testing.T, opts ...Option) (*Server, int64, []recWire) {
	t.Helper()
	s, pid, _ := recServer(t, []map[string]string{
		{"Title": "Apple Pie", "Body": "Sweet"},
		{"Title": "apple tart", "Body": "Sour"},
		{"Title": "Cherry Pie", "Body": "sweet and sour"},
		{"Body": "nothing"},
	}, opts...)
	return s, pid, recList(t, s, pid, "")
}

func vwIDs(t *testing.T, s *Server, pid, view int64) []int64 {
	t.Helper()
	return recIDs(recList(t, s, pid, fmt.Sprintf("?view_id=%d", view)))
}

func TestCreateViewBySelection(t *testing.T) {
	s, pid, all := vwServer(t)

	v := vwCreate(t, s, pid, map[string]any{"selected_ids": []int64{all[2].ID, all[0].ID}})
	assert.Greater(t, v, int64(5000))
	assert.Equal(t, []int64{all[0].ID, all[2].ID}, vwIDs(t, s, pid, v), "in ID order")
	assert.Equal(t, []int64{all[2].ID}, recIDs(recList(t, s, pid, fmt.Sprintf("?view_id=%d&page=2&page_size=1", v))), "pages through the view")

	inv := vwCreate(t, s, pid, map[string]any{"selected_ids": []int64{all[2].ID, all[0].ID}, "invert_selection": true})
	assert.Equal(t, []int64{all[1].ID, all[3].ID}, vwIDs(t, s, pid, inv))

	none := vwCreate(t, s, pid, map[string]any{"selected_ids": []int64{}})
	assert.Empty(t, vwIDs(t, s, pid, none), "an empty selection is a view of no records")
	every := vwCreate(t, s, pid, map[string]any{"selected_ids": []int64{}, "invert_selection": true})
	assert.Len(t, vwIDs(t, s, pid, every), 4)

	// The view's records are fixed when it is made.
	code, b := call(t, s, "POST", recPath(pid), map[string]any{"records": []any{map[string]any{"field_data": map[string]any{}}}})
	require.Equal(t, http.StatusCreated, code, "%s", b)
	assert.Len(t, vwIDs(t, s, pid, every), 4, "a record made later does not join")
}

func TestCreateViewBySearch(t *testing.T) {
	s, pid, all := vwServer(t)

	for _, tc := range []struct {
		query  string
		invert bool
		want   []int64
	}{
		{"apple", false, []int64{all[0].ID, all[1].ID}},
		{"PIE", false, []int64{all[0].ID, all[2].ID}},
		{"  pie   sweet ", false, []int64{all[0].ID, all[2].ID}},
		{"apple sour", false, []int64{all[1].ID}},
		{"sweet sour", false, []int64{all[2].ID}},
		{"zebra", false, nil},
		{"apple", true, []int64{all[2].ID, all[3].ID}},
	} {
		v := vwCreate(t, s, pid, map[string]any{"search_query": tc.query, "invert_selection": tc.invert})
		got := vwIDs(t, s, pid, v)
		if tc.want == nil {
			assert.Empty(t, got, tc.query)
		} else {
			assert.Equal(t, tc.want, got, "%q invert=%v", tc.query, tc.invert)
		}
	}
}

func TestCreateViewSearchNumbers(t *testing.T) {
	s, pid, f := recServer(t, nil)
	recCreate(t, s, pid, map[string]any{"records": recBodies(
		map[string]any{f["Title"]: 2024.5, f["Body"]: nil},
		map[string]any{f["Title"]: "other"},
	)})
	v := vwCreate(t, s, pid, map[string]any{"search_query": "2024"})
	assert.Len(t, vwIDs(t, s, pid, v), 1, "numbers are searched in decimal form")
	v = vwCreate(t, s, pid, map[string]any{"search_query": "null"})
	assert.Empty(t, vwIDs(t, s, pid, v), "null never matches")
}

func TestCreateViewBadBodies(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, pid, all := vwServer(t, WithClock(clock))

	for name, body := range map[string]any{
		"neither":               map[string]any{"invert_selection": true},
		"both":                  map[string]any{"selected_ids": []int64{all[0].ID}, "search_query": "apple"},
		"empty query":           map[string]any{"search_query": ""},
		"blank query":           map[string]any{"search_query": "   "},
		"unknown record":        map[string]any{"selected_ids": []int64{all[0].ID, 424242}},
		"expiry in the past":    map[string]any{"search_query": "apple", "expiry_date": "2026-03-01T11:59:59Z"},
		"expiry now":            map[string]any{"search_query": "apple", "expiry_date": "2026-03-01T12:00:00Z"},
		"expiry not a date":     map[string]any{"search_query": "apple", "expiry_date": "tomorrow"},
		"selected_ids not ints": map[string]any{"selected_ids": []string{"a"}},
	} {
		code, b := call(t, s, "POST", vwPath(pid), body)
		assert.Equal(t, http.StatusBadRequest, code, name)
		assert.NotEmpty(t, errorMessage(t, b), name)
	}
	_, b := call(t, s, "POST", vwPath(pid), map[string]any{"selected_ids": []int64{424242}})
	assert.Equal(t, "Record 424242 not found.", errorMessage(t, b))
	code, _ := call(t, s, "POST", "/projects/999/views", map[string]any{"search_query": "apple"})
	assert.Equal(t, http.StatusNotFound, code)
}

func TestViewExpiry(t *testing.T) {
	clock := NewFakeClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	s, pid, all := vwServer(t, WithClock(clock))

	v := vwCreate(t, s, pid, map[string]any{"search_query": "pie", "expiry_date": "2026-03-01T13:00:00Z"})
	forever := vwCreate(t, s, pid, map[string]any{"search_query": "pie"})
	assert.Equal(t, []int64{all[0].ID, all[2].ID}, vwIDs(t, s, pid, v))

	clock.Advance(59 * time.Minute)
	assert.Len(t, vwIDs(t, s, pid, v), 2, "alive until its expiry_date")
	clock.Advance(time.Minute)
	code, b := call(t, s, "GET", fmt.Sprintf("%s?view_id=%d", recPath(pid), v), nil)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, fmt.Sprintf("View %d not found.", v), errorMessage(t, b))

	clock.Advance(10 * 365 * 24 * time.Hour)
	assert.Len(t, vwIDs(t, s, pid, forever), 2, "a view without expiry_date never expires")
}
