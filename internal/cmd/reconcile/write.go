package main

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// writer rewrites our spec's YAML tree from a report: the vendor's paths,
// methods, parameters, bodies, responses and schemas; our operationIds,
// tags, summaries, descriptions, examples, enum varnames and x- annotations.
// Parts that agree keep their original nodes (and so their comments and
// layout); parts that differ are the vendor's, merged key by key with ours.
type writer struct {
	r        *reconciler
	rep      *Report
	keepOurs bool // keep our operations the vendor lacks
	added    []catalogueEntry
	moved    map[string]catalogueEntry // by our operationId
	dropped  map[string]bool
}

type catalogueEntry struct{ ID, Group, Method, Path string }

func (w *writer) write() ([]byte, error) {
	root := w.r.ours.node.Content[0]
	w.moved, w.dropped = map[string]catalogueEntry{}, map[string]bool{}
	w.writeSchemas(root)
	if err := w.writePaths(root); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(w.r.ours.node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// deref follows a node's local $ref to the component node it names.
func (w *writer) deref(n *yaml.Node) *yaml.Node {
	for range 10 {
		ref := mapGet(n, "$ref")
		if ref == nil || len(n.Content) != 2 || strings.HasPrefix(ref.Value, schemaPrefix) {
			return n
		}
		parts := strings.Split(strings.TrimPrefix(ref.Value, "#/components/"), "/")
		if len(parts) != 2 {
			return n
		}
		target := mapGet(mapGet(mapGet(w.r.ours.node.Content[0], "components"), parts[0]), parts[1])
		if target == nil {
			return n
		}
		n = target
	}
	return n
}

// same reports whether our node (references followed) says what v says.
func (w *writer) same(n *yaml.Node, v any) bool {
	return equal(w.r.ours.inline(nodeValue(n)), v)
}

// merge returns our node updated to say what the vendor's value v says.
// names is set when the node is a map keyed by names (properties, media
// types, status codes) rather than by keywords.
func (w *writer) merge(ours *yaml.Node, v any, names bool) *yaml.Node {
	if reflect.DeepEqual(stripIn(w.r.ours.inline(nodeValue(ours)), names, ""), stripIn(v, names, "")) {
		return ours
	}
	if vm, ok := v.(map[string]any); ok && ours.Kind == yaml.MappingNode {
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: ours.Tag, Style: ours.Style,
			HeadComment: ours.HeadComment, LineComment: ours.LineComment, FootComment: ours.FootComment}
		seen := map[string]bool{}
		for i := 0; i+1 < len(ours.Content); i += 2 {
			k, val := ours.Content[i], ours.Content[i+1]
			seen[k.Value] = true
			vv, has := vm[k.Value]
			switch {
			case !names && docKey(k.Value):
				out.Content = append(out.Content, k, val)
			case has:
				out.Content = append(out.Content, k, w.merge(w.deref(val), vv, !names && nameMaps[k.Value]))
			}
		}
		for _, k := range sortedKeys(vm) {
			if !seen[k] {
				out.Content = append(out.Content, strNode(k), styled(valueNode(vm[k]), ours))
			}
		}
		if !names {
			fixVarnames(out, ours)
		}
		return out
	}
	if vs, ok := v.([]any); ok && ours.Kind == yaml.SequenceNode && len(vs) == len(ours.Content) && !scalars(vs) {
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: ours.Tag, Style: ours.Style, HeadComment: ours.HeadComment}
		for i, e := range vs {
			out.Content = append(out.Content, w.merge(ours.Content[i], e, false))
		}
		return out
	}
	n := styled(valueNode(v), ours)
	n.HeadComment, n.LineComment = ours.HeadComment, ours.LineComment
	return n
}

func scalars(vs []any) bool {
	for _, v := range vs {
		switch v.(type) {
		case map[string]any, []any:
			return false
		}
	}
	return true
}

// styled gives n the flow style of the node it replaces.
func styled(n, like *yaml.Node) *yaml.Node {
	if like != nil && like.Style&yaml.FlowStyle != 0 {
		return flow(n)
	}
	return n
}

// fixVarnames keeps x-enum-varnames in step with a changed enum: a kept
// value keeps its name, a new one is ValueN.
func fixVarnames(out, ours *yaml.Node) {
	names := mapGet(out, "x-enum-varnames")
	enum := mapGet(out, "enum")
	if names == nil || enum == nil {
		return
	}
	old := map[string]*yaml.Node{}
	if oe := mapGet(ours, "enum"); oe != nil {
		for i, e := range oe.Content {
			if i < len(names.Content) {
				old[fmt.Sprint(nodeValue(e))] = names.Content[i]
			}
		}
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: names.Style}
	for _, e := range enum.Content {
		if name, ok := old[fmt.Sprint(nodeValue(e))]; ok {
			n.Content = append(n.Content, name)
		} else {
			n.Content = append(n.Content, strNode(varname(e.Value)))
		}
	}
	mapSet(out, "x-enum-varnames", n)
}

func varname(v string) string {
	return "Value" + strings.ReplaceAll(goName(v), "-", "Minus")
}

func (w *writer) writeSchemas(root *yaml.Node) {
	schemas := mapGet(mapGet(root, "components"), "schemas")
	if schemas == nil {
		return
	}
	for _, vn := range sortedKeys(w.r.vendor.components("schemas")) {
		name := w.r.v2o[vn]
		v := w.r.vendorSchema(vn)
		if ours := mapGet(schemas, name); ours != nil {
			mapSet(schemas, name, w.merge(ours, v, false))
			continue
		}
		n := valueNode(v)
		if n.Kind == yaml.MappingNode {
			mapSet(n, "x-iconect-name", strNode(vn))
			vm, _ := v.(map[string]any)
			if enum := asSlice(vm["enum"]); len(enum) > 0 && vm["type"] == "integer" {
				names := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
				for _, e := range enum {
					names.Content = append(names.Content, strNode(varname(fmt.Sprint(e))))
				}
				mapSet(n, "x-enum-varnames", names)
			}
		}
		mapSet(schemas, name, n)
	}
}

// pathEntry is one path item of the rewritten paths map.
type pathEntry struct {
	key     *yaml.Node
	ops     []*yaml.Node // method key, operation, ...
	created bool
}

func (w *writer) writePaths(root *yaml.Node) error {
	paths := mapGet(root, "paths")
	if paths == nil {
		return fmt.Errorf("our spec has no paths")
	}
	byOurs := map[string]*Match{}
	for _, m := range w.rep.Matched {
		byOurs[m.Ours.String()] = m
	}
	oursByKey := map[string]*operation{}
	for _, o := range w.r.oursOps {
		oursByKey[o.String()] = o
	}

	var order []*pathEntry
	entries := map[string]*pathEntry{}
	pending := "" // a vanished path's head comment, for the next new path
	get := func(p string, key *yaml.Node) *pathEntry {
		if e := entries[p]; e != nil {
			return e
		}
		e := &pathEntry{key: key}
		if key == nil {
			e.key, e.created = strNode(p), true
			e.key.HeadComment, pending = pending, ""
		}
		order = append(order, e)
		entries[p] = e
		return e
	}

	for i := 0; i+1 < len(paths.Content); i += 2 {
		pk, item := paths.Content[i], paths.Content[i+1]
		created := len(order)
		for j := 0; j+1 < len(item.Content); j += 2 {
			mk, opNode := item.Content[j], item.Content[j+1]
			key := strings.ToUpper(mk.Value) + " " + pk.Value
			o := oursByKey[key]
			m := byOurs[key]
			switch {
			case o == nil: // not an operation (an extension or parameters): stays
				e := get(pk.Value, pk)
				e.ops = append(e.ops, mk, opNode)
			case m != nil:
				var reuse *yaml.Node
				if m.Vendor.Path == pk.Value {
					reuse = pk
				}
				e := get(m.Vendor.Path, reuse)
				method := strNode(strings.ToLower(m.Vendor.Method))
				method.HeadComment = mk.HeadComment
				e.ops = append(e.ops, method, w.mergeOperation(opNode, m))
				w.moved[o.ID] = catalogueEntry{ID: o.ID, Method: m.Vendor.Method, Path: m.Vendor.Path}
			case w.keepOurs:
				e := get(pk.Value, pk)
				e.ops = append(e.ops, mk, opNode)
			default:
				w.dropped[o.ID] = true
			}
		}
		if entries[pk.Value] == nil && pk.HeadComment != "" {
			if created < len(order) && order[created].key.HeadComment == "" {
				order[created].key.HeadComment = pk.HeadComment
			} else {
				pending = pk.HeadComment
			}
		}
	}

	if err := w.addOperations(root, &order, entries); err != nil {
		return err
	}
	paths.Content = nil
	for _, e := range order {
		if len(e.ops) == 0 {
			continue
		}
		item := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: e.ops}
		paths.Content = append(paths.Content, e.key, item)
	}
	return nil
}

// addOperations adds the vendor's operations we lack, each after the last
// path of its tag.
func (w *writer) addOperations(root *yaml.Node, order *[]*pathEntry, entries map[string]*pathEntry) error {
	if len(w.rep.VendorOnly) == 0 {
		return nil
	}
	ids := map[string]bool{}
	for _, o := range w.r.oursOps {
		ids[o.ID] = true
	}
	errRefs := w.errorResponseRefs()
	ourTags := w.tags(root)
	for _, v := range w.rep.VendorOnly {
		tag := "Other"
		if len(v.Tags) > 0 {
			tag = v.Tags[0]
		}
		if t, ok := ourTags[strings.ToLower(tag)]; ok {
			tag = t
		} else {
			w.addTag(root, tag)
			ourTags[strings.ToLower(tag)] = tag
		}
		id := newOperationID(v)
		for i := 2; ids[id]; i++ {
			id = fmt.Sprintf("%s%d", newOperationID(v), i)
		}
		ids[id] = true
		node := w.newOperation(v, id, tag, errRefs)

		at := len(*order)
		for i, e := range *order {
			for j := 1; j < len(e.ops); j += 2 {
				if tags := mapGet(e.ops[j], "tags"); tags != nil && len(tags.Content) > 0 && tags.Content[0].Value == tag {
					at = i + 1
				}
			}
		}
		e := entries[v.Path]
		if e == nil {
			e = &pathEntry{key: strNode(v.Path), created: true}
			entries[v.Path] = e
			*order = append((*order)[:at], append([]*pathEntry{e}, (*order)[at:]...)...)
		}
		e.ops = append(e.ops, strNode(strings.ToLower(v.Method)), node)
		w.added = append(w.added, catalogueEntry{ID: id, Group: tag, Method: v.Method, Path: v.Path})
	}
	return nil
}

// newOperationID is the vendor's operationId in our lowerCamel style
// (ClientsPost -> clientsPost), or one made from the method and path.
func newOperationID(v *operation) string {
	id := goName(v.ID)
	if v.ID == "" {
		id = goName(strings.ToLower(v.Method) + " " + strings.Join(segments(v.Path), " "))
	}
	return strings.ToLower(id[:1]) + id[1:]
}

func (w *writer) tags(root *yaml.Node) map[string]string {
	out := map[string]string{}
	tags := mapGet(root, "tags")
	if tags == nil {
		return out
	}
	for _, t := range tags.Content {
		name := mapGet(t, "name")
		if name == nil {
			continue
		}
		out[strings.ToLower(name.Value)] = name.Value
		if vn := mapGet(t, "x-iconect-name"); vn != nil {
			out[strings.ToLower(vn.Value)] = name.Value
		}
	}
	return out
}

func (w *writer) addTag(root *yaml.Node, tag string) {
	tags := mapGet(root, "tags")
	if tags == nil {
		tags = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		mapSet(root, "tags", tags)
	}
	t := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	mapSet(t, "name", strNode(tag))
	mapSet(t, "description", strNode("Operations new in the vendor's OpenAPI specification."))
	tags.Content = append(tags.Content, t)
}

// errorResponseRefs finds, per error status, the response our operations
// refer to most, so a new operation follows the same conventions.
func (w *writer) errorResponseRefs() map[string]string {
	counts := map[string]map[string]int{}
	paths := mapGet(w.r.ours.node.Content[0], "paths")
	for i := 1; i < len(paths.Content); i += 2 {
		item := paths.Content[i]
		for j := 1; j < len(item.Content); j += 2 {
			rs := mapGet(item.Content[j], "responses")
			if rs == nil {
				continue
			}
			for k := 0; k+1 < len(rs.Content); k += 2 {
				code := rs.Content[k].Value
				if ref := mapGet(rs.Content[k+1], "$ref"); ref != nil && !strings.HasPrefix(code, "2") {
					if counts[code] == nil {
						counts[code] = map[string]int{}
					}
					counts[code][ref.Value]++
				}
			}
		}
	}
	out := map[string]string{}
	for code, refs := range counts {
		best := ""
		for _, ref := range sortedKeys(refs) {
			if best == "" || refs[ref] > refs[best] {
				best = ref
			}
		}
		out[code] = best
	}
	return out
}

func (w *writer) newOperation(v *operation, id, tag string, errRefs map[string]string) *yaml.Node {
	vv := vendorOperation(v)
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	mapSet(n, "operationId", strNode(id))
	mapSet(n, "tags", flow(valueNode([]any{tag})))
	summary := v.Summary
	if !strings.Contains(summary, " - ") {
		if summary == "" {
			summary = v.ID
		}
		summary = tag + " - " + summary
	}
	mapSet(n, "summary", strNode(summary))
	desc, _ := vv["description"].(string)
	if strings.TrimSpace(desc) == "" {
		desc = "New in the vendor's OpenAPI specification (not in the docs text this spec was first reconstructed from)."
	}
	mapSet(n, "description", strNode(desc))
	ev := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	mapSet(ev, "level", strNode("vendor-spec"))
	mapSet(ev, "note", strNode(fmt.Sprintf("Only in the vendor's OpenAPI specification: %s %s (operationId %s).", v.Method, v.Path, v.ID)))
	mapSet(n, "x-iconect-evidence", ev)
	for _, k := range []string{"parameters", "requestBody"} {
		if x, ok := vv[k]; ok {
			mapSet(n, k, valueNode(x))
		}
	}
	responses, _ := vv["responses"].(map[string]any)
	rs := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	codes := sortedKeys(responses)
	want := []string{"400", "401", "403", "404", "500"}
	if vv["requestBody"] != nil {
		want = append(want, "415")
	}
	for _, c := range want {
		if _, ok := responses[c]; !ok && errRefs[c] != "" {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	for _, c := range codes {
		if r, ok := responses[c]; ok {
			mapSet(rs, c, valueNode(r))
		} else {
			mapSet(rs, c, flow(valueNode(map[string]any{"$ref": errRefs[c]})))
		}
	}
	mapSet(n, "responses", rs)
	for _, k := range sortedKeys(vv) {
		switch k {
		case "operationId", "tags", "summary", "description", "parameters", "requestBody", "responses", "security":
		default:
			mapSet(n, k, valueNode(vv[k]))
		}
	}
	return n
}

// mergeOperation is our operation node updated from its vendor match.
func (w *writer) mergeOperation(ours *yaml.Node, m *Match) *yaml.Node {
	vv := vendorOperation(m.Vendor)
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", HeadComment: ours.HeadComment}
	seen := map[string]bool{"operationId": true, "tags": true, "summary": true, "description": true, "security": true}
	for i := 0; i+1 < len(ours.Content); i += 2 {
		k, val := ours.Content[i], ours.Content[i+1]
		seen[k.Value] = true
		vval, has := vv[k.Value]
		switch {
		case k.Value == "x-iconect-evidence":
			out.Content = append(out.Content, k, evidence(val, m.Vendor))
		case k.Value == "operationId" || k.Value == "tags" || k.Value == "security" || docKey(k.Value):
			out.Content = append(out.Content, k, val)
		case k.Value == "parameters":
			if p := w.mergeParameters(val, vval, m); p != nil {
				out.Content = append(out.Content, k, p)
			}
		case k.Value == "responses":
			out.Content = append(out.Content, k, w.mergeResponses(val, vval))
		case !has:
			// the vendor has no such thing (a request body, say): dropped
		case w.same(val, vval):
			out.Content = append(out.Content, k, val)
		default:
			out.Content = append(out.Content, k, w.merge(w.deref(val), vval, false))
		}
	}
	for _, k := range sortedKeys(vv) {
		if !seen[k] {
			out.Content = append(out.Content, strNode(k), valueNode(vv[k]))
		}
	}
	return out
}

// evidence is our x-iconect-evidence with level vendor-spec; the note says
// where the vendor has the operation and keeps what we knew before.
func evidence(ours *yaml.Node, v *operation) *yaml.Node {
	level, note := "", ""
	if l := mapGet(ours, "level"); l != nil {
		level = l.Value
	}
	if n := mapGet(ours, "note"); n != nil {
		note = n.Value
	}
	prev := ""
	switch level {
	case "vendor-spec": // reconciled before: keep the history, not the old location
		_, prev, _ = strings.Cut(note, " Before: ")
	case "":
		prev = note
	default:
		prev = level + "; " + note
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: ours.Style}
	mapSet(out, "level", strNode("vendor-spec"))
	text := fmt.Sprintf("In the vendor's OpenAPI specification as %s %s (operationId %s).", v.Method, v.Path, v.ID)
	if strings.TrimSpace(prev) != "" {
		text += " Before: " + prev
	}
	mapSet(out, "note", strNode(text))
	return out
}

func (w *writer) mergeParameters(ours *yaml.Node, v any, m *Match) *yaml.Node {
	renames := paramRenames(m.Ours, m.Vendor)
	theirs := map[string]map[string]any{}
	var order []string
	for _, p := range asSlice(v) {
		if pm, ok := p.(map[string]any); ok {
			k := paramKey(pm, renames)
			theirs[k] = pm
			order = append(order, k)
		}
	}
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: ours.Style}
	used := map[string]bool{}
	for _, pn := range ours.Content {
		d := w.deref(pn)
		pm, _ := w.r.ours.inline(nodeValue(d)).(map[string]any)
		k := paramKey(pm, nil)
		vp, ok := theirs[k]
		if !ok {
			continue // the vendor has no such parameter
		}
		used[k] = true
		if equal(pm, vp) {
			out.Content = append(out.Content, pn)
		} else {
			out.Content = append(out.Content, w.merge(d, vp, false))
		}
	}
	for _, k := range order {
		if !used[k] {
			out.Content = append(out.Content, valueNode(theirs[k]))
		}
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

// mergeResponses takes the vendor's success responses and keeps our error
// responses (a convention the vendor's file need not spell out).
func (w *writer) mergeResponses(ours *yaml.Node, v any) *yaml.Node {
	vrs, _ := v.(map[string]any)
	vendor2xx := false
	for c := range vrs {
		vendor2xx = vendor2xx || strings.HasPrefix(c, "2")
	}
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: ours.Style}
	seen := map[string]bool{}
	for i := 0; i+1 < len(ours.Content); i += 2 {
		k, val := ours.Content[i], ours.Content[i+1]
		seen[k.Value] = true
		vr, has := vrs[k.Value]
		switch {
		case has && w.same(val, vr):
			out.Content = append(out.Content, k, val)
		case has:
			out.Content = append(out.Content, k, w.merge(w.deref(val), vr, false))
		case strings.HasPrefix(k.Value, "2") && vendor2xx:
			// a success code the vendor does not declare: dropped
		default:
			out.Content = append(out.Content, k, val)
		}
	}
	for _, c := range sortedKeys(vrs) {
		if seen[c] {
			continue
		}
		at := len(out.Content)
		for i := 0; i < len(out.Content); i += 2 {
			if out.Content[i].Value > c {
				at = i
				break
			}
		}
		kn := strNode(c)
		kn.Style = yaml.SingleQuotedStyle
		out.Content = append(out.Content[:at], append([]*yaml.Node{kn, valueNode(vrs[c])}, out.Content[at:]...)...)
	}
	return out
}

var (
	catalogueID    = regexp.MustCompile(`operationId:\s*([A-Za-z0-9_]+)\s*,`)
	catalogueGroup = regexp.MustCompile(`^  ([A-Za-z0-9_]+):\s*$`)
	catMethod      = regexp.MustCompile(`(method:\s*)[A-Za-z]+`)
	catPath        = regexp.MustCompile(`(path:\s*)"[^"]*",\s*`)
	catEvidence    = regexp.MustCompile(`(evidence:\s*)[A-Za-z-]+`)
)

// updateCatalogue applies the rewrite to api/testdata/operations.yaml line
// by line, so its layout and comments stay.
func (w *writer) updateCatalogue(data []byte) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var out []string
	lastInGroup := map[string]int{}
	group := ""
	for _, line := range lines {
		if m := catalogueGroup.FindStringSubmatch(strings.TrimRight(line, "\n")); m != nil {
			group = m[1]
			lastInGroup[group] = len(out)
		}
		if m := catalogueID.FindStringSubmatch(line); m != nil {
			id := m[1]
			if w.dropped[id] {
				continue
			}
			if e, ok := w.moved[id]; ok {
				line = catMethod.ReplaceAllString(line, "${1}"+e.Method)
				line = catPath.ReplaceAllStringFunc(line, func(old string) string {
					// keep the next column where it was
					m := catPath.FindStringSubmatch(old)
					repl := m[1] + strconv.Quote(e.Path) + ","
					return repl + strings.Repeat(" ", max(1, len(old)-len(repl)))
				})
				line = catEvidence.ReplaceAllString(line, "${1}vendor-spec")
			}
			out = append(out, line)
			lastInGroup[group] = len(out) - 1
			continue
		}
		out = append(out, line)
	}
	if len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) > 0 && !strings.HasSuffix(out[len(out)-1], "\n") {
		out[len(out)-1] += "\n"
	}
	for _, e := range w.added {
		line := fmt.Sprintf("    - {operationId: %s, method: %s, path: %q, evidence: vendor-spec, note: \"new in the vendor's OpenAPI specification\"}\n", e.ID, e.Method, e.Path)
		at, ok := lastInGroup[e.Group]
		if !ok {
			out = append(out, "  "+e.Group+":\n", line)
			lastInGroup[e.Group] = len(out) - 1
			continue
		}
		out = append(out[:at+1], append([]string{line}, out[at+1:]...)...)
		for g, i := range lastInGroup {
			if i > at {
				lastInGroup[g] = i + 1
			}
		}
		lastInGroup[e.Group] = at + 1
	}
	return []byte(strings.Join(out, ""))
}
