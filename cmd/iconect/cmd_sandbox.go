package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/iconect-go/iconect-go/internal/sandbox"
	"github.com/iconect-go/iconect-go/pkg/iconect/iconecttest"
)

func cmdSandbox(ctx context.Context, a *app, args []string) error {
	fs, g := a.newFlags("sandbox", "[flags]", `Serves a fake iCONECT tenant (package iconecttest: the REST API and its OpenID
Connect provider, in memory) until Ctrl-C, and prints how to point this CLI at
it. --output json prints the one JSON line cmd/iconect-sandbox prints (its
fixed test credentials included). It takes cmd/iconect-sandbox's flags, faults
and seed data included:

`+strings.TrimSuffix(sandbox.Help, "\n"))
	sf := sandbox.Flags{FlagPrefix: "--"}
	sf.Register(fs)
	verbose := fs.Bool("v", false, "log every API request on stderr")
	if err := g.parse(args, 0); err != nil {
		return err
	}
	opts, err := sf.Options()
	if err != nil {
		return usagef("sandbox: %v", err)
	}
	opts = append(opts, iconecttest.WithLogger(sandbox.Logger(a.stderr, *verbose)))
	srv, err := sandbox.Start(opts...)
	if err != nil {
		return fmt.Errorf("cannot start the sandbox: %v", err)
	}
	defer srv.Close()
	info := sandbox.InfoOf(srv)
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

func sandboxText(w io.Writer, i sandbox.Info) error {
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
