package codegen

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

	"github.com/procedo/procedo/designer/model"
	"github.com/procedo/procedo/runtime"
	"github.com/procedo/procedo/runtime/store"
)

// Limits of a zipped bundle: a procedure is a BPMN document and a few form
// schemas, so anything much larger is refused rather than unpacked.
const (
	maxZipFiles = 512
	maxZipBytes = 32 << 20
)

// LoadZip is Load for a bundle archived as a zip (how deployments store it,
// store.Deployment.Bundle): process.bpmn and forms/ at the root of the
// archive or in one folder. Only process.bpmn and forms/*.json are read,
// and they give the same hashes as the unpacked folder.
func LoadZip(data []byte) ([]*runtime.Definition, error) {
	dir, err := unzipBundle(data)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	return Load(dir)
}

// Resolver returns the runtime.Resolver the server gives its engine: it
// rebuilds the definition of a deployment whose generated code this binary
// no longer carries from the stored bundle, through the in-memory path, so
// that no running case is stranded by an upgrade.
func Resolver() runtime.Resolver {
	return func(_ context.Context, d *store.Deployment) (*runtime.Definition, error) {
		defs, err := LoadZip(d.Bundle)
		if err != nil {
			return nil, fmt.Errorf("deployment %s v%d: %w", d.ProcessKey, d.Version, err)
		}
		for _, def := range defs {
			if def.Hash == d.Hash {
				return def, nil
			}
		}
		return nil, fmt.Errorf("deployment %s v%d: the stored bundle has no process with hash %s", d.ProcessKey, d.Version, d.Hash)
	}
}

func unzipBundle(data []byte) (string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", fmt.Errorf("%w: bundle: %v", model.ErrUnreadable, err)
	}
	if len(zr.File) > maxZipFiles {
		return "", fmt.Errorf("%w: bundle: %d files, at most %d", model.ErrUnreadable, len(zr.File), maxZipFiles)
	}
	// The root is the folder of the shallowest process.bpmn.
	root, depth := "", -1
	for _, f := range zr.File {
		name := path.Clean(strings.TrimPrefix(f.Name, "/"))
		if d := strings.Count(name, "/"); path.Base(name) == model.BundleFile && (depth < 0 || d < depth) {
			root, depth = path.Dir(name), d
		}
	}
	found := depth >= 0
	if !found {
		return "", fmt.Errorf("%w: bundle: no %s in the archive", model.ErrUnreadable, model.BundleFile)
	}
	dir, err := os.MkdirTemp("", "procedo-bundle-")
	if err != nil {
		return "", err
	}
	var total int64
	for _, f := range zr.File {
		name := path.Clean(strings.TrimPrefix(f.Name, "/"))
		rel := name
		if root != "." {
			if !strings.HasPrefix(name, root+"/") {
				continue
			}
			rel = strings.TrimPrefix(name, root+"/")
		}
		// Only the files of the model; nothing outside the folder.
		if rel != model.BundleFile && !(path.Dir(rel) == "forms" && strings.HasSuffix(rel, ".json")) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("%w: bundle: %s: %v", model.ErrUnreadable, f.Name, err)
		}
		content, err := io.ReadAll(io.LimitReader(rc, maxZipBytes-total+1))
		rc.Close()
		total += int64(len(content))
		if err != nil || total > maxZipBytes {
			os.RemoveAll(dir)
			return "", fmt.Errorf("%w: bundle: larger than %d bytes", model.ErrUnreadable, maxZipBytes)
		}
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	return dir, nil
}
