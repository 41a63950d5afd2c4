package api_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The vendor's documentation text may not be committed, so the repository
// keeps a fingerprint of it instead: docsShinglesFile lists, one a line and
// sorted, the truncated SHA-256 of every run of shingleWords consecutive
// words of every sentence of at least shingleWords words of the docs text.
const (
	docsShinglesFile = "testdata/docs-10word-shingles.txt"
	shingleWords     = 10
	shingleHexLen    = 16
	vendorDocsEnv    = "ICONECT_VENDOR_DOCS"
)

var (
	updateDocsShingles = flag.Bool("update-docs-shingles", false,
		"rewrite "+docsShinglesFile+" from the vendor's docs text given by -docs or $"+vendorDocsEnv)
	vendorDocsPath = flag.String("docs", "",
		"the vendor's docs text (default $"+vendorDocsEnv+"); when set, the committed fingerprint must match it")
)

// TestNoVendorSentences keeps the spec's prose our own: no run of ten
// consecutive words of any sentence of the vendor's docs may appear in a text
// value of api/openapi.yaml. It is the strict reading of "no docs sentence of
// ten or more words verbatim": copying any ten-word stretch of a long
// sentence is caught, not only the whole sentence.
//
// What is scanned: every scalar string of the YAML (descriptions, summaries,
// titles, x-iconect-* notes and guesses, names) and its comments, but not the
// values of example and examples[*].value. Those carry the vendor's example
// data, which must match the docs word for word. The summary and description
// of a named example are prose, so they are scanned.
//
// Both sides are normalized the same way (see shingleWordsOf): lowercase,
// punctuation trimmed from the ends of words but kept inside them (record_ids,
// doesn't, 0.10.0), whitespace collapsed. The docs are split into sentences
// at . ! ? line breaks and table bars (|) before taking ten-word runs; the
// spec's strings are not split, so a copy that changes only punctuation or
// line wrapping is still found.
//
// The vendor's text is not in the repository. To rebuild the fingerprint
// after a new docs release, and to check the committed one against the docs:
//
//	go test ./api/ -run TestNoVendorSentences -update-docs-shingles -docs /path/to/iconect-api-docs.txt
//	ICONECT_VENDOR_DOCS=/path/to/iconect-api-docs.txt go test ./api/ -run TestNoVendorSentences
func TestNoVendorSentences(t *testing.T) {
	docs := *vendorDocsPath
	if docs == "" {
		docs = os.Getenv(vendorDocsEnv)
	}
	if *updateDocsShingles {
		require.NotEmpty(t, docs, "-update-docs-shingles needs -docs or $%s", vendorDocsEnv)
		text, err := os.ReadFile(docs)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(docsShinglesFile, formatShingles(docsShingles(string(text)), docs), 0o644))
	}

	committed := readShingles(t, docsShinglesFile)
	require.NotEmpty(t, committed, "%s is empty", docsShinglesFile)
	if docs != "" {
		text, err := os.ReadFile(docs)
		require.NoError(t, err)
		fresh := docsShingles(string(text))
		assert.True(t, maps.Equal(committed, fresh),
			"%s is not the fingerprint of %s (%d hashes committed, %d fresh): rerun with -update-docs-shingles",
			docsShinglesFile, docs, len(committed), len(fresh))
	}

	spec, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	hits, err := vendorHits(spec, committed)
	require.NoError(t, err)
	for _, h := range hits {
		t.Errorf("openapi.yaml:%d %s: ten words of the vendor's docs: %q", h.line, h.where, h.words)
	}
	if len(hits) > 0 {
		t.Logf("%d ten-word runs of the vendor's docs in the spec; say it in our own words", len(hits))
	}
}

// The check finds a planted docs sentence, whatever its case, punctuation or
// line wrapping, and names where it is.
func TestNoVendorSentencesCatchesAPlantedSentence(t *testing.T) {
	// Ten words of the vendor's batch endpoints' description (one whole
	// sentence of it once the docs are split at full stops).
	const vendor = "Use the page and page_size query parameters to control pagination."
	committed := readShingles(t, docsShinglesFile)
	words := shingleWordsOf(vendor)
	require.Len(t, words, shingleWords)
	require.Contains(t, committed, shingleHash(words), "the committed fingerprint should cover the planted sentence")
	// The same functions build the fingerprint of a docs text holding it.
	own := docsShingles("Retrieves the batches.\nThis API is paged. " + vendor + "\n| page | integer |")
	require.Len(t, own, 1)
	require.Contains(t, own, shingleHash(words))

	spec, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	clean, err := vendorHits(spec, own)
	require.NoError(t, err)
	require.Empty(t, clean, "the spec itself should not hold the planted sentence")

	for _, tc := range []struct{ name, planted string }{
		{"verbatim", vendor},
		{"recased, repunctuated and wrapped", "Paged: USE the page and\n      page_size query parameters, to control pagination!"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			planted := plantDescription(t, spec, "BatchPage", tc.planted)
			for _, set := range []map[string]bool{committed, own} {
				hits, err := vendorHits(planted, set)
				require.NoError(t, err)
				require.Len(t, hits, 1)
				assert.Equal(t, "components.parameters.BatchPage.description", hits[0].where)
				assert.Equal(t, strings.Join(words, " "), hits[0].words)
				assert.Positive(t, hits[0].line)
			}
		})
	}

	// Example data is the vendor's and is not scanned; comments are.
	t.Run("example values are not scanned", func(t *testing.T) {
		doc := []byte("components:\n  examples:\n    E:\n      summary: ours\n      value: {notes: " + vendor + "}\n" +
			"  schemas:\n    S:\n      type: string\n      example: " + vendor + "\n")
		hits, err := vendorHits(doc, own)
		require.NoError(t, err)
		assert.Empty(t, hits)
	})
	t.Run("comments are scanned", func(t *testing.T) {
		doc := []byte("info:\n  # " + vendor + "\n  title: ours\n")
		hits, err := vendorHits(doc, own)
		require.NoError(t, err)
		require.Len(t, hits, 1)
		assert.Equal(t, "info.title (comment)", hits[0].where)
	})
}

// plantDescription returns spec with components/parameters/<name>'s
// description replaced by text, as a literal block.
func plantDescription(t *testing.T, spec []byte, name, text string) []byte {
	t.Helper()
	lines := strings.Split(string(spec), "\n")
	start := slices.Index(lines, "    "+name+":")
	require.GreaterOrEqual(t, start, 0, "components/parameters/%s", name)
	for i := start + 1; i < len(lines) && strings.HasPrefix(lines[i], "      "); i++ {
		if strings.HasPrefix(lines[i], "      description:") {
			end := i + 1
			for end < len(lines) && strings.HasPrefix(lines[end], "        ") {
				end++
			}
			block := []string{"      description: |-"}
			for _, l := range strings.Split(text, "\n") {
				block = append(block, "        "+strings.TrimSpace(l))
			}
			out := slices.Concat(lines[:i], block, lines[end:])
			return []byte(strings.Join(out, "\n"))
		}
	}
	t.Fatalf("components/parameters/%s has no description", name)
	return nil
}

// shingleWordsOf normalizes text into words: lowercase, split at whitespace,
// punctuation trimmed from both ends of each word (so it survives inside
// one, as in record_ids, doesn't or 0.10.0), typographic quotes made plain.
func shingleWordsOf(text string) []string {
	text = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`).Replace(text)
	var words []string
	for _, f := range strings.Fields(strings.ToLower(text)) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w != "" {
			words = append(words, w)
		}
	}
	return words
}

// shingleHash is the fingerprint of one run of words.
func shingleHash(words []string) string {
	sum := sha256.Sum256([]byte(strings.Join(words, " ")))
	return hex.EncodeToString(sum[:])[:shingleHexLen]
}

// docsSentences splits the docs text at . ! ? line breaks and table bars.
func docsSentences(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		switch r {
		case '.', '!', '?', '|', '\n', '\r':
			return true
		}
		return false
	})
}

// docsShingles is the fingerprint of a docs text: the hash of every
// ten-word run of each of its sentences of ten words or more.
func docsShingles(text string) map[string]bool {
	set := map[string]bool{}
	for _, s := range docsSentences(text) {
		words := shingleWordsOf(s)
		for i := 0; i+shingleWords <= len(words); i++ {
			set[shingleHash(words[i:i+shingleWords])] = true
		}
	}
	return set
}

func formatShingles(set map[string]bool, source string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Fingerprint of the vendor's docs text for TestNoVendorSentences (api/verbatim_test.go):\n")
	fmt.Fprintf(&b, "# the first %d hex digits of the SHA-256 of every normalized run of %d words of each docs\n", shingleHexLen, shingleWords)
	fmt.Fprintf(&b, "# sentence of %d or more words. Built from %s; regenerate with\n", shingleWords, baseName(source))
	fmt.Fprintf(&b, "# go test ./api/ -run TestNoVendorSentences -update-docs-shingles -docs <docs text>\n")
	for _, h := range slices.Sorted(maps.Keys(set)) {
		b.WriteString(h)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func readShingles(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer func() { _ = f.Close() }()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		_, err := hex.DecodeString(line)
		require.True(t, err == nil && len(line) == shingleHexLen, "%s:%d: not a %d-digit hash: %q", path, n, shingleHexLen, line)
		set[line] = true
	}
	require.NoError(t, sc.Err())
	return set
}

// vendorHit is one ten-word run of the docs found in the spec.
type vendorHit struct {
	where string // YAML path of the value, e.g. paths./clients.post.description
	line  int
	words string // the ten normalized words
}

// vendorHits scans every text value and comment of a YAML document for runs
// of words whose hash is in set; overlapping runs of one value are reported
// once, at the first.
func vendorHits(doc []byte, set map[string]bool) ([]vendorHit, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, err
	}
	var hits []vendorHit
	check := func(where string, line int, text string) {
		words := shingleWordsOf(text)
		for i := 0; i+shingleWords <= len(words); i++ {
			if run := words[i : i+shingleWords]; set[shingleHash(run)] {
				hits = append(hits, vendorHit{where: where, line: line, words: strings.Join(run, " ")})
				i += shingleWords - 1 // the next report starts after this run
			}
		}
	}
	walkText(&root, "", check)
	return hits, nil
}

// walkText calls fn with every scalar value and comment under n, skipping
// example values. where is n's dotted YAML path.
func walkText(n *yaml.Node, where string, fn func(where string, line int, text string)) {
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		if c != "" {
			fn(where+" (comment)", n.Line, c)
		}
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			walkText(c, where, fn)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			walkText(c, where+"["+strconv.Itoa(i)+"]", fn)
		}
	case yaml.MappingNode:
		names := isNameMap(where)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := k.Value
			if where != "" {
				child = where + "." + k.Value
			}
			// Comments above a key sit on the key node.
			for _, c := range []string{k.HeadComment, k.LineComment, k.FootComment} {
				if c != "" {
					fn(child+" (comment)", k.Line, c)
				}
			}
			if !names && (k.Value == "example" || (k.Value == "value" && isNamedExample(where))) {
				continue
			}
			walkText(v, child, fn)
		}
	case yaml.ScalarNode:
		if n.Tag == "!!str" || n.Tag == "" {
			fn(where, n.Line, n.Value)
		}
	}
}

// isNameMap reports whether the mapping at where is keyed by names (property
// names and the like) rather than by OpenAPI keywords, so that a property
// called example is still scanned.
func isNameMap(where string) bool {
	return strings.HasSuffix(where, ".properties")
}

// isNamedExample reports whether the mapping at where is one Example object
// of an examples map (components.examples.X or ....examples.X).
func isNamedExample(where string) bool {
	parts := strings.Split(where, ".")
	return len(parts) >= 2 && parts[len(parts)-2] == "examples"
}

func baseName(p string) string {
	return p[strings.LastIndexAny(p, `/\`)+1:]
}
