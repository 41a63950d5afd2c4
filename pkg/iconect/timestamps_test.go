package iconect

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseTime(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	for in, want := range map[string]time.Time{
		"2021-01-01T00:00:00":           utc(2021, 1, 1, 0, 0, 0, 0),
		"2021-01-01T00:00:00.250":       utc(2021, 1, 1, 0, 0, 0, 250e6),
		"2023-12-01T16:40:05Z":          utc(2023, 12, 1, 16, 40, 5, 0),
		"2023-12-01T16:40:05.123456Z":   utc(2023, 12, 1, 16, 40, 5, 123456000),
		"2023-12-01T17:40:05+01:00":     utc(2023, 12, 1, 16, 40, 5, 0),
		"2023-12-01T17:40:05+0100":      utc(2023, 12, 1, 16, 40, 5, 0),
		"2024-03-19 16:04:53":           utc(2024, 3, 19, 16, 4, 53, 0),
		"2024-03-19 16:04:53Z":          utc(2024, 3, 19, 16, 4, 53, 0),
		"2024-03-19 16:04:53 -0700":     utc(2024, 3, 19, 23, 4, 53, 0),
		" 2024-03-19 16:04:53 ":         utc(2024, 3, 19, 16, 4, 53, 0),
		"2026-02-11 4:55:12 PM":         utc(2026, 2, 11, 16, 55, 12, 0),
		"2026-02-11 04:55:12 AM":        utc(2026, 2, 11, 4, 55, 12, 0),
		"2026-02-11 12:05:00 am":        utc(2026, 2, 11, 0, 5, 0, 0),
		"2026-02-11 4:55 pm":            utc(2026, 2, 11, 16, 55, 0, 0),
		"2026-02-11":                    utc(2026, 2, 11, 0, 0, 0, 0),
		"2026-02-11 16:55":              utc(2026, 2, 11, 16, 55, 0, 0),
		"Wed, 11 Feb 2026 16:55:12 GMT": utc(2026, 2, 11, 16, 55, 12, 0),
	} {
		got, ok := ParseTime(in)
		if assert.True(t, ok, in) {
			assert.True(t, want.Equal(got), "%q: %v, want %v", in, got, want)
		}
	}
	for _, in := range []string{"", "  ", "yesterday", "2024-13-01 00:00:00", "19/03/2024", "0"} {
		_, ok := ParseTime(in)
		assert.False(t, ok, in)
	}
}
