package iconecttest

import (
	"math/rand"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault makes the fake misbehave, for testing retries and resilience.
type Fault struct {
	// Operation is the operationId the fault applies to; empty for all.
	Operation string
	Kind      FaultKind
	// Status is the answer of FaultStatus (default 500).
	Status int
	// RetryAfter is FaultRateLimit's Retry-After (default 1s, sent in whole seconds).
	RetryAfter time.Duration
	// Delay is FaultDelay's wait before handling.
	Delay time.Duration
	// Rate is the share of matching requests hit, from 0 to 1, drawn from
	// the seeded source (WithSeed). Ignored when Requests is set.
	Rate float64
	// Requests lists the matching requests hit, counted from 1 per fault:
	// {1, 2} fails the first two and lets the third through.
	Requests []int
}

// FaultKind is what a Fault does.
type FaultKind int

const (
	// FaultStatus answers Status with the error body, without handling.
	FaultStatus FaultKind = iota
	// FaultRateLimit answers 429 with Retry-After, without handling.
	FaultRateLimit
	// FaultDropBefore closes the connection without handling or answering.
	FaultDropBefore
	// FaultDropAfter handles the request, then closes the connection
	// unanswered: the change is made but the client never hears of it.
	FaultDropAfter
	// FaultDelay waits Delay, then handles the request.
	FaultDelay
)

type faultSet struct {
	mu     sync.Mutex
	rnd    *rand.Rand
	faults []*activeFault
}

type activeFault struct {
	Fault
	seen int
}

// SetFaults replaces the injected faults; none clears them.
func (s *Server) SetFaults(faults ...Fault) { s.faults.set(s.cfg.seed, faults) }

func (fs *faultSet) set(seed int64, faults []Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rnd = rand.New(rand.NewSource(seed))
	fs.faults = fs.faults[:0]
	for _, f := range faults {
		fs.faults = append(fs.faults, &activeFault{Fault: f})
	}
}

// pick returns the fault that hits this request of operationID, if any.
func (fs *faultSet) pick(operationID string) *activeFault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var picked *activeFault
	for _, f := range fs.faults {
		if f.Operation != "" && f.Operation != operationID {
			continue
		}
		f.seen++ // every matching fault counts every matching request
		hit := false
		if len(f.Requests) > 0 {
			for _, n := range f.Requests {
				hit = hit || n == f.seen
			}
		} else {
			hit = fs.rnd.Float64() < f.Rate
		}
		if hit && picked == nil {
			c := *f
			picked = &c
		}
	}
	return picked
}

// before acts out the fault ahead of handling. It reports whether the
// request is finished (answered or dropped).
func (f *activeFault) before(w http.ResponseWriter) bool {
	switch f.Kind {
	case FaultStatus:
		if f.Status == 0 {
			f.Status = http.StatusInternalServerError
		}
		writeError(w, errorf(f.Status, "Injected fault."))
		return true
	case FaultRateLimit:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		w.Header().Set("Retry-After", strconv.Itoa(int((ra+time.Second-1)/time.Second)))
		f.Status = http.StatusTooManyRequests
		writeError(w, errorf(f.Status, "Too many requests."))
		return true
	case FaultDropBefore:
		dropConnection(w)
		return true
	case FaultDelay:
		time.Sleep(f.Delay)
	}
	return false
}

// dropConnection closes the client's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler) // HTTP/2 or a wrapped writer: abort the stream
}

// discardWriter swallows the answer of a request whose connection will be
// dropped.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}
