package contract

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTenantModeAgainstSandbox runs the contract command in tenant mode,
// configured only through the ICONECT_* variables, against a separately
// started cmd/iconect-sandbox process whose JSON line carries every value.
func TestTenantModeAgainstSandbox(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts two programs")
	}
	bin := t.TempDir()
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "github.com/iconect-go/iconect-go/cmd/iconect-sandbox",
		"github.com/iconect-go/iconect-go/internal/contract/cmd/contract")...)
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	sandbox := exec.Command(filepath.Join(bin, "iconect-sandbox"), "-addr", "127.0.0.1:0")
	stdout, err := sandbox.StdoutPipe()
	require.NoError(t, err)
	sandboxLog := &lockedBuffer{}
	sandbox.Stderr = sandboxLog
	require.NoError(t, sandbox.Start())
	t.Cleanup(func() { // stopped by its process ID
		_ = sandbox.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- sandbox.Wait() }()
		select {
		case err := <-done:
			t.Logf("sandbox stopped: %v", err)
		case <-time.After(10 * time.Second):
			_ = sandbox.Process.Kill()
			err := <-done
			t.Logf("sandbox killed: %v", err)
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "sandbox: %s", sandboxLog.String())
	var banner struct {
		APIURL        string `json:"api_url"`
		IdentityURL   string `json:"identity_url"`
		ClientID      string `json:"client_id"`
		ClientSecret  string `json:"client_secret"`
		Username      string `json:"username"`
		Password      string `json:"password"`
		UserID        int64  `json:"user_id"`
		DataServersID int64  `json:"dataservers_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(line), &banner))

	reports := t.TempDir()
	run := exec.CommandContext(ctx, filepath.Join(bin, "contract"), "-report-dir", reports)
	run.Env = append(withoutIconectEnv(os.Environ()),
		EnvAPIURL+"="+banner.APIURL,
		EnvIdentityURL+"="+banner.IdentityURL,
		EnvClientID+"="+banner.ClientID,
		EnvClientSecret+"="+banner.ClientSecret,
		EnvUsername+"="+banner.Username,
		EnvPassword+"="+banner.Password,
		EnvUserID+"="+strconv.FormatInt(banner.UserID, 10),
		EnvDataServerID+"="+strconv.FormatInt(banner.DataServersID, 10),
		EnvPoll+"=20ms", // the sandbox's jobs take milliseconds
	)
	var runOut, runErr bytes.Buffer
	run.Stdout, run.Stderr = &runOut, &runErr
	err = run.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("contract exited %d:\n%s\n%s", exit.ExitCode(), runOut.String(), runErr.String())
	}
	require.NoError(t, err)

	text := runOut.String()
	assert.Contains(t, text, "contract: target tenant ("+banner.APIURL+")")
	assert.True(t, strings.HasSuffix(text, "contract: 60/60 operations exercised, 0 violations, 0 paths not found\n"), text)
	for _, f := range []string{"contract-report.json", "contract-junit.xml", "contract-summary.txt"} {
		b, err := os.ReadFile(filepath.Join(reports, f))
		require.NoError(t, err)
		assert.NotContains(t, string(b), banner.ClientSecret, f)
		assert.NotContains(t, string(b), banner.Password, f)
	}
	assert.NotContains(t, text+runErr.String(), banner.ClientSecret)
	assert.NotContains(t, text+runErr.String(), banner.Password)
}

func withoutIconectEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "ICONECT_") {
			out = append(out, kv)
		}
	}
	return out
}
