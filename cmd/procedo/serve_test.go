package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/procedo/procedo/web/webdb"
)

// TestServeStartsAndStopsOnSIGTERM starts procedo serve on a free port,
// checks the portal and the printed demo logins, sends SIGTERM and expects
// a clean exit.
func TestServeStartsAndStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, pw, &errb)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var url string
	var printed strings.Builder
	for sc.Scan() {
		line := sc.Text()
		printed.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, "Procedo is serving on "); ok {
			url = strings.Fields(rest)[0]
		}
		if strings.Contains(line, "Comune di Messina:") {
			break
		}
	}
	go io.Copy(io.Discard, pr)
	if url == "" {
		t.Fatalf("no URL printed:\n%s\n%s", printed.String(), errb.String())
	}
	for _, want := range []string{"/portal", "/desk", "monza.mario.rossi", "monza.laura.verdi", "messina.admin"} {
		if !strings.Contains(printed.String(), want) {
			t.Errorf("the start message lacks %q:\n%s", want, printed.String())
		}
	}
	res, err := http.Get(url + "/portal/servizi/ztl-access")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Termine del procedimento") {
		t.Fatalf("service page: %d", res.StatusCode)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("procedo serve did not stop on SIGTERM")
	}
	if !strings.Contains(errb.String(), "stopped") {
		t.Errorf("no clean stop logged: %s", errb.String())
	}
}

// TestAuditVerify: an intact chain exits 0, a changed entry exits 1 naming it.
func TestAuditVerify(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	d, err := webdb.OpenSQLite(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := d.Append(ctx, &webdb.Entry{Body: "monza", At: time.Now(), Actor: "u", Action: "case.filed", CaseID: string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()
	var out, errb bytes.Buffer
	if code := run([]string{"audit", "verify", "--data", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), "monza: 3 entries, chain intact") {
		t.Fatalf("intact: exit %d: %s %s", code, out.String(), errb.String())
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER web_audit_no_update`, `UPDATE web_audit SET actor = 'x' WHERE seq = 2`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out.Reset()
	if code := run([]string{"audit", "verify", "--data", dir}, &out, &errb); code != 1 || !strings.Contains(out.String(), "broken at entry 2") {
		t.Fatalf("tampered: exit %d: %s", code, out.String())
	}
}

func TestSecureFor(t *testing.T) {
	tests := []struct {
		name, flag, addr string
		want             bool
		wantErr          bool
	}{
		{name: "auto on loopback", flag: "auto", addr: "127.0.0.1:8080", want: false},
		{name: "auto on localhost", flag: "auto", addr: "localhost:8080", want: false},
		{name: "auto on IPv6 loopback", flag: "auto", addr: "[::1]:8080", want: false},
		{name: "auto on every address", flag: "auto", addr: "0.0.0.0:8080", want: true},
		{name: "auto on a host name", flag: "auto", addr: "procedo.comune.monza.it:443", want: true},
		{name: "forced on", flag: "true", addr: "127.0.0.1:8080", want: true},
		{name: "forced off", flag: "false", addr: "0.0.0.0:80", want: false},
		{name: "bad flag", flag: "yes", addr: "127.0.0.1:8080", wantErr: true},
		{name: "bad address", flag: "auto", addr: "8080", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := secureFor(tc.flag, tc.addr)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("secureFor(%q, %q) = %v, %v", tc.flag, tc.addr, got, err)
			}
		})
	}
}
