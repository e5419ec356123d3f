package site

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/procedo/procedo/codegen"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Limits of a bundle archive: a model folder is small; a zip bomb is not.
const (
	maxBundleFiles = 200
	maxBundleFile  = 8 << 20
	maxBundleTotal = 32 << 20
)

// LoadZip builds the in-memory definitions (codegen.Load) of a bundle
// stored as a zip archive: it is unpacked into a temporary folder, with
// every path checked to stay inside it.
func LoadZip(data []byte) ([]*runtime.Definition, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("bundle: not a zip archive: %w", err)
	}
	if len(zr.File) > maxBundleFiles {
		return nil, fmt.Errorf("bundle: more than %d files", maxBundleFiles)
	}
	dir, err := os.MkdirTemp("", "procedo-bundle-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var total int64
	for _, f := range zr.File {
		name := path.Clean(strings.ReplaceAll(f.Name, "\\", "/"))
		if f.FileInfo().IsDir() {
			continue
		}
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") || !f.Mode().IsRegular() {
			return nil, fmt.Errorf("bundle: %q: path outside the bundle or not a regular file", f.Name)
		}
		if f.UncompressedSize64 > maxBundleFile {
			return nil, fmt.Errorf("bundle: %s: larger than %d bytes", name, maxBundleFile)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("bundle: %s: %w", name, err)
		}
		content, err := io.ReadAll(io.LimitReader(rc, maxBundleFile+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("bundle: %s: %w", name, err)
		}
		if total += int64(len(content)); len(content) > maxBundleFile || total > maxBundleTotal {
			return nil, fmt.Errorf("bundle: %s: too large", name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, content, 0o600); err != nil {
			return nil, err
		}
	}
	return codegen.Load(dir)
}

// Resolve rebuilds the definition of a deployment whose generated code
// this binary does not carry, from its stored bundle (runtime.Resolver):
// no running case is stranded by an upgrade.
func Resolve(_ context.Context, d *store.Deployment) (*runtime.Definition, error) {
	defs, err := LoadZip(d.Bundle)
	if err != nil {
		return nil, err
	}
	for _, def := range defs {
		if def.Hash == d.Hash {
			return def, nil
		}
	}
	return nil, fmt.Errorf("the stored bundle of %s v%d yields no process with hash %s", d.ProcessKey, d.Version, d.Hash)
}
