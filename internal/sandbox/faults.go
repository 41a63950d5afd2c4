package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// faultFlag is the repeatable -fault flag.
type faultFlag struct {
	specs  []string
	faults []iconecttest.Fault
	known  map[string]bool // the spec's operationIds; nil: read on the first Set
}

func (f *faultFlag) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(f.specs, " ")
}

func (f *faultFlag) Set(spec string) error {
	if f.known == nil {
		f.known = operationIDs()
	}
	fault, err := parseFault(spec, f.known)
	if err != nil {
		return err
	}
	f.specs = append(f.specs, spec)
	f.faults = append(f.faults, fault)
	return nil
}

// operationIDs are the operations -fault may name.
func operationIDs() map[string]bool {
	v, err := iconecttest.NewValidator()
	if err != nil {
		panic(err) // the embedded spec is broken: a build problem, not the user's
	}
	ids := map[string]bool{}
	for _, r := range v.Routes() {
		ids[r.OperationID] = true
	}
	return ids
}

// parseFault reads operation:kind[:when] (see Help). known lists the
// operationIds the operation may name; "*" means every operation.
func parseFault(spec string, known map[string]bool) (iconecttest.Fault, error) {
	parts := strings.Split(spec, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return iconecttest.Fault{}, fmt.Errorf("%q is not operation:kind[:when] (e.g. getJob:503:0.2)", spec)
	}
	op, err := faultOperation(parts[0], known)
	if err != nil {
		return iconecttest.Fault{}, err
	}
	f, err := faultKind(parts[1])
	if err != nil {
		return iconecttest.Fault{}, err
	}
	f.Operation = op
	f.Rate = 1
	if len(parts) == 3 {
		if err := faultWhen(&f, parts[2]); err != nil {
			return iconecttest.Fault{}, err
		}
	}
	return f, nil
}

// faultOperation checks the operation part: "*" (all) or a known operationId.
func faultOperation(op string, known map[string]bool) (string, error) {
	switch {
	case op == "*":
		return "", nil
	case op == "":
		return "", fmt.Errorf("the operation is empty: name an operationId (e.g. getJob) or * for all")
	case known[op]:
		return op, nil
	}
	for id := range known {
		if strings.EqualFold(id, op) {
			return "", fmt.Errorf("unknown operation %q: did you mean %q?", op, id)
		}
	}
	return "", fmt.Errorf("unknown operation %q: name an operationId of the spec (e.g. getJob) or * for all", op)
}

// faultKind reads the kind part: a status, 429[=retry-after], drop-before,
// drop-after or delay=duration.
func faultKind(kind string) (iconecttest.Fault, error) {
	name, arg, hasArg := strings.Cut(kind, "=")
	switch {
	case name == "drop-before" && !hasArg:
		return iconecttest.Fault{Kind: iconecttest.FaultDropBefore}, nil
	case name == "drop-after" && !hasArg:
		return iconecttest.Fault{Kind: iconecttest.FaultDropAfter}, nil
	case name == "delay":
		d, err := time.ParseDuration(arg)
		if !hasArg || err != nil || d < 0 {
			return iconecttest.Fault{}, fmt.Errorf("fault kind %q: give delay=<duration>, e.g. delay=500ms", kind)
		}
		return iconecttest.Fault{Kind: iconecttest.FaultDelay, Delay: d}, nil
	case name == "429":
		f := iconecttest.Fault{Kind: iconecttest.FaultRateLimit, Status: http.StatusTooManyRequests}
		if hasArg {
			d, err := time.ParseDuration(arg)
			if err != nil || d <= 0 {
				return iconecttest.Fault{}, fmt.Errorf("fault kind %q: give 429=<retry-after>, e.g. 429=5s", kind)
			}
			f.RetryAfter = d
		}
		return f, nil
	}
	status, err := strconv.Atoi(kind)
	if err != nil || status < 400 || status > 599 {
		return iconecttest.Fault{}, fmt.Errorf("unknown fault kind %q: give an HTTP status from 400 to 599, 429[=retry-after], drop-before, drop-after or delay=<duration>", kind)
	}
	return iconecttest.Fault{Kind: iconecttest.FaultStatus, Status: status}, nil
}

// faultWhen reads the when part: a rate from 0 to 1 or @n,m,... (the
// matching requests hit, counted from 1).
func faultWhen(f *iconecttest.Fault, when string) error {
	if list, ok := strings.CutPrefix(when, "@"); ok {
		for _, s := range strings.Split(list, ",") {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				return fmt.Errorf("fault schedule %q: give @ and request numbers from 1, e.g. @1,2", when)
			}
			f.Requests = append(f.Requests, n)
		}
		return nil
	}
	rate, err := strconv.ParseFloat(when, 64)
	if err != nil || rate < 0 || rate > 1 || math.IsNaN(rate) {
		return fmt.Errorf("fault rate %q: give a number from 0 to 1 (e.g. 0.2) or a schedule (e.g. @1,2)", when)
	}
	f.Rate = rate
	return nil
}
