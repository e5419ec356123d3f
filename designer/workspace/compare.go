package workspace

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sort"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/designer/model"
)

// Change is how an element or a file differs between two revisions.
type Change string

// The changes.
const (
	Added   Change = "added"
	Removed Change = "removed"
	Changed Change = "changed" // its semantics (attributes, conditions, ...) changed
	Moved   Change = "moved"   // only its diagram shape or edge changed
)

// ElementChange is one BPMN element that differs.
type ElementChange struct {
	ID     string `json:"id"`
	Kind   string `json:"kind"` // "userTask", "sequenceFlow", ...
	Name   string `json:"name,omitempty"`
	Change Change `json:"change"`
}

// FileChange is one file of the bundle that differs.
type FileChange struct {
	Path   string `json:"path"`
	Change Change `json:"change"`
}

// Diff is the element-level summary of two revisions.
type Diff struct {
	Elements []ElementChange `json:"elements"`
	Files    []FileChange    `json:"files"`
	// Unreadable names the side whose process.bpmn could not be parsed
	// ("a", "b"); its elements are then not compared.
	Unreadable []string `json:"unreadable,omitempty"`
}

// Compare summarises what changed from a to b: files added, removed or
// changed, and for process.bpmn which elements (by id) were added, removed,
// changed in their semantics, or only moved on the diagram. A container
// (process, sub-process, lane) counts as changed only for its own
// attributes and children without an id, not for the elements it contains,
// which are reported themselves.
func Compare(a, b Files) *Diff {
	d := &Diff{Elements: []ElementChange{}, Files: []FileChange{}}
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	for _, p := range sorted {
		av, aok := a[p]
		bv, bok := b[p]
		switch {
		case !aok:
			d.Files = append(d.Files, FileChange{Path: p, Change: Added})
		case !bok:
			d.Files = append(d.Files, FileChange{Path: p, Change: Removed})
		case av != bv:
			d.Files = append(d.Files, FileChange{Path: p, Change: Changed})
		}
	}
	ea, errA := elements(a[model.BundleFile])
	eb, errB := elements(b[model.BundleFile])
	if errA != nil {
		d.Unreadable = append(d.Unreadable, "a")
	}
	if errB != nil {
		d.Unreadable = append(d.Unreadable, "b")
	}
	if errA != nil || errB != nil {
		return d
	}
	for id, x := range ea {
		y, ok := eb[id]
		switch {
		case !ok:
			d.Elements = append(d.Elements, ElementChange{ID: id, Kind: x.kind, Name: x.name, Change: Removed})
		case x.kind != y.kind || x.sig != y.sig:
			d.Elements = append(d.Elements, ElementChange{ID: id, Kind: y.kind, Name: y.name, Change: Changed})
		case x.di != y.di:
			d.Elements = append(d.Elements, ElementChange{ID: id, Kind: y.kind, Name: y.name, Change: Moved})
		}
	}
	for id, y := range eb {
		if _, ok := ea[id]; !ok {
			d.Elements = append(d.Elements, ElementChange{ID: id, Kind: y.kind, Name: y.name, Change: Added})
		}
	}
	sort.Slice(d.Elements, func(i, j int) bool { return d.Elements[i].ID < d.Elements[j].ID })
	return d
}

type elementSig struct {
	kind, name string
	sig        string // the element's XML without id-bearing descendants
	di         string // its shapes and edges
}

// elements indexes the semantic elements of a document by id.
func elements(src string) (map[string]*elementSig, error) {
	out := map[string]*elementSig{}
	if src == "" {
		return out, nil
	}
	defs, err := bpmn.ParseBytes(model.BundleFile, []byte(src))
	if defs == nil {
		return nil, err
	}
	var firstErr error
	bpmn.Walk(defs, func(el, _ bpmn.Element) bool {
		if d, ok := el.(*bpmn.Diagram); ok {
			collectDI(d, out)
			return false
		}
		id := el.ElementID()
		if id == "" || el == bpmn.Element(defs) {
			return true
		}
		data, err := bpmn.Marshal(el)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return true
		}
		sig, err := ownXML(data)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		e := out[id]
		if e == nil {
			e = &elementSig{}
			out[id] = e
		}
		e.kind, e.name, e.sig = el.Kind(), bpmn.NameOf(el), sig
		return true
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// collectDI appends each shape's and edge's XML to the element it shows.
func collectDI(d *bpmn.Diagram, out map[string]*elementSig) {
	bpmn.Walk(d, func(el, _ bpmn.Element) bool {
		var target string
		switch x := el.(type) {
		case *bpmn.Shape:
			target = x.BPMNElement
		case *bpmn.Edge:
			target = x.BPMNElement
		default:
			return true
		}
		target = bpmn.LocalID(target)
		data, err := bpmn.Marshal(el)
		if err != nil || target == "" {
			return false
		}
		sig, _ := ownXML(data)
		e := out[target]
		if e == nil {
			e = &elementSig{}
			out[target] = e
		}
		// the shape's own id is irrelevant; what matters is where it is
		e.di += sig
		return false
	})
}

// ownXML re-serialises an element without the subtrees of descendants
// that have an id (they are compared on their own), without its own id
// attribute, and without white space between elements.
func ownXML(data []byte) (string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var b bytes.Buffer
	depth, skip := 0, 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return b.String(), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if skip > 0 {
				skip++
				continue
			}
			hasID := false
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space == "" {
					hasID = true
				}
			}
			if hasID && depth > 1 {
				skip = 1
				continue
			}
			fmt.Fprintf(&b, "<%s %s", t.Name.Space, t.Name.Local)
			for _, a := range t.Attr {
				if a.Name.Local == "id" && a.Name.Space == "" {
					continue
				}
				fmt.Fprintf(&b, " %s %s=%q", a.Name.Space, a.Name.Local, a.Value)
			}
			b.WriteString(">")
		case xml.EndElement:
			depth--
			if skip > 0 {
				skip--
				continue
			}
			b.WriteString("</>")
		case xml.CharData:
			if skip > 0 {
				continue
			}
			if s := bytes.TrimSpace(t); len(s) > 0 {
				b.Write(s)
			}
		}
	}
	return b.String(), nil
}
