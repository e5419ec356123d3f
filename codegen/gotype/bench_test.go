package gotype_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/procedo/procedo/codegen/gotype"
	"github.com/procedo/procedo/codegen/ident"
)

// BenchmarkSchema generates and renders a form of 1,000 properties (a
// tenth of them nested objects, enums and dates), the size of the largest
// procedures' forms.
func BenchmarkSchema(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"object","required":["p0"],"properties":{`)
	for i := range 1000 {
		if i > 0 {
			buf.WriteByte(',')
		}
		switch i % 10 {
		case 1:
			fmt.Fprintf(&buf, `"campo %d":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`, i)
		case 2:
			fmt.Fprintf(&buf, `"campo %d":{"enum":["uno","due","tre"]}`, i)
		case 3:
			fmt.Fprintf(&buf, `"campo %d":{"type":"string","format":"date"}`, i)
		default:
			fmt.Fprintf(&buf, `"p%d":{"type":"string","title":"Campo numero %d"}`, i, i)
		}
	}
	buf.WriteString(`}}`)
	schema := buf.Bytes()
	for b.Loop() {
		g := gotype.NewGenerator(ident.NewNamer())
		if _, err := g.Schema("forms/grande.schema.json", schema, "Grande"); err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := g.File("grande", "forms/grande.schema.json").Render(&out); err != nil {
			b.Fatal(err)
		}
	}
}
