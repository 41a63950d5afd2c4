package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The two specs are compared as plain JSON-like values (map[string]any,
// []any, float64, string, bool, nil) read from the files themselves, so what
// is compared is what is written, not a library's normalisation of it.

// nodeValue converts a YAML node into a plain value; numbers are float64.
func nodeValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(n.Content[0])
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			s = append(s, nodeValue(c))
		}
		return s
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		var b bool
		_ = n.Decode(&b)
		return b
	case "!!int", "!!float":
		var f float64
		if err := n.Decode(&f); err == nil {
			return f
		}
	}
	return n.Value
}

// valueNode converts a plain value into a YAML node: map keys sorted,
// sequences of scalars in flow style, as the spec writes them.
func valueNode(v any) *yaml.Node {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range sortedKeys(t) {
			n.Content = append(n.Content, strNode(k), valueNode(t[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, e := range t {
			c := valueNode(e)
			if c.Kind != yaml.ScalarNode {
				n.Style = 0
			}
			n.Content = append(n.Content, c)
		}
		return n
	case string:
		return strNode(t)
	case float64:
		if t == float64(int64(t)) {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(int64(t), 10)}
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(t, 'g', -1, 64)}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return strNode(fmt.Sprint(v))
}

func strNode(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// flow sets flow style on a collection node (its children follow).
func flow(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	return n
}

func mapGet(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func mapSet(n *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			n.Content[i+1] = v
			return
		}
	}
	n.Content = append(n.Content, strNode(key), v)
}

// docKeys are the keys that document rather than define: they are kept from
// our spec and left out of comparisons (along with every x- extension).
func docKey(k string) bool {
	switch k {
	case "description", "summary", "example", "examples", "title":
		return true
	}
	return strings.HasPrefix(k, "x-")
}

// nameMaps are the keys whose values are maps keyed by a name (a property,
// a media type, a status code), not by OpenAPI keywords.
var nameMaps = map[string]bool{"properties": true, "content": true, "responses": true, "headers": true,
	"encoding": true, "links": true, "callbacks": true, "schemas": true, "variables": true}

// strip drops the documenting keys and orders the set-like lists (enum,
// required), leaving what a client depends on.
func strip(v any) any { return stripIn(v, false, "") }

func stripIn(v any, names bool, key string) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if !names && docKey(k) {
				continue
			}
			out[k] = stripIn(e, !names && nameMaps[k], k)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = stripIn(e, false, "")
		}
		if key == "enum" || key == "required" {
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		}
		return out
	}
	return v
}

func equal(a, b any) bool { return reflect.DeepEqual(strip(a), strip(b)) }

// diff lists the differences between ours (a) and the vendor's (b), both
// stripped, one line each, prefixed by where they are.
func diff(where string, a, b any) []string {
	return diffIn(where, strip(a), strip(b))
}

func diffIn(where string, a, b any) []string {
	if reflect.DeepEqual(a, b) {
		return nil
	}
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		var out []string
		keys := sortedKeys(am)
		for _, k := range sortedKeys(bm) {
			if _, ok := am[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			w := join(where, k)
			av, ina := am[k]
			bv, inb := bm[k]
			switch {
			case !inb:
				out = append(out, fmt.Sprintf("%s: only ours (%s)", w, short(av)))
			case !ina:
				out = append(out, fmt.Sprintf("%s: only the vendor's (%s)", w, short(bv)))
			case k == "enum":
				out = append(out, enumDiff(w, av, bv))
			default:
				out = append(out, diffIn(w, av, bv)...)
			}
		}
		return out
	}
	return []string{fmt.Sprintf("%s: ours %s, the vendor's %s", where, short(a), short(b))}
}

func enumDiff(where string, a, b any) string {
	as, _ := a.([]any)
	bs, _ := b.([]any)
	var added, removed []string
	for _, v := range bs {
		if !slices.ContainsFunc(as, func(x any) bool { return reflect.DeepEqual(x, v) }) {
			added = append(added, short(v))
		}
	}
	for _, v := range as {
		if !slices.ContainsFunc(bs, func(x any) bool { return reflect.DeepEqual(x, v) }) {
			removed = append(removed, short(v))
		}
	}
	var parts []string
	if len(added) > 0 {
		parts = append(parts, "the vendor adds "+strings.Join(added, ", "))
	}
	if len(removed) > 0 {
		parts = append(parts, "the vendor lacks "+strings.Join(removed, ", "))
	}
	return fmt.Sprintf("%s: %s", where, strings.Join(parts, "; "))
}

func join(where, k string) string {
	if where == "" {
		return k
	}
	return where + "." + k
}

// short renders a value compactly for a report line.
func short(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	s := string(data)
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// deepCopy copies a plain value.
func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// walk calls f on every map in v, depth first.
func walk(v any, f func(map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		f(t)
		for _, k := range sortedKeys(t) {
			walk(t[k], f)
		}
	case []any:
		for _, e := range t {
			walk(e, f)
		}
	}
}
