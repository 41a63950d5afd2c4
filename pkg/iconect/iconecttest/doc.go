// Package iconecttest is a stateful, in-memory iCONECT tenant — the REST API
// and its OpenID Connect identity provider — for tests, in the spirit of
// net/http/httptest and Google's pstest:
//
//	srv := iconecttest.NewServer()
//	defer srv.Close()
//	// srv.URL is the API base URL, srv.IdentityURL the identity provider's;
//	// srv.Client, srv.PublicClient and srv.User are registered and can sign in;
//	// srv.AccessToken() mints a token directly.
//
// Every operation of api/openapi.yaml is served, on the generated strict
// server interface, with real state changes: records get IDs and versions,
// uploads are assembled from chunks, jobs run in the background and create
// or delete records. Each request is validated against the spec first
// (Validator, which the contract check reuses): an invalid request answers
// 400 and a wrong media type 415, both with {"iconect_error": "..."}; a
// missing object answers 404 with that body; an unknown route 404 with an
// empty body, a wrong method 405. Bad input never answers 500.
//
// Tests inspect and steer the fake: RequestCount, TokenRequests,
// RefreshTokensPresented, StoredFile, NativeFile; faults (WithFaults,
// SetFaults: 5xx, 429 with Retry-After, dropped connections before or after
// handling, delays, by rate under WithSeed or by request number);
// WithClock(NewFakeClock(...)) for token, view, upload and job time;
// WithoutOperations for a tenant lacking some routes; WithIdentityDown and
// SetIdentityDown; WithLoginForm; WithPasswordRefreshTokens.
//
// # What the fake decides
//
// The vendor's docs leave much open, so this package is where "behaves like
// iCONECT" is decided. Each decision is a guess, listed in the README's
// "Known unknowns" (section "The fake tenant"); the main ones:
//
//   - Creates answer 201 (the docs' status table: "201 Created: the object
//     was created"); createBatches answers 200 as its docs example does;
//     deleteBatchSet answers 204; other successes 200.
//   - Access tokens are RS256 JWTs (sub is the numeric user ID) checked
//     against the provider's key; a missing, malformed, badly signed or
//     expired token answers 401, one without the iconect_api scope 403.
//     Refresh tokens are single use and rotate; codes live 60 seconds.
//   - Every project has a "General" and a "Native File Upload" file store, a
//     DOCID field and a "Native File" field (FieldType 7, a guess) named by
//     its settings' NATIVEFIELD; a template's fields and panels are copied.
//   - listRecords pages from 1 (page_size 50 by default, any size served in
//     full, never capped silently) and cuts string values to size_limit
//     characters (default 100; 0 or less cuts nothing); batch lists page from 0
//     and answer in assigned_batches, batches_max_page_num being the page
//     count.
//   - An upload's path in a store is the multipart filename from the raw
//     Content-Disposition, directories kept; chunks may come in any order
//     and a repeated chunk replaces the earlier one; unfinished uploads
//     expire after 24 hours. A file part without a filename is named "file".
//   - What the spec allows is accepted: a missing, null or empty name of a
//     panel, folder, field or batch set is stored empty; no records, fields
//     or record IDs is an empty answer; a job type or panel type filter of
//     an unknown value matches nothing.
//   - Jobs go New (0) → Running (2) → Finished (5), FinishedWithExceptions
//     (8), Failed (6) or Stopped (4) — 2, 4 and 6 are invented codes — one
//     step per WithJobStep on the fake's clock; a delimited import reads a
//     comma-separated file with a header row (file_format 1, UTF-8).
//
// A panic in a handler is a bug in the fake: it answers 500 and the server
// keeps serving.
package iconecttest
