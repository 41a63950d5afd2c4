package auth_test

import (
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/auth"
)

// cachedSource is a source holding a valid token, on the real clock; no
// provider is needed because nothing is due.
func cachedSource(tb testing.TB) *auth.TokenSource {
	tb.Helper()
	cfg := &auth.Config{IdentityURL: "https://identity.invalid", ClientID: "bench"}
	src, err := cfg.TokenSource(auth.NewMemoryStore(&oauth2.Token{
		AccessToken: "cached-access-token", RefreshToken: "cached-refresh-token",
		TokenType: "Bearer", Expiry: time.Now().Add(time.Hour),
	}))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := src.Token(); err != nil { // loads the store once
		tb.Fatal(err)
	}
	return src
}

// BenchmarkTokenCached is the hot path: every API request asks for the
// token. Target: ≤ 100 ns and 0 allocations.
func BenchmarkTokenCached(b *testing.B) {
	src := cachedSource(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Token(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenCachedParallel is the same under contention: no lock on
// the hot path.
func BenchmarkTokenCachedParallel(b *testing.B) {
	src := cachedSource(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := src.Token(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func TestTokenCachedAllocs(t *testing.T) {
	src := cachedSource(t)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := src.Token(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("a cached Token() allocates %v times, want 0", allocs)
	}
}
