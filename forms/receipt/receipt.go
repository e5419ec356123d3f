// Package receipt writes the PDF receipt of a filed application: the body,
// the service, the application number and date, and the summary of the
// data the citizen sent, in the order of the form.
//
// It uses github.com/signintech/gopdf, a pure-Go PDF writer that is
// actively maintained (the fpdf family, jung-kurt/gofpdf and go-pdf/fpdf,
// is archived) and embeds TrueType fonts as UTF-8 subsets, so accented
// Italian letters (à è é ì ò ù, and the Latin Extended letters of foreign
// names) print as they are, with no code-page translation. The font is
// Titillium Web, the typeface of the Italian public administration's
// design system, under the SIL Open Font License (fonts/OFL.txt).
package receipt

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/procedo/procedo/forms"
	"github.com/signintech/gopdf"
)

//go:embed fonts/TitilliumWeb-Regular.ttf
var fontRegular []byte

//go:embed fonts/TitilliumWeb-SemiBold.ttf
var fontBold []byte

// Row is one answer.
type Row struct {
	Label string
	Value string
}

// Section is the answers of one step.
type Section struct {
	Title string
	Rows  []Row
}

// Receipt is the content of the PDF.
type Receipt struct {
	Lang        forms.Lang
	BodyName    string // the public body, e.g. "Comune di Roccasecca"
	Title       string // the service, e.g. the form's title
	Number      string // "2026/000123"
	SubmittedAt time.Time
	Sections    []Section
}

var rome = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Rome")
	if err != nil {
		return time.UTC
	}
	return loc
}()

const (
	pageW   = 595.28 // A4 in points
	pageH   = 841.89
	margin  = 50.0
	bodyW   = pageW - 2*margin
	labelW  = 190.0
	valueX  = margin + labelW + 10
	valueW  = bodyW - labelW - 10
	lineH   = 14.0
	bottomY = pageH - margin - 20
)

// Write writes the PDF of r to w.
func Write(w io.Writer, r *Receipt) error {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	pdf.SetInfo(gopdf.PdfInfo{
		Title:        forms.Text(r.Lang, "receipt.pdf.title") + " " + r.Number,
		Author:       r.BodyName,
		Subject:      r.Title,
		Creator:      "Procedo",
		Producer:     "Procedo",
		CreationDate: r.SubmittedAt,
	})
	if err := pdf.AddTTFFontData("regular", fontRegular); err != nil {
		return fmt.Errorf("receipt: font: %w", err)
	}
	if err := pdf.AddTTFFontData("bold", fontBold); err != nil {
		return fmt.Errorf("receipt: font: %w", err)
	}
	wr := &writer{pdf: pdf, r: r}
	wr.newPage()
	if err := wr.header(); err != nil {
		return err
	}
	for _, s := range r.Sections {
		if err := wr.section(s); err != nil {
			return err
		}
	}
	if wr.err != nil {
		return wr.err
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return fmt.Errorf("receipt: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type writer struct {
	pdf  *gopdf.GoPdf
	r    *Receipt
	y    float64
	page int
	err  error
}

func (w *writer) font(family string, size float64) {
	if err := w.pdf.SetFont(family, "", size); err != nil && w.err == nil {
		w.err = fmt.Errorf("receipt: %w", err)
	}
}

func (w *writer) text(x, y float64, s string) {
	w.pdf.SetXY(x, y)
	if err := w.pdf.Text(s); err != nil && w.err == nil {
		w.err = fmt.Errorf("receipt: text %q: %w", s, err)
	}
}

func (w *writer) newPage() {
	w.pdf.AddPage()
	w.page++
	w.y = margin
	// Footer: the number on every page, so loose pages stay attributable.
	w.font("regular", 8)
	w.pdf.SetTextColor(90, 90, 90)
	w.text(margin, pageH-margin+10, forms.Text(w.r.Lang, "receipt.pdf.footer", w.r.Number)+fmt.Sprintf(" — %d", w.page))
	w.pdf.SetTextColor(0, 0, 0)
}

func (w *writer) need(h float64) {
	if w.y+h > bottomY {
		w.newPage()
	}
}

// lines splits s to fit width in the current font.
func (w *writer) lines(s string, width float64) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		if para == "" {
			out = append(out, "")
			continue
		}
		ls, err := w.pdf.SplitTextWithWordWrap(para, width)
		if err != nil || len(ls) == 0 {
			ls = []string{para}
		}
		out = append(out, ls...)
	}
	return out
}

func (w *writer) header() error {
	lang := w.r.Lang
	w.font("bold", 11)
	w.pdf.SetTextColor(0, 77, 153)
	w.text(margin, w.y+12, w.r.BodyName)
	w.pdf.SetTextColor(0, 0, 0)
	w.y += 30
	w.font("bold", 16)
	for _, l := range w.lines(forms.Text(lang, "receipt.pdf.title"), bodyW) {
		w.text(margin, w.y+14, l)
		w.y += 20
	}
	w.font("regular", 12)
	for _, l := range w.lines(w.r.Title, bodyW) {
		w.text(margin, w.y+12, l)
		w.y += 16
	}
	w.y += 10
	w.row(forms.Text(lang, "receipt.number"), w.r.Number, true)
	w.row(forms.Text(lang, "receipt.date"), w.r.SubmittedAt.In(rome).Format("02/01/2006 15:04"), false)
	w.y += 6
	w.pdf.SetLineWidth(0.5)
	w.pdf.Line(margin, w.y, pageW-margin, w.y)
	w.y += 12
	return w.err
}

func (w *writer) section(s Section) error {
	w.need(40)
	w.font("bold", 12)
	w.pdf.SetTextColor(0, 77, 153)
	w.text(margin, w.y+12, s.Title)
	w.pdf.SetTextColor(0, 0, 0)
	w.y += 22
	for _, r := range s.Rows {
		w.row(r.Label, r.Value, false)
	}
	w.y += 8
	return w.err
}

func (w *writer) row(label, value string, bold bool) {
	w.font("bold", 9.5)
	ll := w.lines(label, labelW)
	if bold {
		w.font("bold", 10)
	} else {
		w.font("regular", 10)
	}
	vl := w.lines(value, valueW)
	n := max(len(ll), len(vl))
	w.need(float64(n) * lineH)
	w.font("bold", 9.5)
	for i, l := range ll {
		w.text(margin, w.y+11+float64(i)*lineH, l)
	}
	if bold {
		w.font("bold", 10)
	} else {
		w.font("regular", 10)
	}
	for i, l := range vl {
		w.text(valueX, w.y+11+float64(i)*lineH, l)
	}
	w.y += float64(n)*lineH + 4
}
