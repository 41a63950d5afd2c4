package iconect

import (
	"strings"
	"time"
)

// timeLayouts are the forms the vendor writes times in, seen in its docs
// and answers. A fraction of a second after the seconds is accepted by
// every layout (time.Parse allows it).
var timeLayouts = []string{
	time.RFC3339,                    // 2023-12-01T16:40:05Z, 2023-12-01T16:40:05.123+01:00
	"2006-01-02T15:04:05",           // 2021-01-01T00:00:00
	"2006-01-02 15:04:05",           // 2024-03-19 16:04:53
	"2006-01-02 15:04:05Z07:00",     // 2024-03-19 16:04:53Z
	"2006-01-02 3:04:05 PM",         // 2026-02-11 4:55:12 PM
	"2006-01-02T3:04:05 PM",         // the same with a T
	"2006-01-02 3:04 PM",            // without seconds
	"2006-01-02T15:04",              // without seconds
	"2006-01-02 15:04",              // without seconds
	"2006-01-02",                    // a date
	"2006-01-02T15:04:05Z0700",      // a zone without a colon
	"2006-01-02 15:04:05 -0700",     // as Go prints, without the zone name
	"2006-01-02 15:04:05 -07:00",    // with a colon
	"Mon, 02 Jan 2006 15:04:05 MST", // HTTP dates
}

// ParseTime reads a timestamp in any of the vendor's forms —
// "2021-01-01T00:00:00", "2023-12-01T16:40:05Z" (RFC 3339, with or without
// a zone or a fraction), "2024-03-19 16:04:53", "2026-02-11 4:55:12 PM",
// a bare date — and reports false for anything else, "" included. A time
// without a zone is read as UTC: the API does not say which zone it means.
// AM/PM is read in either case.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if strings.HasSuffix(s, "am") || strings.HasSuffix(s, "pm") {
		s = s[:len(s)-2] + strings.ToUpper(s[len(s)-2:])
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
