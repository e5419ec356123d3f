package site_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/internal/testenv"
	"github.com/procedo/procedo/web/site"
)

// BenchmarkSubmissionsPostgres files ZTL applications over HTTP against a
// running server on PostgreSQL: each submission is the final POST of the
// form flow (CSRF check, draft decoding, validation, a number from the
// register, the instance started, the case row, the audit entry), with
// the engine's job runners working on the same database. The load
// generator runs `clients` concurrent browsers (own session each);
// reported: submissions/s and the 50th/99th percentile latency.
func BenchmarkSubmissionsPostgres(b *testing.B) {
	for _, n := range []int{8, 16, 24, 32} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchSubmissions(b, true, n) })
	}
}

// BenchmarkSubmissionsSQLite is the same on the embedded store.
func BenchmarkSubmissionsSQLite(b *testing.B) {
	for _, n := range []int{8, 32} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) { benchSubmissions(b, false, n) })
	}
}

func benchSubmissions(b *testing.B, pg bool, clients int) {
	opts := site.Options{DataDir: b.TempDir(), DevLogin: true, Key: bytes.Repeat([]byte("k"), 32), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if pg {
		opts.DatabaseURL = testenv.PostgresURL(b)
		opts.Schema = fmt.Sprintf("serve_bench_%d", time.Now().UnixNano())
	}
	s, err := site.Open(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	s.Start()
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ErrorLog = nil
	srv.Start()
	defer func() {
		srv.Close()
		s.Close()
		if pg {
			if conn, err := pgx.Connect(context.Background(), opts.DatabaseURL); err == nil {
				conn.Exec(context.Background(), "DROP SCHEMA "+opts.Schema+" CASCADE")
				conn.Close(context.Background())
			}
		}
	}()
	transport := &http.Transport{MaxIdleConnsPerHost: clients * 2}
	// Each client logs in and walks the flow once to the summary page; its
	// summary post (with a fresh idempotency key each time) is the
	// submission measured.
	type client struct {
		c    *http.Client
		form url.Values
	}
	path := srv.URL + "/portal/servizi/ztl-access/domanda"
	hidden := regexp.MustCompile(`<input type="hidden" name="(_[a-z]+)" value="([^"]*)">`)
	var cs []*client
	for i := range clients {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: transport}
		get := func(p string) string {
			res, err := c.Get(srv.URL + p)
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return string(body)
		}
		post := func(u string, v url.Values) string {
			res, err := c.PostForm(u, v)
			if err != nil {
				b.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return string(body)
		}
		fields := func(page string, extra url.Values, action string) url.Values {
			v := url.Values{}
			for _, m := range hidden.FindAllStringSubmatch(page, -1) {
				v.Set(m[1], unescape(m[2]))
			}
			for k, vs := range extra {
				v[k] = vs
			}
			v.Set("_action", action)
			return v
		}
		users := []string{"monza.mario.rossi", "monza.giulia.bianchi", "messina.giuseppe.russo"}
		cfs := []string{"RSSMRA85T10A562S", "BNCGLI90A41F704P", "RSSGPP80A01F158H"}
		page := get("/login")
		post(srv.URL+"/login", url.Values{"_csrf": {csrfOf(page)}, "user": {users[i%3]}})
		page = get("/portal/servizi/ztl-access/domanda")
		page = post(path, fields(page, url.Values{"_privacy": {"true"}}, "next"))
		page = post(path, fields(page, url.Values{"$/richiedente/nome": {"Mario"}, "$/richiedente/cognome": {"Rossi"},
			"$/richiedente/codice_fiscale": {cfs[i%3]}, "$/richiedente/email": {"m@example.it"}, "$/motivo": {`"residente"`}}, "next"))
		page = post(path, fields(page, url.Values{"$/veicolo/targa": {"AB123CD"}, "$/veicolo/alimentazione": {`"benzina"`}, "$/veridicita": {"true"}}, "next"))
		if !strings.Contains(page, `data-page="summary"`) {
			b.Fatalf("client %d did not reach the summary:\n%s", i, page)
		}
		cs = append(cs, &client{c: c, form: fields(page, nil, "submit")})
	}
	// Warm-up: every client files warmUp applications first, unmeasured,
	// so that a short run (make bench's one second) measures the server
	// in its steady state, not the first statements of a new schema and
	// the connections being opened (which put the p99 of a run of 1,200
	// submissions above 100 ms).
	const warmUp = 20
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range warmUp {
				v := url.Values{}
				for k, vs := range c.form {
					v[k] = vs
				}
				v.Set("_idem", submit.NewIdempotencyKey())
				res, err := c.c.PostForm(path, v)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	var next atomic.Int64
	lat := make([][]time.Duration, clients)
	var failed atomic.Int64
	b.ResetTimer()
	cpu0, pg0 := processCPU(), postgresCPU()
	start := time.Now()
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				v := url.Values{}
				for k, vs := range c.form {
					v[k] = vs
				}
				v.Set("_idem", submit.NewIdempotencyKey())
				t0 := time.Now()
				res, err := c.c.PostForm(path, v)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i] = append(lat[i], time.Since(t0))
				if res.StatusCode != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu, pgCPU := processCPU()-cpu0, postgresCPU()-pg0
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d submissions failed", n)
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(float64(len(all))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
	// CPU per submission is steadier than the rate on a shared machine:
	// this process (server, job runners and load generator) and, when
	// readable, every PostgreSQL process of the host.
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "go-cpu-ms/op")
	if pg && pgCPU > 0 {
		b.ReportMetric(float64(pgCPU.Microseconds())/1000/float64(b.N), "pg-cpu-ms/op")
	}
}

// processCPU is the user and system CPU time of this process.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postgresCPU sums the user and system CPU time of the processes named
// postgres (Linux /proc; 0 elsewhere or when not readable).
func postgresCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var ticks int64
	for _, d := range dirs {
		if d.Name()[0] < '0' || d.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime stime are fields 14 and 15; comm
		// may hold spaces, so split after its closing parenthesis.
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || string(stat[open+1:end]) != "postgres" {
			continue
		}
		f := strings.Fields(string(stat[end+1:]))
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		ticks += u + st
	}
	return time.Duration(ticks) * time.Second / 100 // USER_HZ
}

func csrfOf(page string) string {
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return unescape(m[1])
}

func unescape(s string) string {
	return strings.NewReplacer("&#43;", "+", "&#34;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(s)
}
