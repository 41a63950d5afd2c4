package iconecttest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"sync"
	"time"
)

// Access tokens are RS256 JWTs, as iCONECT's identity provider issues
// (Beta 10: "access tokens are JWTs"), verifiable through the JWKS.

// claims are what the fake puts in, and reads from, an access token.
type claims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"` // the numeric user ID
	Audience string `json:"aud"`
	Expiry   int64  `json:"exp"`
	IssuedAt int64  `json:"iat"`
	Scope    string `json:"scope"`
	ClientID string `json:"client_id"`
	ID       string `json:"jti"`
}

func (c claims) hasScope(s string) bool {
	for _, f := range strings.Fields(c.Scope) {
		if f == s {
			return true
		}
	}
	return false
}

var (
	errTokenMalformed = errors.New("the bearer token is not a well-formed JWT")
	errTokenSignature = errors.New("the bearer token's signature does not verify")
	errTokenExpired   = errors.New("the bearer token has expired")
)

// signer holds the provider's key. One RSA key serves every fake in the
// process: generating one takes long enough to slow a test suite down.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

var (
	sharedKeyOnce sync.Once
	sharedKey     *rsa.PrivateKey
)

func newSigner() *signer {
	sharedKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("iconecttest: generate RSA key: " + err.Error())
		}
		sharedKey = k
	})
	return &signer{key: sharedKey, kid: "iconecttest-1"}
}

var b64 = base64.RawURLEncoding

// sign makes a JWT of any claims set (access and ID tokens).
func (s *signer) sign(c any) (string, error) {
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": s.kid})
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	signing := b64.EncodeToString(header) + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signing + "." + b64.EncodeToString(sig), nil
}

// verify checks the signature and expiry of token at now.
func (s *signer) verify(token string, now time.Time) (claims, error) {
	var c claims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c, errTokenMalformed
	}
	var header struct{ Alg string }
	hb, err := b64.DecodeString(parts[0])
	if err != nil || json.Unmarshal(hb, &header) != nil || header.Alg != "RS256" {
		return c, errTokenMalformed
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return c, errTokenMalformed
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return c, errTokenSignature
	}
	pb, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(pb, &c) != nil {
		return c, errTokenMalformed
	}
	if now.Unix() >= c.Expiry {
		return c, errTokenExpired
	}
	return c, nil
}

// jwks is the provider's key set, as served at its jwks_uri.
func (s *signer) jwks() map[string]any {
	pub := s.key.PublicKey
	return map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": b64.EncodeToString(pub.N.Bytes()),
		"e": b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}
