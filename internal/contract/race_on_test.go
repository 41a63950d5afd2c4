//go:build race

package contract

// raceEnabled: the test binary has the race detector, so programs it
// builds use it too and share the build cache's packages.
const raceEnabled = true
