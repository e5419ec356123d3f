package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/procedo/procedo/designer/workspace"
	designerweb "github.com/procedo/procedo/web/designer"
)

// runDesigner serves the designer alone, for development and for an
// analyst working on a laptop: `procedo serve` mounts the same handler.
func runDesigner(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("designer", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	data := fs.String("data", "data/designer.db", "SQLite database of the bundles (created when absent)")
	dbURL := fs.String("database-url", "", "PostgreSQL URL; overrides --data")
	tenant := fs.String("tenant", "default", "the body (tenant) the bundles belong to")
	user := fs.String("user", "analista", "the analyst recorded as author of revisions")
	deployDir := fs.String("deploy-dir", "", "deploy revisions by writing them under this folder (<bundle>/r<rev>/)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: procedo designer [--addr host:port] [--data file.db | --database-url URL] [--deploy-dir DIR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx := context.Background()
	var store *workspace.Store
	var err error
	if *dbURL != "" {
		store, err = workspace.OpenPostgres(ctx, *dbURL)
	} else {
		if err = os.MkdirAll(filepath.Dir(*data), 0o755); err == nil {
			store, err = workspace.OpenSQLite(ctx, *data)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "procedo designer:", err)
		return 1
	}
	defer store.Close()
	opts := designerweb.Options{
		Store: store,
		Identify: func(*http.Request) (designerweb.Identity, error) {
			return designerweb.Identity{Tenant: *tenant, User: *user, Deploy: *deployDir != ""}, nil
		},
	}
	if *deployDir != "" {
		opts.Deploy = folderDeployer(*deployDir)
	}
	mux := http.NewServeMux()
	mux.Handle("/designer/", designerweb.New(opts))
	mux.Handle("/{$}", http.RedirectHandler("/designer/", http.StatusFound))
	fmt.Fprintf(stdout, "procedo designer: http://%s/designer/\n", *addr)
	if err := http.ListenAndServe(*addr, mux); err != nil {
		fmt.Fprintln(stderr, "procedo designer:", err)
		return 1
	}
	return 0
}

// folderDeployer writes a deployed revision as a bundle folder that
// `procedo lint` and `procedo gen` read; the version is the hash of its
// files.
func folderDeployer(dir string) designerweb.Deployer {
	return func(_ context.Context, d *designerweb.Deployment) (*designerweb.DeployResult, error) {
		out := filepath.Join(dir, d.Bundle, "r"+strconv.Itoa(d.Rev))
		h := sha256.New()
		for _, p := range d.Files.Paths() {
			if err := os.MkdirAll(filepath.Join(out, filepath.Dir(p)), 0o755); err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(out, p), []byte(d.Files[p]), 0o644); err != nil {
				return nil, err
			}
			fmt.Fprintf(h, "%s\x00%s\x00", p, d.Files[p])
		}
		return &designerweb.DeployResult{Version: hex.EncodeToString(h.Sum(nil))[:12]}, nil
	}
}
