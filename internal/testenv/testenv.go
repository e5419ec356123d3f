// Package testenv tells tests where the shared corpus and the real external
// parts (PostgreSQL, Chromium) are, and what to do when one is missing.
//
// On a developer's machine a missing part skips the test with a visible
// message. In CI (environment variable CI=true) a missing part fails the
// test instead: a green CI run must mean the real part was exercised.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// InCI reports whether the tests run in continuous integration (CI=true).
func InCI() bool {
	return os.Getenv("CI") == "true"
}

// Missing skips the test, or fails it in CI, because a required part is
// absent. what names the part and how to provide it.
func Missing(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("CI=true but %s", what)
	}
	t.Skipf("SKIP (not in CI): %s", what)
}

var (
	rootOnce sync.Once
	rootDir  string
)

// RepoRoot returns the directory holding the module's go.mod, or "" when it
// cannot be found.
func RepoRoot() string {
	rootOnce.Do(func() {
		dir, err := os.Getwd()
		if err != nil {
			return
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				// bench/ is a module of its own inside the repository: keep
				// climbing to the one of github.com/procedo/procedo.
				if _, err := os.Stat(filepath.Join(dir, "cmd", "procedo")); err == nil {
					rootDir = dir
					return
				}
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				return
			}
			dir = parent
		}
	})
	return rootDir
}

// CorpusDir returns the absolute path of ../shared/corpus/<rel> (relative to
// the repository root). When it is absent the test is skipped, or failed in
// CI.
func CorpusDir(t testing.TB, rel string) string {
	t.Helper()
	root := RepoRoot()
	if root == "" {
		Missing(t, "cannot find the repository root (go.mod)")
	}
	dir := filepath.Join(root, "..", "shared", "corpus", rel)
	if _, err := os.Stat(dir); err != nil {
		Missing(t, "the shared corpus is absent: "+dir)
	}
	return dir
}

// PostgresURL returns the database URL of PROCEDO_TEST_DATABASE_URL. When
// it is unset the test is skipped, or failed in CI.
func PostgresURL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("PROCEDO_TEST_DATABASE_URL")
	if url == "" {
		Missing(t, "PROCEDO_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL, e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	return url
}

// ChromiumPath returns the path of the Chromium executable (PROCEDO_CHROMIUM
// or /usr/bin/chromium). When it is absent the test is skipped, or failed
// in CI.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	path := os.Getenv("PROCEDO_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		Missing(t, "Chromium not found at "+path+" (apt-get install chromium, or set PROCEDO_CHROMIUM)")
	}
	return path
}
