package iconect

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy decides whether a failed attempt is tried again, and when.
type RetryPolicy interface {
	// RetryDelay returns the wait before the next attempt, or false to stop.
	RetryDelay(a Attempt) (time.Duration, bool)
}

// Attempt describes an attempt that failed (an error, or an answer the
// policy may want to retry).
type Attempt struct {
	OperationID string
	// Number is the attempt that failed, from 1.
	Number     int
	StatusCode int // 0 when there was no answer
	Header     http.Header
	Err        error
	// Written reports whether the request may have reached the server: a
	// request that was not written is always safe to send again.
	Written bool
	// Replayable reports whether the body can be sent again.
	Replayable bool
}

// Retry is the default policy: MaxRetries retries with exponential backoff
// and jitter (Base·2ⁿ, at most Max), Retry-After honoured up to
// MaxRetryAfter. What is retried depends on the operation (RetrySafe):
//
//   - a request that never reached the server: always;
//   - 429 and 503: always (the server refused it before acting), after
//     Retry-After when given;
//   - a lost answer, 500, 502, 504: only operations safe to repeat.
type Retry struct {
	MaxRetries    int
	Base, Max     time.Duration
	MaxRetryAfter time.Duration
}

// DefaultRetry is the policy a Client uses unless told otherwise.
var DefaultRetry = Retry{MaxRetries: 2, Base: 500 * time.Millisecond, Max: 8 * time.Second, MaxRetryAfter: 60 * time.Second}

// NoRetry never retries.
var NoRetry = Retry{}

// RetryDelay implements RetryPolicy.
func (p Retry) RetryDelay(a Attempt) (time.Duration, bool) {
	if a.Number > p.MaxRetries || (a.Written && !a.Replayable) {
		return 0, false
	}
	safe, _ := RetrySafe(a.OperationID)
	switch {
	case a.StatusCode == 0 && a.Err != nil:
		if a.Written && !safe {
			return 0, false
		}
	case a.StatusCode == http.StatusTooManyRequests || a.StatusCode == http.StatusServiceUnavailable:
		if d, ok := retryAfter(a.Header); ok {
			return min(d, p.MaxRetryAfter), true
		}
	case a.StatusCode == http.StatusInternalServerError || a.StatusCode == http.StatusBadGateway || a.StatusCode == http.StatusGatewayTimeout:
		if !safe {
			return 0, false
		}
	default:
		return 0, false
	}
	return p.backoff(a.Number), true
}

// backoff is Base·2ⁿ⁻¹ capped at Max, with jitter between half and all of it.
func (p Retry) backoff(n int) time.Duration {
	d := p.Base << (n - 1)
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	if d <= 0 {
		return 0
	}
	return d/2 + rand.N(d/2+1)
}

// retryAfter reads Retry-After: seconds or an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}

// RetrySafe reports whether an operation may be repeated after its request
// may have reached the server (a lost answer, 500, 502, 504), and why.
func RetrySafe(operationID string) (bool, string) {
	s, ok := retrySafety[operationID]
	if !ok {
		return false, "unknown operation"
	}
	return s.safe, s.reason
}

type safety struct {
	safe   bool
	reason string
}

const (
	read       = "a read changes nothing"
	create     = "a repeat after a lost answer would create a second object"
	put        = "a PUT of the same values leaves the same state"
	setState   = "setting the same state twice leaves the same state"
	deleteDone = "a repeat finds it gone (404), which counts as done"
	listPost   = "a POST that only carries a filter: a read"
)

// retrySafety is the one table of what may be repeated, with a reason per
// row; a test checks it names every operation of the spec.
var retrySafety = map[string]safety{
	"createClient":     {false, create},
	"updateClient":     {true, put},
	"activateClient":   {true, setState},
	"deactivateClient": {true, setState},

	"listProjects":       {true, read},
	"createProject":      {false, create},
	"updateProject":      {true, put},
	"getProjectSettings": {true, read},
	"activateProject":    {true, setState},
	"deactivateProject":  {true, setState},

	"listFields":   {true, read},
	"createFields": {false, create},
	"getField":     {true, read},
	"updateField":  {true, put},

	"listPanels":  {true, read},
	"createPanel": {false, create},
	"getPanel":    {true, read},
	"updatePanel": {true, put},

	"listFolders":         {true, read},
	"createFolder":        {false, create},
	"getFolder":           {true, read},
	"updateFolder":        {true, put},
	"deleteFolder":        {true, deleteDone},
	"listFolderRecords":   {true, read},
	"addFolderRecords":    {true, "adding records already in the folder changes nothing"},
	"removeFolderRecords": {true, "removing records no longer in the folder changes nothing"},

	"getRecord":     {true, read},
	"listRecords":   {true, read},
	"createRecords": {false, create},
	"updateRecords": {false, "a repeat after a lost answer meets the new version and reports a false stale version"},

	"uploadNativeFile":    {true, "a repeated chunk replaces the earlier one"},
	"deleteNativeFile":    {true, deleteDone},
	"listFileStores":      {true, read},
	"getFileStore":        {true, read},
	"uploadFileStoreFile": {true, "a repeated chunk replaces the earlier one"},
	"getFileStoreItems":   {true, listPost},

	"listBatchSets":  {true, read},
	"getBatchSet":    {true, read},
	"createBatchSet": {false, create},
	"updateBatchSet": {true, put},
	"deleteBatchSet": {true, deleteDone},

	"listAssignedBatches":   {true, listPost},
	"listUnassignedBatches": {true, listPost},
	"listCompletedBatches":  {true, listPost},
	"assignBatches":         {true, "assigning to the same user again leaves the same state"},
	"unassignBatches":       {true, setState},
	"createBatches":         {false, create},
	"updateBatches":         {true, put},
	"checkInBatch":          {false, "a repeat may move a batch that was checked in meanwhile"},
	"deleteBatches":         {true, deleteDone},

	"listJobs":     {true, read},
	"createJob":    {false, create},
	"getJob":       {true, read},
	"updateJob":    {true, put},
	"startJob":     {false, "a repeat would start the job a second time (or fail as already running)"},
	"startJobPost": {false, "a repeat would start the job a second time (or fail as already running)"},
	"stopJob":      {false, "a repeat fails as not running, hiding whether the stop worked"},
	"stopJobPost":  {false, "a repeat fails as not running, hiding whether the stop worked"},

	"listNativeImportTemplates": {true, read},
	"createView":                {false, create},
}

// deleteOperations answer 404 on a repeat of a delete that worked: after a
// lost answer that 404 means done.
var deleteOperations = map[string]bool{
	"deleteFolder": true, "deleteNativeFile": true, "deleteBatchSet": true, "deleteBatches": true,
}
