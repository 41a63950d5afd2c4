package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
)

func cmdLogin(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("login", "[flags]", `Signs in and keeps the token (mode 0600) in the token file, for the other commands.

By default it uses the authorization code with PKCE: it prints a URL to open in a
browser; after signing in, paste the whole URL the browser was sent to (it may
show an error page: that is fine). With --password it uses the password grant
instead: the password comes from ICONECT_PASSWORD, from --password-file (- for
stdin) or, when neither is given, from stdin (not echoed on a terminal).`)
	fs.StringVar(&g.redir, "redirect-url", "", "the client's registered redirect `URL` (env ICONECT_REDIRECT_URL)")
	password := fs.Bool("password", false, "use the password grant instead of the browser")
	username := fs.String("username", "", "the `user` for --password (env ICONECT_USERNAME)")
	passwordFile := fs.String("password-file", "", "read the password from this `file` (- for stdin); else ICONECT_PASSWORD or stdin")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	cfg, err := g.authConfig()
	if err != nil {
		return err
	}
	path, err := g.tokenPath()
	if err != nil {
		return err
	}
	var tok *oauth2.Token
	grant := "authorization_code"
	if *password {
		grant = "password"
		user := *username
		if user == "" {
			user = strings.TrimSpace(a.getenv("ICONECT_USERNAME"))
		}
		if user == "" {
			return usagef("login: --password needs --username (or ICONECT_USERNAME)")
		}
		pass, err := a.readPassword(*passwordFile)
		if err != nil {
			return err
		}
		tok, err = cfg.PasswordToken(ctx, user, pass)
		if err != nil {
			return err
		}
	} else {
		if *passwordFile != "" || *username != "" {
			return usagef("login: --username and --password-file go with --password")
		}
		if cfg.RedirectURL == "" {
			return usagef("login: no redirect URL: give --redirect-url or ICONECT_REDIRECT_URL (the one registered for --client-id)")
		}
		req, err := cfg.StartAuthCode()
		if err != nil {
			return err
		}
		redirected, err := a.openAuthorize(ctx, req.URL)
		if err != nil {
			return err
		}
		tok, err = cfg.FinishAuthCodeURL(ctx, req, redirected)
		if err != nil {
			return err
		}
	}
	if err := auth.NewFileStore(path).Save(ctx, tok); err != nil {
		return err
	}
	out := struct {
		LoggedIn  bool      `json:"logged_in"`
		Grant     string    `json:"grant"`
		TokenFile string    `json:"token_file"`
		Expiry    time.Time `json:"expiry,omitzero"`
		Refresh   bool      `json:"refresh_token"`
	}{true, grant, path, tok.Expiry, tok.RefreshToken != ""}
	return g.emit(out, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Logged in (%s). Token kept in %s.\n", grant, path)
		return err
	})
}

// openAuthorize has the user open the authorize URL and paste where the
// browser was sent (or, in the demo and tests, plays the browser).
func (a *app) openAuthorize(ctx context.Context, authURL string) (string, error) {
	if a.authorize != nil {
		return a.authorize(ctx, authURL)
	}
	_, _ = fmt.Fprintf(a.stderr, "Open this URL in a browser and sign in:\n\n  %s\n\nThen paste the whole URL the browser was sent to (the page may not load), and press Enter:\n", authURL)
	line, err := readLine(a.stdin)
	if err != nil {
		return "", usagef("login: no redirect URL was pasted on stdin")
	}
	if line == "" {
		return "", usagef("login: the pasted redirect URL is empty")
	}
	return line, nil
}

// readLine reads one line, without its line ending.
func readLine(r io.Reader) (string, error) {
	s, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && (!errors.Is(err, io.EOF) || s == "") {
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// readPassword reads the password from the file, the environment or
// stdin, never echoing or printing it.
func (a *app) readPassword(file string) (string, error) {
	var pass string
	switch {
	case file == "-":
		line, err := readLine(a.stdin)
		if err != nil {
			return "", usagef("login: no password on stdin")
		}
		pass = line
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				return "", usagef("login: --password-file: cannot read %s: %v", pe.Path, pe.Err)
			}
			return "", usagef("login: --password-file: %v", err)
		}
		pass = strings.TrimRight(string(b), "\r\n")
	case a.getenv("ICONECT_PASSWORD") != "":
		pass = a.getenv("ICONECT_PASSWORD")
	default:
		_, _ = fmt.Fprint(a.stderr, "Password: ")
		restore := a.noEcho()
		line, err := readLine(a.stdin)
		restore()
		_, _ = fmt.Fprintln(a.stderr)
		if err != nil {
			return "", usagef("login: no password on stdin (or give ICONECT_PASSWORD or --password-file)")
		}
		pass = line
	}
	if pass == "" {
		return "", usagef("login: the password is empty")
	}
	return pass, nil
}

// noEcho turns off the terminal's echo while a password is typed (with
// stty: no dependency), and returns what turns it back on.
func (a *app) noEcho() func() {
	f, ok := a.stdin.(*os.File)
	if !ok || !a.stdinTTY {
		return func() {}
	}
	off := exec.Command("stty", "-echo")
	off.Stdin = f
	if off.Run() != nil {
		return func() {}
	}
	return func() {
		on := exec.Command("stty", "echo")
		on.Stdin = f
		_ = on.Run()
	}
}

func cmdLogout(ctx context.Context, a *app, args []string) error {
	_, g := a.newFlags("logout", "[flags]", "Forgets the kept token (deletes the token file). The provider's session is not ended.")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	path, err := g.tokenPath()
	if err != nil {
		return err
	}
	removed := true
	if err := os.Remove(path); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot delete the token file %s: %w", path, err)
		}
		removed = false
	}
	out := struct {
		LoggedOut bool   `json:"logged_out"`
		TokenFile string `json:"token_file"`
		WasIn     bool   `json:"was_logged_in"`
	}{true, path, removed}
	return g.emit(out, func(w io.Writer) error {
		if !removed {
			_, err := fmt.Fprintf(w, "Not logged in (no token in %s).\n", path)
			return err
		}
		_, err := fmt.Fprintf(w, "Logged out (deleted %s).\n", path)
		return err
	})
}
