package format

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/procedo/procedo/internal/testenv"
)

// TestBrowserChecksAgree runs the browser's copy of the checks
// (web/forms/formats.js, used by the enhancement script) with Node on
// every value of the table tests and compares each verdict with Go's: a
// citizen must never see the browser accept what the server refuses, or
// the reverse.
func TestBrowserChecksAgree(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		testenv.Missing(t, "node is not installed")
	}
	values := []string{
		"RSSMRA85T10A562S", "RSSMRA80A01H501U", "rssmra 85t10 a562s", "RSSMRA85T10A56NH", "RSSMRA85T10A5RNS", "01114601006",
		"RSSMRA85T10A562T", "RSSMRA85T10A56NS", "RSSMRA85T10A562", "RS1MRA85T10A562S", "RSSMRA8AT10A562S", "RSSMRA85Z10A562S", "RSSMRA85T32A562S",
		"00743110157", "IT02438750586", "024 387 505 86", "02438750587", "00741310157", "0243875058", "00000000000",
		"IT60X0542811101000000123456", "it60 x054 2811 1010 0000 0123 456", "DE89370400440532013000", "GB82WEST12345698765432",
		"IT61X0542811101000000123456", "IT6010542811101000000123456", "US64SVBKUS6S3300958879", "1234",
		"00184", "20121", "98168", "2012", "2O121", "00000", "99100",
		"AB123CD", "ab 123 cd", "GF-456-XZ", "AB12345", "AO123CD", "AB123CI", "MI123456", "AB12C45",
		"3331234567", "+39 333 123 4567", "06 6988 1234", "0039 02 1234567", "+33 1 23 45 67 89", "333-CALL-ME", "33312345", "5551234567", "+4412",
		"mario.rossi@comune.roma.it", "anna+pratiche@example.org", "Mario <mario@comune.it>", "mario@localhost", "mario@comune..it", "mario.comune.it", "a@-comune.it",
	}
	names := []string{NameCodiceFiscale, NamePartitaIVA, NameIBAN, NameCAP, NameTarga, NameTelefono, NameEmail, NamePEC}
	root := testenv.RepoRoot()
	script := `
const { checks } = await import(process.argv[1]);
const { values, names } = JSON.parse(process.argv[2]);
const out = {};
for (const n of names) out[n] = values.map((v) => checks[n](v));
console.log(JSON.stringify(out));`
	in, _ := json.Marshal(map[string]any{"values": values, "names": names})
	cmd := exec.Command(node, "--input-type=module", "-e", script, "file://"+filepath.Join(root, "web", "forms", "formats.js"), string(in))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var js map[string][]bool
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	for _, n := range names {
		for i, v := range values {
			goOK := Checks[n](v) == nil
			if js[n][i] != goOK {
				t.Errorf("%s(%q): Go says %v, the browser says %v", n, v, goOK, js[n][i])
			}
		}
	}
}
