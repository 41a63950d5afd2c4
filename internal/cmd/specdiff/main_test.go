package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const spec = "../../../api/openapi.yaml"

// TestMain builds the pinned oasdiff once (go install into a temporary
// GOBIN) instead of a go run per comparison, unless OASDIFF names one.
func TestMain(m *testing.M) {
	os.Exit(func() int {
		flag.Parse()
		if os.Getenv("OASDIFF") == "" && !testing.Short() {
			bin, err := os.MkdirTemp("", "oasdiff")
			if err != nil {
				panic(err)
			}
			defer func() { _ = os.RemoveAll(bin) }()
			cmd := exec.Command("go", "install", strings.TrimPrefix(Oasdiff, "go run "))
			cmd.Env = append(os.Environ(), "GOBIN="+bin)
			if out, err := cmd.CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "go install oasdiff: %v\n%s", err, out)
				return 1
			}
			if err := os.Setenv("OASDIFF", filepath.Join(bin, "oasdiff")); err != nil {
				panic(err)
			}
		}
		return m.Run()
	}())
}

// fixture writes api/openapi.yaml with each old→new replacement applied
// (each must occur exactly once) and returns its path.
func fixture(t *testing.T, pairs ...string) string {
	t.Helper()
	data, err := os.ReadFile(spec)
	require.NoError(t, err)
	s := string(data)
	for i := 0; i < len(pairs); i += 2 {
		require.Equal(t, 1, strings.Count(s, pairs[i]), "fixture: %q must occur once in the spec", pairs[i])
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	p := filepath.Join(t.TempDir(), "openapi.yaml")
	require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	return p
}

// The spec fixtures of the issue: what breaks a client is an error (and
// fails the diff), what does not is at most a warning.
func TestBreakingChanges(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs oasdiff")
	}
	cases := []struct {
		name     string
		pairs    []string
		breaking bool
		want     string // in oasdiff's breaking output
	}{
		{
			name: "removed field",
			pairs: []string{
				"      description: A client (a customer or matter owner that projects belong to).\n      required: [id, name, description, state]\n      properties:\n        id: {type: integer, format: int64}\n        name: {type: string}\n",
				"      description: A client (a customer or matter owner that projects belong to).\n      required: [id, description, state]\n      properties:\n        id: {type: integer, format: int64}\n",
			},
			breaking: true,
			want:     "removed the required property `name` from the response",
		},
		{
			name:     "changed path",
			pairs:    []string{"  /clients/{client_id}/deactivate:\n", "  /clients/{client_id}/disable:\n"},
			breaking: true,
			want:     "api-path-removed",
		},
		{
			name:     "narrowed enum",
			pairs:    []string{"      enum: [0, 2]\n      x-enum-varnames: [Active, Value2]\n", "      enum: [0]\n      x-enum-varnames: [Active]\n"},
			breaking: true,
			want:     "removed the enum value `2.00` of the request property `state`",
		},
		{
			name: "added optional field",
			pairs: []string{
				"        description: {type: string, minLength: 1}\n        state: {$ref: '#/components/schemas/State'}\n    Project:\n",
				"        description: {type: string, minLength: 1}\n        state: {$ref: '#/components/schemas/State'}\n        notes: {type: string}\n    Project:\n",
			},
		},
		{
			name:  "added enum value",
			pairs: []string{"      enum: [0, 2]\n      x-enum-varnames: [Active, Value2]\n", "      enum: [0, 2, 3]\n      x-enum-varnames: [Active, Value2, Value3]\n"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			revision := fixture(t, tc.pairs...)
			res, err := Diff(context.Background(), Options{Base: spec, Revision: revision, Ignore: "none"})
			require.NoError(t, err)
			t.Logf("breaking:\n%s\nchangelog:\n%s", res.Breaking, res.Changelog)
			assert.Equal(t, tc.breaking, res.Failed, "failed")
			if tc.breaking {
				assert.Contains(t, res.Breaking, tc.want)
				assert.Regexp(t, "(?m)^error\t", res.Breaking)
			} else {
				assert.NotRegexp(t, "(?m)^error\t", res.Breaking)
				assert.NotContains(t, res.Changelog, "No changes detected", "the change shows in the changelog")
			}
		})
	}
}

// A break listed in the ignore file no longer fails the diff; the committed
// ignore file's example line matches nothing.
func TestIgnoreFile(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs oasdiff")
	}
	revision := fixture(t, "  /clients/{client_id}/deactivate:\n", "  /clients/{client_id}/disable:\n")
	res, err := Diff(context.Background(), Options{Base: spec, Revision: revision, Ignore: "../../../api/oasdiff-ignore.txt"})
	require.NoError(t, err)
	assert.True(t, res.Failed, "the committed ignore file must not hide this break:\n%s", res.Breaking)

	ignore := filepath.Join(t.TempDir(), "ignore.txt")
	require.NoError(t, os.WriteFile(ignore, []byte("2026-04-01 renamed by the vendor: PUT /clients/{client_id}/deactivate api path removed without deprecation\n"), 0o644))
	res, err = Diff(context.Background(), Options{Base: spec, Revision: revision, Ignore: ignore})
	require.NoError(t, err)
	assert.False(t, res.Failed, "ignored:\n%s", res.Breaking)
}

// -base and -revision may be git revisions; an unknown one is an error
// naming it, and a broken spec is an error, not a "breaking change".
func TestRevisionsAndErrors(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs oasdiff")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	data, err := os.ReadFile(spec)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "api"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api/openapi.yaml"), data, 0o644))
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "spec")
	changed := bytes.Replace(data, []byte("  /clients/{client_id}/deactivate:\n"), []byte("  /clients/{client_id}/disable:\n"), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "api/openapi.yaml"), changed, 0o644))

	var out bytes.Buffer
	require.ErrorContains(t, run(context.Background(), nil, &out), "-base is required")

	res, err := Diff(context.Background(), Options{Dir: dir, Base: "HEAD"})
	require.NoError(t, err)
	assert.Equal(t, "HEAD:api/openapi.yaml", res.BaseName)
	assert.True(t, res.Failed)
	assert.Contains(t, res.Breaking, "api-path-removed")

	_, err = Diff(context.Background(), Options{Dir: dir, Base: "no-such-rev"})
	require.ErrorContains(t, err, `"no-such-rev" is neither a file nor a git revision`)

	broken := filepath.Join(dir, "broken.yaml")
	require.NoError(t, os.WriteFile(broken, []byte("openapi: 3.0.3\npaths: [\n"), 0o644))
	_, err = Diff(context.Background(), Options{Dir: dir, Base: "HEAD", Revision: "broken.yaml"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, errBreaking)
}
