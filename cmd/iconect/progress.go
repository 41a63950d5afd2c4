package main

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

func writeJSONLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// progress shows how far something is. On a terminal it redraws one line
// in place; elsewhere (CI, a pipe, a file) it writes plain lines, and only
// when something worth a line changed, so logs stay short.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	tty  bool
	off  bool
	last string // the last line written
	drew bool   // a line is drawn in place and not yet ended
}

func newProgress(w io.Writer, tty, off bool) *progress {
	return &progress{w: w, tty: tty, off: off}
}

// update shows line: in place on a terminal; as a new line elsewhere, when
// it differs from the last.
func (p *progress) update(line string) {
	if p == nil || p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if line == p.last {
		return
	}
	p.last = line
	if p.tty {
		_, _ = fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.drew = true
		return
	}
	_, _ = fmt.Fprintln(p.w, line)
}

// done ends the display with a final line.
func (p *progress) done(line string) {
	if p == nil || p.off {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.tty:
		_, _ = fmt.Fprintf(p.w, "\r\x1b[K%s\n", line)
	case line != p.last:
		_, _ = fmt.Fprintln(p.w, line)
	}
	p.drew = false
	p.last = ""
}

// bar draws a bar of width cells for done of total.
func bar(done, total int64, width int) string {
	if total <= 0 {
		return "[" + strings.Repeat(" ", width) + "]"
	}
	n := int(done * int64(width) / total)
	n = min(max(n, 0), width)
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// bytesText is n bytes for people: 512 B, 1.5 KiB, 3.0 MiB.
func bytesText(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// byteProgress is the progress of a transfer: on a terminal every change,
// elsewhere a line at each quarter.
type byteProgress struct {
	p       *progress
	label   string
	total   int64
	quarter int64
}

func (b *byteProgress) set(done int64) {
	if b.p == nil || b.p.off {
		return
	}
	if !b.p.tty {
		if b.total <= 0 {
			return
		}
		q := done * 4 / b.total
		if q <= b.quarter || q >= 4 {
			return // the last quarter is done's line
		}
		b.quarter = q
	}
	b.p.update(b.line(done))
}

func (b *byteProgress) line(done int64) string {
	if b.total <= 0 {
		return fmt.Sprintf("%s %s", b.label, bytesText(done))
	}
	return fmt.Sprintf("%s %s %3d%% %s of %s", b.label, bar(done, b.total, 24), done*100/b.total, bytesText(done), bytesText(b.total))
}

// countingReader reports how much has been read.
type countingReader struct {
	r    io.Reader
	n    int64
	tell func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if n > 0 && c.tell != nil {
		c.tell(c.n)
	}
	return n, err
}

// ofRecords reads "N of M records" from a running job's status message.
var ofRecords = regexp.MustCompile(`(\d+) of (\d+)`)

// jobLine is a job's progress as one line.
func jobLine(j iconect.Job) string {
	msg := oneLine(str(j.StatusMessage))
	head := fmt.Sprintf("job %d %-9s", j.ID, j.Status.String())
	if j.Status == iconect.JobStatusRunning {
		if m := ofRecords.FindStringSubmatch(msg); m != nil {
			done, _ := strconv.ParseInt(m[1], 10, 64)
			total, _ := strconv.ParseInt(m[2], 10, 64)
			return fmt.Sprintf("%s %s %s", head, bar(done, total, 24), msg)
		}
	}
	if msg == "" {
		return strings.TrimRight(head, " ")
	}
	return head + " " + msg
}
