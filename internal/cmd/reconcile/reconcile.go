package main

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"
)

const schemaPrefix = "#/components/schemas/"

var methods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// spec is one OpenAPI document: its YAML tree (ours is rewritten in place
// by -write) and its plain value.
type spec struct {
	node *yaml.Node
	doc  map[string]any
}

func parseSpec(data []byte, what string) (*spec, error) {
	// kin-openapi parses and checks the document (JSON or YAML) first, so a
	// broken file is refused with its own error rather than half compared.
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%s is not valid OpenAPI: %w", what, err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil { // JSON is YAML
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	m, ok := nodeValue(&n).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: not an OpenAPI document", what)
	}
	return &spec{node: &n, doc: m}, nil
}

func (s *spec) components(kind string) map[string]any {
	c, _ := s.doc["components"].(map[string]any)
	m, _ := c[kind].(map[string]any)
	return m
}

// inline replaces every $ref other than a schema's by a copy of what it
// names, so operations compare whole whatever their authors factored out.
func (s *spec) inline(v any) any {
	return s.inlineDepth(deepCopy(v), 0)
}

func (s *spec) inlineDepth(v any, depth int) any {
	if depth > 20 {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok && len(t) == 1 && !strings.HasPrefix(ref, schemaPrefix) {
			if target := s.resolve(ref); target != nil {
				return s.inlineDepth(deepCopy(target), depth+1)
			}
		}
		for k, e := range t {
			t[k] = s.inlineDepth(e, depth)
		}
	case []any:
		for i, e := range t {
			t[i] = s.inlineDepth(e, depth)
		}
	}
	return v
}

// resolve finds a local "#/components/kind/name" reference.
func (s *spec) resolve(ref string) any {
	parts := strings.Split(strings.TrimPrefix(ref, "#/components/"), "/")
	if !strings.HasPrefix(ref, "#/components/") || len(parts) != 2 {
		return nil
	}
	return s.components(parts[0])[parts[1]]
}

// operation is one operation of a spec.
type operation struct {
	Method, Path string // method upper case
	ID, Summary  string
	Tags         []string
	Req, Resp    string // request body and first 2xx response schema names (ours), "[]X" for arrays
	value        map[string]any
}

func (o *operation) String() string { return o.Method + " " + o.Path }

func (s *spec) operations(rename func(string) string, stripPrefix string) []*operation {
	paths, _ := s.doc["paths"].(map[string]any)
	var ops []*operation
	for _, p := range sortedKeys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range methods {
			raw, ok := item[m].(map[string]any)
			if !ok {
				continue
			}
			v := s.inline(raw).(map[string]any)
			// Parameters of the path item apply to each of its operations
			// unless the operation redefines them.
			if shared := asSlice(s.inline(item["parameters"])); len(shared) > 0 {
				own := map[string]bool{}
				for _, p := range asSlice(v["parameters"]) {
					if pm, ok := p.(map[string]any); ok {
						own[paramKey(pm, nil)] = true
					}
				}
				var ps []any
				for _, p := range shared {
					if pm, ok := p.(map[string]any); ok && !own[paramKey(pm, nil)] {
						ps = append(ps, p)
					}
				}
				v["parameters"] = append(ps, asSlice(v["parameters"])...)
			}
			if rename != nil {
				renameRefs(v, rename)
			}
			o := &operation{Method: strings.ToUpper(m), Path: strings.TrimPrefix(p, stripPrefix), value: v}
			if o.Path == "" {
				o.Path = "/"
			}
			o.ID, _ = v["operationId"].(string)
			o.Summary, _ = v["summary"].(string)
			for _, t := range asSlice(v["tags"]) {
				if s, ok := t.(string); ok {
					o.Tags = append(o.Tags, s)
				}
			}
			if rb, ok := v["requestBody"].(map[string]any); ok {
				o.Req = contentSchemaName(rb["content"])
			}
			responses, _ := v["responses"].(map[string]any)
			for _, code := range sortedKeys(responses) {
				if strings.HasPrefix(code, "2") {
					r, _ := responses[code].(map[string]any)
					o.Resp = contentSchemaName(r["content"])
					break
				}
			}
			ops = append(ops, o)
		}
	}
	return ops
}

func asSlice(v any) []any { s, _ := v.([]any); return s }

// contentSchemaName names the schema of a body: its JSON media type's, else
// the first media type's.
func contentSchemaName(v any) string {
	content, _ := v.(map[string]any)
	if len(content) == 0 {
		return ""
	}
	mt, ok := content["application/json"].(map[string]any)
	if !ok {
		mt, _ = content[sortedKeys(content)[0]].(map[string]any)
	}
	return schemaName(mt["schema"])
}

func schemaName(v any) string {
	s, _ := v.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return strings.TrimPrefix(ref, schemaPrefix)
	}
	if s["type"] == "array" {
		if n := schemaName(s["items"]); n != "" {
			return "[]" + n
		}
	}
	return ""
}

// renameRefs rewrites schema references through rename.
func renameRefs(v any, rename func(string) string) {
	walk(v, func(m map[string]any) {
		if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, schemaPrefix) {
			m["$ref"] = schemaPrefix + rename(strings.TrimPrefix(ref, schemaPrefix))
		}
	})
}

// Match is one of our operations and the vendor's operation found for it.
type Match struct {
	Ours, Vendor *operation
	By           string   // "method and path" or "schemas and summary"
	Diffs        []string // what differs, one line each; empty when they agree
}

// Report is what reconciliation found.
type Report struct {
	Matched     []*Match
	OursOnly    []*operation // guesses the vendor does not confirm
	VendorOnly  []*operation // operations we lack
	Ambiguous   []string     // candidate pairs left unmatched because another fit as well
	SchemaNames map[string]string
	NewSchemas  []string            // vendor schemas we lack (under the names -write gives them)
	OurSchemas  []string            // our schemas the vendor lacks
	SchemaDiffs map[string][]string // per our schema name, what differs
}

// Differing returns the matches that differ.
func (r *Report) Differing() []*Match {
	var out []*Match
	for _, m := range r.Matched {
		if len(m.Diffs) > 0 {
			out = append(out, m)
		}
	}
	return out
}

// reconciler holds both specs and the schema name mapping.
type reconciler struct {
	ours, vendor *spec
	v2o          map[string]string // vendor schema name -> ours
	stripPrefix  string
	oursOps      []*operation
	vendorOps    []*operation
}

func newReconciler(ours, vendor *spec, stripPrefix string) *reconciler {
	r := &reconciler{ours: ours, vendor: vendor, stripPrefix: stripPrefix, v2o: map[string]string{}}
	oursSchemas := ours.components("schemas")
	byVendorName := map[string]string{}
	byShort := map[string]string{}
	for _, name := range sortedKeys(oursSchemas) {
		s, _ := oursSchemas[name].(map[string]any)
		if vn, ok := s["x-iconect-name"].(string); ok && vn != "" {
			byVendorName[vn] = name
		}
		byShort[strings.ToLower(name)] = name
	}
	taken := map[string]bool{}
	for name := range oursSchemas {
		taken[name] = true
	}
	vendorSchemas := vendor.components("schemas")
	var unmapped []string
	for _, vn := range sortedKeys(vendorSchemas) {
		if o, ok := byVendorName[vn]; ok {
			r.v2o[vn] = o
			continue
		}
		if o, ok := byShort[strings.ToLower(vn)]; ok {
			r.v2o[vn] = o
			continue
		}
		unmapped = append(unmapped, vn)
	}
	// Second pass: the last dotted segment, if no x-iconect-name claimed it.
	mappedOurs := map[string]bool{}
	for _, o := range r.v2o {
		mappedOurs[o] = true
	}
	for _, vn := range unmapped {
		last := vn[strings.LastIndex(vn, ".")+1:]
		if o, ok := byShort[strings.ToLower(last)]; ok && !mappedOurs[o] {
			r.v2o[vn] = o
			mappedOurs[o] = true
			continue
		}
		// A new schema: its short name, made unique.
		name := goName(last)
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", goName(last), i)
		}
		taken[name] = true
		r.v2o[vn] = name
	}
	rename := func(vn string) string {
		if o, ok := r.v2o[vn]; ok {
			return o
		}
		return vn
	}
	r.oursOps = ours.operations(nil, "")
	r.vendorOps = vendor.operations(rename, stripPrefix)
	return r
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// goName makes a component name usable as a Go identifier's base.
func goName(s string) string {
	parts := nonWord.Split(s, -1)
	var b strings.Builder
	for _, p := range parts {
		if p != "" {
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	if b.Len() == 0 {
		return "Schema"
	}
	return b.String()
}

var pathParam = regexp.MustCompile(`\{[^}]*\}`)

func pathKey(method, path string) string {
	return method + " " + strings.ToLower(pathParam.ReplaceAllString(path, "{}"))
}

func (r *reconciler) reconcile() *Report {
	rep := &Report{SchemaNames: r.v2o, SchemaDiffs: map[string][]string{}}
	r.diffSchemas(rep)

	matched := map[*operation]*operation{} // vendor -> ours
	oursMatched := map[*operation]bool{}
	byKey := map[string]*operation{}
	for _, o := range r.oursOps {
		byKey[pathKey(o.Method, o.Path)] = o
	}
	for _, v := range r.vendorOps {
		if o, ok := byKey[pathKey(v.Method, v.Path)]; ok && !oursMatched[o] {
			matched[v], oursMatched[o] = o, true
			rep.Matched = append(rep.Matched, &Match{Ours: o, Vendor: v, By: "method and path"})
		}
	}

	// The rest by schemas and summary: every candidate pair scored, the best
	// first; a pair that ties with another sharing one of its operations is
	// left to a human.
	type pair struct {
		o, v  *operation
		score float64
	}
	var pairs []pair
	for _, v := range r.vendorOps {
		if matched[v] != nil {
			continue
		}
		for _, o := range r.oursOps {
			if oursMatched[o] {
				continue
			}
			if s, ok := score(o, v); ok {
				pairs = append(pairs, pair{o, v, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	for i, p := range pairs {
		if oursMatched[p.o] || matched[p.v] != nil {
			continue
		}
		tie := false
		for j, q := range pairs {
			if j != i && q.score == p.score && (q.o == p.o || q.v == p.v) && !oursMatched[q.o] && matched[q.v] == nil {
				tie = true
				rep.Ambiguous = append(rep.Ambiguous, fmt.Sprintf("%s (%s) could be the vendor's %s (%s) or %s (%s)",
					p.o.ID, p.o, p.v.ID, p.v, q.o.ID+"/"+q.v.ID, q.v))
				break
			}
		}
		if tie {
			continue
		}
		matched[p.v], oursMatched[p.o] = p.o, true
		rep.Matched = append(rep.Matched, &Match{Ours: p.o, Vendor: p.v, By: "schemas and summary"})
	}

	for _, o := range r.oursOps {
		if !oursMatched[o] {
			rep.OursOnly = append(rep.OursOnly, o)
		}
	}
	for _, v := range r.vendorOps {
		if matched[v] == nil {
			rep.VendorOnly = append(rep.VendorOnly, v)
		}
	}
	sort.Slice(rep.Matched, func(i, j int) bool {
		a, b := rep.Matched[i].Ours, rep.Matched[j].Ours
		return a.Path+" "+a.Method < b.Path+" "+b.Method
	})
	for _, m := range rep.Matched {
		m.Diffs = r.diffOperation(m.Ours, m.Vendor, rep.SchemaDiffs)
	}
	return rep
}

// score says how well our operation o fits the vendor's v when their paths
// differ: their body schemas must agree, and their summaries or paths must
// share most words.
func score(o, v *operation) (float64, bool) {
	if o.Req != v.Req || o.Resp != v.Resp {
		return 0, false
	}
	sumSim := jaccard(words(o.Summary), words(v.Summary))
	pathSim := jaccard(segments(o.Path), segments(v.Path))
	if sumSim < 0.5 && pathSim < 0.5 {
		return 0, false
	}
	s := 3*sumSim + 2*pathSim
	if o.Req != "" {
		s += 2
	}
	if o.Resp != "" {
		s += 2
	}
	if o.Method == v.Method {
		s++
	}
	if len(pathParam.FindAllString(o.Path, -1)) == len(pathParam.FindAllString(v.Path, -1)) {
		s++
	}
	return s, true
}

func words(s string) []string {
	return strings.Fields(strings.ToLower(nonWord.ReplaceAllString(s, " ")))
}

func segments(p string) []string {
	var out []string
	for _, s := range strings.Split(strings.ToLower(p), "/") {
		if s != "" && !strings.HasPrefix(s, "{") {
			out = append(out, s)
		}
	}
	return out
}

func jaccard(a, b []string) float64 {
	sa, sb := map[string]bool{}, map[string]bool{}
	for _, x := range a {
		sa[x] = true
	}
	for _, x := range b {
		sb[x] = true
	}
	if len(sa) == 0 && len(sb) == 0 {
		return 1
	}
	inter := 0
	for x := range sa {
		if sb[x] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// vendorSchema is the vendor's schema named vn with its references renamed to ours.
func (r *reconciler) vendorSchema(vn string) any {
	v := deepCopy(r.vendor.components("schemas")[vn])
	renameRefs(v, func(n string) string {
		if o, ok := r.v2o[n]; ok {
			return o
		}
		return n
	})
	return v
}

func (r *reconciler) diffSchemas(rep *Report) {
	ours := r.ours.components("schemas")
	seen := map[string]bool{}
	for _, vn := range sortedKeys(r.vendor.components("schemas")) {
		name := r.v2o[vn]
		o, ok := ours[name]
		if !ok {
			rep.NewSchemas = append(rep.NewSchemas, fmt.Sprintf("%s (the vendor's %s)", name, vn))
			continue
		}
		seen[name] = true
		if d := diff("", o, r.vendorSchema(vn)); len(d) > 0 {
			rep.SchemaDiffs[name] = d
		}
	}
	for _, name := range sortedKeys(ours) {
		if !seen[name] {
			rep.OurSchemas = append(rep.OurSchemas, name)
		}
	}
}

// jsonAliases are the media types ASP.NET lists beside application/json
// with the same schema; they are not compared or written.
var jsonAliases = []string{"text/json", "application/*+json", "text/plain", "application/json-patch+json"}

// dropAliases removes, from a content map, the media types that repeat
// application/json's schema.
func dropAliases(content any) {
	c, _ := content.(map[string]any)
	js, ok := c["application/json"].(map[string]any)
	if !ok {
		return
	}
	for _, a := range jsonAliases {
		if mt, ok := c[a].(map[string]any); ok && equal(mt["schema"], js["schema"]) {
			delete(c, a)
		}
	}
}

// vendorOperation is v's value ready to compare with ours: aliases dropped.
func vendorOperation(v *operation) map[string]any {
	val := deepCopy(v.value).(map[string]any)
	if rb, ok := val["requestBody"].(map[string]any); ok {
		dropAliases(rb["content"])
	}
	responses, _ := val["responses"].(map[string]any)
	for _, r := range responses {
		if rm, ok := r.(map[string]any); ok {
			dropAliases(rm["content"])
		}
	}
	return val
}

// pathParams lists a template's parameter names in order.
func pathParams(p string) []string {
	var out []string
	for _, m := range pathParam.FindAllString(p, -1) {
		out = append(out, strings.Trim(m, "{}"))
	}
	return out
}

// paramRenames maps the vendor's path parameter names to ours, by position.
func paramRenames(o, v *operation) map[string]string {
	op, vp := pathParams(o.Path), pathParams(v.Path)
	m := map[string]string{}
	for i := range min(len(op), len(vp)) {
		m[vp[i]] = op[i]
	}
	return m
}

func paramKey(p map[string]any, renames map[string]string) string {
	in, _ := p["in"].(string)
	name, _ := p["name"].(string)
	if in == "path" {
		if o, ok := renames[name]; ok {
			name = o
		}
	}
	return in + " " + name
}

func (r *reconciler) diffOperation(o, v *operation, schemaDiffs map[string][]string) []string {
	var out []string
	if o.Path != v.Path {
		out = append(out, fmt.Sprintf("path: %s -> %s", o.Path, v.Path))
	}
	if o.Method != v.Method {
		out = append(out, fmt.Sprintf("method: %s -> %s", o.Method, v.Method))
	}
	ov, vv := o.value, vendorOperation(v)

	renames := paramRenames(o, v)
	ours, theirs := map[string]map[string]any{}, map[string]map[string]any{}
	for _, p := range asSlice(ov["parameters"]) {
		if pm, ok := p.(map[string]any); ok {
			ours[paramKey(pm, nil)] = pm
		}
	}
	for _, p := range asSlice(vv["parameters"]) {
		if pm, ok := p.(map[string]any); ok {
			theirs[paramKey(pm, renames)] = pm
		}
	}
	keys := sortedKeys(ours)
	for _, k := range sortedKeys(theirs) {
		if ours[k] == nil {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		op, vp := ours[k], theirs[k]
		switch {
		case vp == nil:
			out = append(out, fmt.Sprintf("parameter %s: only ours", k))
		case op == nil:
			req, _ := vp["required"].(bool)
			out = append(out, fmt.Sprintf("parameter %s: only the vendor's (required: %v)", k, req))
		default:
			vp = deepCopy(vp).(map[string]any)
			if vn, _ := vp["name"].(string); vn != op["name"] {
				out = append(out, fmt.Sprintf("parameter %s: named %s by the vendor", k, vn))
				vp["name"] = op["name"]
			}
			out = append(out, diff("parameter "+k, op, vp)...)
		}
	}

	orb, vrb := ov["requestBody"], vv["requestBody"]
	switch {
	case orb == nil && vrb != nil:
		out = append(out, "request body: only the vendor's")
	case orb != nil && vrb == nil:
		out = append(out, "request body: only ours")
	default:
		out = append(out, diff("request body", orb, vrb)...)
	}

	ors, _ := ov["responses"].(map[string]any)
	vrs, _ := vv["responses"].(map[string]any)
	codes := sortedKeys(ors)
	for _, c := range sortedKeys(vrs) {
		if ors[c] == nil {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	for _, c := range codes {
		or, vr := ors[c], vrs[c]
		switch {
		case vr == nil && !strings.HasPrefix(c, "2"):
			// Our error responses are a convention the vendor's file need not spell out.
		case vr == nil:
			out = append(out, fmt.Sprintf("response %s: only ours", c))
		case or == nil:
			out = append(out, fmt.Sprintf("response %s: only the vendor's", c))
		default:
			out = append(out, diff("response "+c, or, vr)...)
		}
	}

	// Shared schemas that differ are listed once, under schemas; here only
	// which of them this operation uses.
	var uses []string
	for _, name := range r.usedSchemas(ov) {
		if len(schemaDiffs[name]) > 0 {
			uses = append(uses, name)
		}
	}
	if len(uses) > 0 {
		out = append(out, "uses schemas that differ: "+strings.Join(uses, ", "))
	}
	return out
}

// usedSchemas lists the component schemas v refers to, directly or not.
func (r *reconciler) usedSchemas(v any) []string {
	schemas := r.ours.components("schemas")
	seen := map[string]bool{}
	var visit func(any)
	visit = func(v any) {
		walk(v, func(m map[string]any) {
			ref, ok := m["$ref"].(string)
			if !ok || !strings.HasPrefix(ref, schemaPrefix) {
				return
			}
			name := strings.TrimPrefix(ref, schemaPrefix)
			if seen[name] {
				return
			}
			seen[name] = true
			visit(schemas[name])
		})
	}
	visit(v)
	return sortedKeys(seen)
}
