package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/procedo/procedo/web/auth"
	"github.com/procedo/procedo/web/site"
)

// runServe starts the portal, the desk and the API with the engine's job
// runners, until SIGINT or SIGTERM.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo serve [--addr HOST:PORT] [--data DIR | --db URL] [--dev-login=false]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Serves the citizen portal (/portal), the officials' desk (/desk) and the API (/api/v1).")
		fmt.Fprintln(stderr, "Without --db (or PROCEDO_DATABASE_URL) it keeps everything in SQLite under --data.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", envOr("PROCEDO_ADDR", "127.0.0.1:8080"), "listen address (env PROCEDO_ADDR)")
	data := fs.String("data", envOr("PROCEDO_DATA", "./procedo-data"), "data folder: SQLite store, web.db, secret key (env PROCEDO_DATA)")
	db := fs.String("db", os.Getenv("PROCEDO_DATABASE_URL"), "PostgreSQL URL (env PROCEDO_DATABASE_URL)")
	schema := fs.String("schema", "", "PostgreSQL schema, created if missing (default: the URL's search_path)")
	dev := fs.Bool("dev-login", true, "enable the development login page with demo users (never in production)")
	secure := fs.String("secure-cookies", "auto", "mark cookies Secure: true, false, or auto (true unless --addr is a loopback address)")
	workers := fs.Int("workers", 1, "job runner loops of the engine (each keeps 4 batches in flight)")
	committers := fs.Int("db-committers", 1, "PostgreSQL transactions the store commits at once (more where fsync, not CPU, limits)")
	logJSON := fs.Bool("log-json", false, "log as JSON lines instead of text")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "procedo serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	secureCookies, err := secureFor(*secure, *addr)
	if err != nil {
		fmt.Fprintf(stderr, "procedo serve: %v\n", err)
		return 2
	}
	var h slog.Handler = slog.NewTextHandler(stderr, nil)
	if *logJSON {
		h = slog.NewJSONHandler(stderr, nil)
	}
	log := slog.New(h)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := site.Open(ctx, site.Options{DataDir: *data, DatabaseURL: *db, Schema: *schema, DevLogin: *dev, SecureCookies: secureCookies, Logger: log, Workers: *workers, Committers: *committers})
	if err != nil {
		fmt.Fprintf(stderr, "procedo serve: %v\n", err)
		return 1
	}
	defer s.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "procedo serve: %v\n", err)
		return 1
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, WriteTimeout: 2 * time.Minute,
		IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(h, slog.LevelWarn)}
	s.Start()
	where := "SQLite in " + *data
	if *db != "" {
		where = "PostgreSQL"
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "Procedo is serving on %s (%s)\n", url, where)
	fmt.Fprintf(stdout, "  portal     %s/portal      (citizens)\n", url)
	fmt.Fprintf(stdout, "  desk       %s/desk        (officials)\n", url)
	fmt.Fprintf(stdout, "  designer   %s/designer/   (analysts)\n", url)
	fmt.Fprintf(stdout, "  dashboard  %s/dashboard/  (admins)\n", url)
	fmt.Fprintf(stdout, "  API        %s/api/v1/openapi.json\n", url)
	fmt.Fprintf(stdout, "  metrics    %s/metrics\n", url)
	if *dev {
		fmt.Fprintf(stdout, "Development login at %s/login — demo users:\n", url)
		for _, b := range auth.DemoDirectory().Bodies() {
			var names []string
			for _, u := range auth.DemoDirectory().Users {
				if u.Body == b.ID {
					names = append(names, u.ID)
				}
			}
			fmt.Fprintf(stdout, "  %s: %s\n", b.Name, strings.Join(names, ", "))
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(stderr, "procedo serve: %v\n", err)
			return 1
		}
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown", "err", err)
	}
	if err := s.Close(); err != nil {
		log.Error("closing", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// secureFor decides the Secure attribute of cookies: browsers send Secure
// cookies over plain HTTP only to loopback addresses, so "auto" leaves
// them off for a development server on 127.0.0.1 and on everywhere else
// (behind an HTTPS proxy).
func secureFor(flag, addr string) (bool, error) {
	switch flag {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "auto":
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return false, fmt.Errorf("--addr %q: %v", addr, err)
		}
		if host == "localhost" {
			return false, nil
		}
		ip := net.ParseIP(host)
		return !(ip != nil && ip.IsLoopback()), nil
	}
	return false, fmt.Errorf("--secure-cookies must be true, false or auto, not %q", flag)
}
