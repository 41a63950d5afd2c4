package iconect

import (
	"log/slog"
	"time"
)

// Log attributes: metadata only. Headers (Authorization among them),
// bodies and query strings are never logged.

const levelRetry = slog.LevelWarn

func levelFor(status int, err error) slog.Level {
	if err != nil || status >= 500 {
		return slog.LevelWarn
	}
	return slog.LevelDebug
}

func slogOp(op string) slog.Attr             { return slog.String("operation", op) }
func slogMethod(m string) slog.Attr          { return slog.String("method", m) }
func slogPath(p string) slog.Attr            { return slog.String("path", p) }
func slogStatus(s int) slog.Attr             { return slog.Int("status", s) }
func slogDuration(d time.Duration) slog.Attr { return slog.Duration("duration", d) }
func slogAttempt(n int) slog.Attr            { return slog.Int("attempt", n) }
