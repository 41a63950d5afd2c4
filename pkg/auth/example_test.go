package auth_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/iconect-go/iconect-go/pkg/auth"
)

// A command-line tool signs in with the authorization code flow: it prints
// the URL, the user signs in in a browser and pastes back the URL the
// browser was redirected to. The token is saved for later runs.
func ExampleConfig_StartAuthCode() {
	ctx := context.Background()
	cfg := &auth.Config{
		IdentityURL: "https://identity.example.com",
		ClientID:    "my-cli",                        // a public client: no secret
		RedirectURL: "http://127.0.0.1/cli/callback", // as registered
	}
	req, err := cfg.StartAuthCode()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Open this URL, sign in, and paste the address you are sent to:")
	fmt.Println(req.URL)

	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cfg.FinishAuthCodeURL(ctx, req, line)
	var refused *auth.AuthorizeError
	switch {
	case errors.As(err, &refused):
		log.Fatalf("sign-in refused: %s", refused.Code)
	case err != nil:
		log.Fatal(err) // never holds the code, verifier or a token
	}
	store := auth.NewFileStore(filepath.Join(os.Getenv("HOME"), ".config", "iconect", "token.json"))
	if err := store.Save(ctx, tok); err != nil {
		log.Fatal(err)
	}
	fmt.Println("Signed in.")
}

// A program calls the API with the token saved by a sign-in: the token
// source refreshes it ahead of expiry and saves each rotated token to the
// file, which other processes may share; the transport adds it to every
// request.
func ExampleTransport() {
	cfg := &auth.Config{
		IdentityURL:  "https://identity.example.com",
		ClientID:     "my-integration",
		ClientSecret: os.Getenv("ICONECT_CLIENT_SECRET"),
	}
	if err := cfg.Discover(context.Background()); err != nil { // optional: endpoints from the provider
		log.Fatal(err)
	}
	store := auth.NewFileStore(filepath.Join(os.Getenv("HOME"), ".config", "iconect", "token.json"))
	src, err := cfg.TokenSource(store, auth.WithSkew(2*time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &auth.Transport{Source: src}, Timeout: time.Minute}

	res, err := client.Get("https://api.example.com/projects")
	if errors.Is(err, auth.ErrReauthRequired) {
		log.Fatal("please sign in again")
	}
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	fmt.Println(res.Status)
}

// A single-user integration signs in with a password; the source signs in
// again whenever the provider issues no refresh token.
func ExampleWithPassword() {
	cfg := &auth.Config{IdentityURL: "https://identity.example.com", ClientID: "my-integration",
		ClientSecret: os.Getenv("ICONECT_CLIENT_SECRET")}
	src, err := cfg.TokenSource(nil, auth.WithPassword(os.Getenv("ICONECT_USER"), os.Getenv("ICONECT_PASSWORD")))
	if err != nil {
		log.Fatal(err)
	}
	var temp *auth.TemporaryError
	tok, err := src.Token()
	switch {
	case errors.As(err, &temp):
		log.Fatal("the identity provider is unavailable; try again later")
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println("token expires at", tok.Expiry)
}
