package server

import (
	"encoding/xml"
	"strings"
	"testing"

	ztlaccess "github.com/procedo/procedo/templates/ztl-access"
)

func TestDiagramSVG(t *testing.T) {
	bundle, err := ztlaccess.BundleZip()
	if err != nil {
		t.Fatal(err)
	}
	d, err := parseDiagram(bundle)
	if err != nil || d == nil {
		t.Fatalf("diagram: %v", err)
	}
	if len(d.Shapes) != 10 || len(d.Edges) != 10 {
		t.Errorf("%d shapes, %d edges", len(d.Shapes), len(d.Edges))
	}
	svg := string(d.svg(`Permesso <ZTL> & "altro"`, map[string]bool{"Istruttoria": true}, map[string]bool{"Domanda": true, "VerificaTarga": true}))
	// Well-formed XML, the title escaped.
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, svg)
			}
			break
		}
	}
	for _, want := range []string{`<g class="shape current" data-element="Istruttoria">`, `<g class="shape visited" data-element="VerificaTarga">`,
		`<g class="shape" data-element="Rilascio">`, `Permesso &lt;ZTL&gt; &amp; &#34;altro&#34;`, `class="event end"`, `class="gateway"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %s", want)
		}
	}
	if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
		t.Error("inline style or script in the diagram (CSP)")
	}
	if d, err := parseDiagram([]byte("not a zip")); d != nil || err != nil {
		t.Errorf("not a zip: %v %v", d, err)
	}
}
