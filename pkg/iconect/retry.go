package iconect

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/iconect-go/iconect-go/gen"
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
	gen.OpCreateClient:     {false, create},
	gen.OpUpdateClient:     {true, put},
	gen.OpActivateClient:   {true, setState},
	gen.OpDeactivateClient: {true, setState},

	gen.OpListProjects:       {true, read},
	gen.OpCreateProject:      {false, create},
	gen.OpUpdateProject:      {true, put},
	gen.OpGetProjectSettings: {true, read},
	gen.OpActivateProject:    {true, setState},
	gen.OpDeactivateProject:  {true, setState},

	gen.OpListFields:   {true, read},
	gen.OpCreateFields: {false, create},
	gen.OpGetField:     {true, read},
	gen.OpUpdateField:  {true, put},

	gen.OpListPanels:  {true, read},
	gen.OpCreatePanel: {false, create},
	gen.OpGetPanel:    {true, read},
	gen.OpUpdatePanel: {true, put},

	gen.OpListFolders:         {true, read},
	gen.OpCreateFolder:        {false, create},
	gen.OpGetFolder:           {true, read},
	gen.OpUpdateFolder:        {true, put},
	gen.OpDeleteFolder:        {true, deleteDone},
	gen.OpListFolderRecords:   {true, read},
	gen.OpAddFolderRecords:    {true, "adding records already in the folder changes nothing"},
	gen.OpRemoveFolderRecords: {true, "removing records no longer in the folder changes nothing"},

	gen.OpGetRecord:     {true, read},
	gen.OpListRecords:   {true, read},
	gen.OpCreateRecords: {false, create},
	gen.OpUpdateRecords: {false, "a repeat after a lost answer meets the new version and reports a false stale version"},

	gen.OpUploadNativeFile:    {true, "a repeated chunk replaces the earlier one"},
	gen.OpDeleteNativeFile:    {true, deleteDone},
	gen.OpListFileStores:      {true, read},
	gen.OpGetFileStore:        {true, read},
	gen.OpUploadFileStoreFile: {true, "a repeated chunk replaces the earlier one"},
	gen.OpGetFileStoreItems:   {true, listPost},

	gen.OpListBatchSets:  {true, read},
	gen.OpGetBatchSet:    {true, read},
	gen.OpCreateBatchSet: {false, create},
	gen.OpUpdateBatchSet: {true, put},
	gen.OpDeleteBatchSet: {true, deleteDone},

	gen.OpListAssignedBatches:   {true, listPost},
	gen.OpListUnassignedBatches: {true, listPost},
	gen.OpListCompletedBatches:  {true, listPost},
	gen.OpAssignBatches:         {true, "assigning to the same user again leaves the same state"},
	gen.OpUnassignBatches:       {true, setState},
	gen.OpCreateBatches:         {false, create},
	gen.OpUpdateBatches:         {true, put},
	gen.OpCheckInBatch:          {false, "a repeat may move a batch that was checked in meanwhile"},
	gen.OpDeleteBatches:         {true, deleteDone},

	gen.OpListJobs:     {true, read},
	gen.OpCreateJob:    {false, create},
	gen.OpGetJob:       {true, read},
	gen.OpUpdateJob:    {true, put},
	gen.OpStartJob:     {false, "a repeat would start the job a second time (or fail as already running)"},
	gen.OpStartJobPost: {false, "a repeat would start the job a second time (or fail as already running)"},
	gen.OpStopJob:      {false, "a repeat fails as not running, hiding whether the stop worked"},
	gen.OpStopJobPost:  {false, "a repeat fails as not running, hiding whether the stop worked"},

	gen.OpListNativeImportTemplates: {true, read},
	gen.OpCreateView:                {false, create},
}

// deleteOperations answer 404 on a repeat of a delete that worked: after a
// lost answer that 404 means done.
var deleteOperations = map[string]bool{
	gen.OpDeleteFolder: true, gen.OpDeleteNativeFile: true, gen.OpDeleteBatchSet: true, gen.OpDeleteBatches: true,
}
