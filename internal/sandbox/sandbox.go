// Package sandbox is what the two programs that serve the fake tenant
// (package iconecttest) share: cmd/iconect-sandbox and the CLI's
// "iconect sandbox". It holds their flags and the checks on them (Flags),
// starting the server (Start) and the JSON object that tells a client how
// to connect (Info).
package sandbox

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

// Info is what a client needs to use a sandbox: its URLs and fixed test
// credentials. Its JSON is the line cmd/iconect-sandbox prints on stdout
// and what "iconect sandbox --output json" prints.
type Info struct {
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

// InfoOf is s's Info.
func InfoOf(s *iconecttest.Server) Info {
	return Info{
		APIURL:            s.URL,
		IdentityURL:       s.IdentityURL,
		ClientID:          s.Client.ID,
		ClientSecret:      s.Client.Secret,
		PublicClientID:    s.PublicClient.ID,
		RedirectURI:       s.Client.RedirectURI,
		PublicRedirectURI: s.PublicClient.RedirectURI,
		Username:          s.User.Username,
		Password:          s.User.Password,
		UserID:            s.User.ID,
		DataServersID:     s.DataServerID,
		TemplateProjectID: s.TemplateProjectID,
	}
}

// Start runs iconecttest.NewServer, turning its panic (it cannot listen)
// into an error.
func Start(opts ...iconecttest.Option) (s *iconecttest.Server, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	return iconecttest.NewServer(opts...), nil
}

// Logger is the sandbox's log on w: text lines, every API request too when
// verbose (the -v flag).
func Logger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
