package receipt

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/procedo/procedo/forms"
)

func sample() *Receipt {
	rows := []Row{
		{Label: "Nome", Value: "Niccolò"},
		{Label: "Cognome", Value: "D'Agostino Müller"},
		{Label: "Luogo di nascita", Value: "Città di Castello"},
		{Label: "Motivazione", Value: strings.Repeat("Perché è così: più righe di testo, però ben spezzate. ", 12)},
	}
	var many []Row
	for i := 0; i < 60; i++ {
		many = append(many, Row{Label: "Campo", Value: "Valore è"})
	}
	return &Receipt{
		Lang: forms.Italian, BodyName: "Comune di Roccasecca", Title: "Domanda di permesso di accesso alla ZTL",
		Number: "2026/000123", SubmittedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
		Sections: []Section{{Title: "Richiedente", Rows: rows}, {Title: "Molti campi", Rows: many}},
	}
}

// TestAccentedLetters checks that the PDF's fonts map the accented
// letters: the ToUnicode table of the embedded subset lists each of them
// (U+00E0 à, U+00E8 è, U+00F2 ò, U+00FC ü), which is what viewers use to
// draw, search and copy the text.
func TestAccentedLetters(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	pdf := buf.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := inflateAll(t, pdf)
	for _, cp := range []string{"00E0", "00E8", "00F2", "00FC", "00F9"} {
		if !regexp.MustCompile(`(?i)<` + cp + `>`).MatchString(text) {
			t.Errorf("the font subset does not map U+%s", cp)
		}
	}
}

// TestPdftotext reads the text back with poppler's pdftotext when it is
// installed (a second, independent check of the accented letters).
func TestPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(f, sample()); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{"Comune di Roccasecca", "2026/000123", "23/11/2026 10:00", "Niccolò", "D'Agostino Müller", "Città di Castello", "Perché è così", "Ricevuta di presentazione della domanda"} {
		if !strings.Contains(got, want) {
			t.Errorf("the PDF text lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\f") < 2 {
		t.Errorf("long summaries should flow onto a second page")
	}
}

func inflateAll(t *testing.T, pdf []byte) string {
	var out strings.Builder
	rest := pdf
	for {
		i := bytes.Index(rest, []byte("stream"))
		if i < 0 {
			break
		}
		start := i + len("stream")
		for start < len(rest) && (rest[start] == '\r' || rest[start] == '\n') {
			start++
		}
		end := bytes.Index(rest[start:], []byte("endstream"))
		if end < 0 {
			break
		}
		data := rest[start : start+end]
		if zr, err := zlib.NewReader(bytes.NewReader(data)); err == nil {
			b, _ := io.ReadAll(zr)
			out.Write(b)
		} else {
			out.Write(data)
		}
		rest = rest[start+end+len("endstream"):]
	}
	return out.String()
}
