package chunkupload_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/iconect-go/iconect-go/pkg/iconect"
)

// The benchmarks compare an upload through the SDK in 8 MiB chunks with
// one raw multipart POST of the same bytes (which hashes them too, so both
// pay for SHA-256), over loopback to a server in another process: this
// test binary started again with CHUNKUPLOAD_BENCH_SERVER=1, whose handler
// reads each multipart file part into SHA-256 and discards it. The source
// is a synthetic io.ReaderAt (no file held in memory), so the heap measured
// is the upload's own. They run only with -bench:
//
//	go test -run '^$' -bench . -benchmem -count 6 ./pkg/chunkupload/ | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /path new.txt
//
// peak-heap-MiB is the largest live heap (runtime/metrics'
// /memory/classes/heap/objects:bytes, sampled every 100 µs) seen during
// the timed uploads.

const benchServerEnv = "CHUNKUPLOAD_BENCH_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(benchServerEnv) == "1" {
		benchServer()
		return
	}
	os.Exit(m.Run())
}

// benchServer serves until its stdin closes, after printing its address.
func benchServer() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(ln.Addr().String())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	_ = http.Serve(ln, http.HandlerFunc(hashAndDiscard))
}

// hashAndDiscard reads every file part of a multipart body into SHA-256
// and answers with the digest.
func hashAndDiscard(w http.ResponseWriter, r *http.Request) {
	mr, err := r.MultipartReader()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h := sha256.New()
	buf := make([]byte, 64<<10)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if _, err := io.CopyBuffer(h, p, buf); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"iconect_ok":"%x"}`, h.Sum(nil))
}

// startServer runs the server process for the benchmark.
func startServer(b *testing.B) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), benchServerEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatal(err)
	}
	return "http://" + strings.TrimSpace(addr)
}

// synthetic is a file of size bytes made of a repeated 1 MiB block: an
// io.ReaderAt that holds 1 MiB whatever its size.
type synthetic struct {
	block []byte
	size  int64
}

var block = pattern(1<<20, 1)

func (s synthetic) ReadAt(p []byte, off int64) (int, error) {
	if off >= s.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off < s.size {
		k := copy(p[n:], s.block[off%int64(len(s.block)):])
		k = int(min(int64(k), s.size-off))
		n += k
		off += int64(k)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// peakHeap samples the live heap until stopped, and returns its maximum.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(100 * time.Microsecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

var benchSizes = []int64{64 << 20, 256 << 20}

func BenchmarkUpload(b *testing.B) {
	url := startServer(b)
	for _, size := range benchSizes {
		src := synthetic{block: block, size: size}
		b.Run(fmt.Sprintf("path=sdk-chunks-8MiB/size=%dMiB", size>>20), func(b *testing.B) {
			c, err := iconect.NewClient(url, iconect.WithTokenSource(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "bench"})))
			if err != nil {
				b.Fatal(err)
			}
			opts := &iconect.UploadOptions{ChunkSize: 8 << 20, Threshold: -1}
			runtime.GC()
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			stop := peakHeap()
			for b.Loop() {
				res, err := c.FileStores.UploadFile(context.Background(), 1, 1, "bench.bin", io.NewSectionReader(src, 0, size), size, opts)
				if err != nil {
					b.Fatal(err)
				}
				if res.Chunks != int32(size/(8<<20)) {
					b.Fatalf("%d chunks", res.Chunks)
				}
			}
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
		})
		b.Run(fmt.Sprintf("path=raw-one-post/size=%dMiB", size>>20), func(b *testing.B) {
			hc := &http.Client{}
			runtime.GC()
			b.SetBytes(size)
			b.ReportAllocs()
			b.ResetTimer()
			stop := peakHeap()
			for b.Loop() {
				if err := rawPost(hc, url, src, size); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MiB")
		})
	}
}

// rawPost sends the file in one multipart POST (io.Pipe + multipart.Writer)
// and hashes it on the way.
func rawPost(hc *http.Client, url string, src io.ReaderAt, size int64) error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	h := sha256.New()
	go func() {
		part, err := mw.CreateFormFile("file", "bench.bin")
		if err == nil {
			_, err = io.Copy(part, io.TeeReader(io.NewSectionReader(src, 0, size), h))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	res, err := hc.Post(url+"/projects/1/filestores/1/upload", mw.FormDataContentType(), pr)
	if err != nil {
		return err
	}
	defer func() { _ = res.Body.Close() }()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%d: %s", res.StatusCode, body)
	}
	if want := fmt.Sprintf(`{"iconect_ok":"%x"}`, h.Sum(nil)); string(body) != want {
		return fmt.Errorf("the server hashed %s, the client %s", body, want)
	}
	return nil
}
