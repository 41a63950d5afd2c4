package iconecttest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkAuthenticatedGET measures the fake's throughput for an
// authenticated GET over loopback (JWT verification, routing, request
// validation and the handler included), beside a bare handler that answers
// the same bytes over the same kind of connection: the gap is the fake's cost.
//
//	go test -run '^$' -bench AuthenticatedGET ./pkg/iconect/iconecttest/
func BenchmarkAuthenticatedGET(b *testing.B) {
	s := NewServer(WithProject(SeedProject{Name: "Bench", Fields: []string{"Title", "Author"}}))
	defer s.Close()
	pid, _ := s.ProjectID("Bench")
	url := fmt.Sprintf("%s/projects/%d/fields", s.URL, pid)
	auth := "Bearer " + s.AccessToken()

	// The bare server answers what the fake answers, without any of its work.
	res, err := get(http.DefaultClient, url, auth)
	if err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(res)
	}))
	defer bare.Close()

	b.Run("fake", func(b *testing.B) { benchGET(b, url, auth) })
	b.Run("bare", func(b *testing.B) { benchGET(b, bare.URL+"/projects/1/fields", auth) })
}

func benchGET(b *testing.B, url, auth string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := get(client, url, auth); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

func get(client *http.Client, url, auth string) ([]byte, error) {
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", auth)
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d: %s", res.StatusCode, body)
	}
	return body, err
}
