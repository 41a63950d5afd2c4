package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// sandboxInfo is what a client needs to use the sandbox: the same JSON
// object cmd/iconect-sandbox prints.
type sandboxInfo struct {
	APIURL            string `json:"api_url"`
	IdentityURL       string `json:"identity_url"`
	ClientID          string `json:"client_id"`
	ClientSecret      string `json:"client_secret"`
	PublicClientID    string `json:"public_client_id"`
	RedirectURI       string `json:"redirect_uri"`
	PublicRedirectURI string `json:"public_redirect_uri"`
	Username          string `json:"username"`
	Password          string `json:"password"`
	UserID            int64  `json:"user_id"`
	DataServersID     int64  `json:"dataservers_id"`
	TemplateProjectID int64  `json:"template_project_id"`
}

func cmdSandbox(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("sandbox", "[flags]", `Serves a fake iCONECT tenant (package iconecttest: the REST API and its OpenID
Connect provider, in memory) until Ctrl-C, and prints how to point this CLI at
it. --output json prints the one JSON line cmd/iconect-sandbox prints (its
fixed test credentials included). For injected faults and seed data, run
go run ./cmd/iconect-sandbox (same server, more flags).`)
	addr := fs.String("addr", "127.0.0.1:8080", "the API's `host:port` (port 0 picks a free one)")
	idAddr := fs.String("identity-addr", "127.0.0.1:8081", "the identity provider's `host:port`")
	lifetime := fs.Duration("token-lifetime", time.Hour, "how long access tokens live")
	step := fs.Duration("job-step", 10*time.Millisecond, "how long a job takes per step (100 rows or records)")
	latency := fs.Duration("latency", 0, "delay every API answer by this long")
	loginForm := fs.Bool("login-form", false, "the authorize page asks for the username and password instead of approving at once")
	verbose := fs.Bool("v", false, "log every API request on stderr")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	if *lifetime <= 0 || *step <= 0 || *latency < 0 {
		return usagef("sandbox: --token-lifetime and --job-step must be positive, --latency not negative")
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	opts := []iconecttest.Option{
		iconecttest.WithAddr(*addr), iconecttest.WithIdentityAddr(*idAddr),
		iconecttest.WithTokenLifetime(*lifetime), iconecttest.WithJobStep(*step), iconecttest.WithLatency(*latency),
		iconecttest.WithLogger(slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))),
	}
	if *loginForm {
		opts = append(opts, iconecttest.WithLoginForm())
	}
	srv, err := startSandbox(opts...)
	if err != nil {
		return fmt.Errorf("cannot start the sandbox: %v", err)
	}
	defer srv.Close()
	info := infoOf(srv)
	if g.json() {
		if err := writeJSONLine(a.stdout, info); err != nil {
			return err
		}
	} else if err := sandboxText(a.stdout, info); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// startSandbox runs NewServer, turning its panic (it cannot listen) into
// an error.
func startSandbox(opts ...iconecttest.Option) (s *iconecttest.Server, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	return iconecttest.NewServer(opts...), nil
}

func infoOf(s *iconecttest.Server) sandboxInfo {
	return sandboxInfo{
		APIURL: s.URL, IdentityURL: s.IdentityURL,
		ClientID: s.Client.ID, ClientSecret: s.Client.Secret, RedirectURI: s.Client.RedirectURI,
		PublicClientID: s.PublicClient.ID, PublicRedirectURI: s.PublicClient.RedirectURI,
		Username: s.User.Username, Password: s.User.Password, UserID: s.User.ID,
		DataServersID: s.DataServerID, TemplateProjectID: s.TemplateProjectID,
	}
}

func sandboxText(w io.Writer, i sandboxInfo) error {
	_, err := fmt.Fprintf(w, `iCONECT sandbox: API %s, identity provider %s (Ctrl-C stops it).

In another shell:

  export ICONECT_API_URL=%s
  export ICONECT_IDENTITY_URL=%s
  export ICONECT_CLIENT_ID=%s
  export ICONECT_REDIRECT_URL=%s
  export ICONECT_USER_ID=%d
  export ICONECT_DATASERVERS_ID=%d
  export ICONECT_TOKEN_FILE=$(mktemp -d)/token.json
  iconect login      # open the URL; the sandbox signs you in as %s at once; paste where it sent you
  iconect projects list --type all

(The sandbox's fixed test credentials, client secret and password included, are in --output json.)
`, i.APIURL, i.IdentityURL, i.APIURL, i.IdentityURL, i.PublicClientID, i.PublicRedirectURI, i.UserID, i.DataServersID, i.Username)
	return err
}
