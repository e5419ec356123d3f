package server

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/procedo/procedo/designer/bpmn"
	"github.com/procedo/procedo/runtime/store"
)

// The case page draws the process from the diagram interchange (BPMN DI,
// OMG BPMN 2.0 §12) of the deployed version, as inline SVG rendered on the
// server: shapes by element kind, the visited elements and the current
// position marked by CSS classes. No script and no inline style, so the
// page keeps the strict Content-Security-Policy; it works without
// JavaScript and prints.

type diagramShape struct {
	ID, Kind, Name string
	X, Y, W, H     float64
}

type diagramEdge struct {
	ID     string
	Points [][2]float64
}

type diagram struct {
	Shapes                 []diagramShape
	Edges                  []diagramEdge
	MinX, MinY, MaxX, MaxY float64
}

var (
	diagramMu    sync.Mutex
	diagramCache = map[string]*diagram{} // by deployment hash
)

// diagramOf returns the parsed diagram of a deployment (process.bpmn of
// its stored bundle), or nil when it has none.
func (s *Server) diagramOf(ctx context.Context, body, hash string) (*diagram, error) {
	diagramMu.Lock()
	d, ok := diagramCache[hash]
	diagramMu.Unlock()
	if ok {
		return d, nil
	}
	dep, err := s.cfg.Engine.Store().GetDeployment(ctx, &store.GetDeploymentParams{Body: body, Hash: hash})
	if err != nil {
		return nil, err
	}
	d, err = parseDiagram(dep.Bundle)
	if err != nil {
		return nil, err
	}
	diagramMu.Lock()
	diagramCache[hash] = d
	diagramMu.Unlock()
	return d, nil
}

func parseDiagram(bundle []byte) (*diagram, error) {
	zr, err := zip.NewReader(bytes.NewReader(bundle), int64(len(bundle)))
	if err != nil {
		return nil, nil // a bundle that is not a zip has no diagram to show
	}
	var src []byte
	for _, f := range zr.File {
		if f.Name == "process.bpmn" {
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			src, err = io.ReadAll(io.LimitReader(rc, 8<<20))
			rc.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	if src == nil {
		return nil, nil
	}
	defs, err := bpmn.ParseBytes("process.bpmn", src)
	if err != nil {
		return nil, err
	}
	kinds, names := map[string]string{}, map[string]string{}
	for el := range bpmn.Elements(defs) {
		if id := el.ElementID(); id != "" {
			kinds[id] = el.Kind()
			names[id] = bpmn.NameOf(el)
		}
	}
	d := &diagram{MinX: math.Inf(1), MinY: math.Inf(1), MaxX: math.Inf(-1), MaxY: math.Inf(-1)}
	grow := func(x, y float64) {
		d.MinX, d.MinY, d.MaxX, d.MaxY = min(d.MinX, x), min(d.MinY, y), max(d.MaxX, x), max(d.MaxY, y)
	}
	for el := range bpmn.Elements(defs) {
		switch x := el.(type) {
		case *bpmn.Shape:
			if x.Bounds == nil {
				continue
			}
			b := x.Bounds
			d.Shapes = append(d.Shapes, diagramShape{ID: x.BPMNElement, Kind: kinds[x.BPMNElement], Name: names[x.BPMNElement], X: b.X, Y: b.Y, W: b.Width, H: b.Height})
			// Room for labels: below an event, above a gateway, both
			// wider than the shape.
			grow(b.X-40, b.Y-30)
			grow(b.X+b.Width+40, b.Y+b.Height+30)
		case *bpmn.Edge:
			e := diagramEdge{ID: x.BPMNElement}
			for _, p := range x.Waypoints {
				e.Points = append(e.Points, [2]float64{p.X, p.Y})
				grow(p.X, p.Y)
			}
			d.Edges = append(d.Edges, e)
		}
	}
	if len(d.Shapes) == 0 {
		return nil, nil
	}
	return d, nil
}

func xmlText(s string) string {
	var b strings.Builder
	_ = escapeXML(&b, s)
	return b.String()
}

func escapeXML(b *strings.Builder, s string) error {
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' {
				continue
			}
			b.WriteRune(r)
		}
	}
	return nil
}

// wrap splits a name into lines of at most n characters.
func wrap(s string, n int) []string {
	var lines []string
	var cur string
	for _, w := range strings.Fields(s) {
		if cur != "" && len([]rune(cur))+1+len([]rune(w)) > n {
			lines = append(lines, cur)
			cur = w
			continue
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// svg renders d with the elements in current and visited marked.
func (d *diagram) svg(title string, current, visited map[string]bool) template.HTML {
	const pad = 10.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bpmn-diagram" role="img" aria-labelledby="diagram-title" viewBox="%.0f %.0f %.0f %.0f" xmlns="http://www.w3.org/2000/svg">`,
		d.MinX-pad, d.MinY-pad, d.MaxX-d.MinX+2*pad, d.MaxY-d.MinY+2*pad)
	fmt.Fprintf(&b, `<title id="diagram-title">%s</title>`, xmlText(title))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>`)
	for _, e := range d.Edges {
		var pts []string
		for _, p := range e.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", p[0], p[1]))
		}
		fmt.Fprintf(&b, `<polyline class="flow" data-element="%s" points="%s" marker-end="url(#arrow)"/>`, xmlText(e.ID), strings.Join(pts, " "))
	}
	for _, s := range d.Shapes {
		class := "shape"
		switch {
		case current[s.ID]:
			class += " current"
		case visited[s.ID]:
			class += " visited"
		}
		fmt.Fprintf(&b, `<g class="%s" data-element="%s">`, class, xmlText(s.ID))
		cx, cy := s.X+s.W/2, s.Y+s.H/2
		label := func(x, y float64, width int) {
			lines := wrap(s.Name, width)
			y -= float64(len(lines)-1) * 7
			for i, l := range lines {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, x, y+float64(i)*14+4, xmlText(l))
			}
		}
		switch {
		case strings.HasSuffix(s.Kind, "Event"):
			cls := "event"
			if s.Kind == "endEvent" {
				cls += " end"
			}
			fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="%.1f"/>`, cls, cx, cy, s.W/2)
			label(cx, s.Y+s.H+14, 18)
		case strings.HasSuffix(s.Kind, "Gateway"):
			fmt.Fprintf(&b, `<polygon class="gateway" points="%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f"/>`, cx, s.Y, s.X+s.W, cy, cx, s.Y+s.H, s.X, cy)
			if s.Kind == "exclusiveGateway" {
				fmt.Fprintf(&b, `<path class="marker" d="M%.1f,%.1f L%.1f,%.1f M%.1f,%.1f L%.1f,%.1f"/>`, cx-8, cy-8, cx+8, cy+8, cx+8, cy-8, cx-8, cy+8)
			}
			label(cx, s.Y-14, 22)
		default:
			fmt.Fprintf(&b, `<rect class="task" x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="10"/>`, s.X, s.Y, s.W, s.H)
			label(cx, cy, 14)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text above went through xmlText
}
