package submit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/procedo/procedo/forms"
)

// Limits bound what one post may carry. The zero value means the
// defaults below; the web server also limits headers and time.
type Limits struct {
	MaxBody       int64 // whole request body; default 30 MiB
	MaxFieldBytes int   // one non-file field; default 64 KiB
	MaxFields     int   // number of non-file fields; default 2000
	MaxFileSize   int64 // one file, unless its control says less; default 10 MiB
	MaxFiles      int   // number of files; default 20
}

func (l Limits) withDefaults() Limits {
	if l.MaxBody <= 0 {
		l.MaxBody = 30 << 20
	}
	if l.MaxFieldBytes <= 0 {
		l.MaxFieldBytes = 64 << 10
	}
	if l.MaxFields <= 0 {
		l.MaxFields = 2000
	}
	if l.MaxFileSize <= 0 {
		l.MaxFileSize = 10 << 20
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = 20
	}
	return l
}

// DefaultAccept are the attachment types accepted when a file control
// does not list its own: the formats AgID's guidelines on electronic
// documents list for long-term keeping that citizens actually have.
var DefaultAccept = []string{"application/pdf", "image/jpeg", "image/png"}

// Document is an uploaded file, checked and hashed.
type Document struct {
	Field       string // the form field ("$/documento_identita")
	Name        string // the file name as the citizen's system gave it (base name only)
	ContentType string // sniffed and declared type, which agree
	Size        int64
	SHA256      string // hex
	Content     []byte
}

// Ref is the JSON value the form stores for the document.
func (d *Document) Ref() forms.FileRef {
	return forms.FileRef{Name: d.Name, ContentType: d.ContentType, Size: d.Size, SHA256: d.SHA256}
}

// DocumentSink stores the documents of a case. The runtime store
// implements it: documents are content-addressed by SHA-256 and versioned
// per case and field, so uploading a new file for the same field adds a
// version.
type DocumentSink interface {
	PutDocument(ctx context.Context, doc *Document) error
}

// Errors of a request as a whole (answer 413 or 400; field problems are
// FieldErrors instead).
var (
	ErrTooLarge  = errors.New("submit: request too large")
	ErrMalformed = errors.New("submit: malformed request")
)

// Parsed is a post read within the limits.
type Parsed struct {
	Values url.Values
	Files  map[string]forms.FileRef // by field name, stored in the sink
	Errors []forms.FieldError       // files refused, fields too long
}

// Parse reads the form post of r (application/x-www-form-urlencoded or
// multipart/form-data) within the limits. Files go to fields of file
// controls of f only; each is size-limited while read, its type sniffed
// from the content and compared with the declared type and the file
// name's extension, hashed with SHA-256 and stored in sink.
func Parse(ctx context.Context, r *http.Request, f *forms.Form, lim Limits, sink DocumentSink) (*Parsed, error) {
	lim = lim.withDefaults()
	if r.ContentLength > lim.MaxBody {
		return nil, ErrTooLarge
	}
	body := http.MaxBytesReader(nil, r.Body, lim.MaxBody)
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, fmt.Errorf("%w: content type: %v", ErrMalformed, err)
	}
	p := &Parsed{Values: url.Values{}, Files: map[string]forms.FileRef{}}
	switch ct {
	case "application/x-www-form-urlencoded":
		raw, err := io.ReadAll(body)
		if err != nil {
			return nil, tooLarge(err)
		}
		vals, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		n := 0
		for k, vs := range vals {
			for _, v := range vs {
				n++
				if n > lim.MaxFields {
					return nil, ErrTooLarge
				}
				if len(v) > lim.MaxFieldBytes {
					p.fieldTooLong(f, k)
					continue
				}
				p.Values.Add(k, v)
			}
		}
		return p, nil
	case "multipart/form-data":
		mr := multipart.NewReader(body, params["boundary"])
		fields, files := 0, 0
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return p, nil
			}
			if err != nil {
				return nil, tooLarge(err)
			}
			name := part.FormName()
			if part.FileName() == "" {
				fields++
				if fields > lim.MaxFields {
					return nil, ErrTooLarge
				}
				v, err := io.ReadAll(io.LimitReader(part, int64(lim.MaxFieldBytes)+1))
				if err != nil {
					return nil, tooLarge(err)
				}
				if len(v) > lim.MaxFieldBytes {
					p.fieldTooLong(f, name)
					continue
				}
				p.Values.Add(name, string(v))
				continue
			}
			files++
			if files > lim.MaxFiles {
				return nil, ErrTooLarge
			}
			if err := p.file(ctx, f, lim, sink, part); err != nil {
				return nil, err
			}
		}
	}
	return nil, fmt.Errorf("%w: unsupported content type %s", ErrMalformed, ct)
}

func tooLarge(err error) error {
	if err == nil {
		return nil
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return ErrTooLarge
	}
	return fmt.Errorf("%w: %v", ErrMalformed, err)
}

func (p *Parsed) fieldTooLong(f *forms.Form, name string) {
	ptr, ok := forms.PointerOf(name)
	if !ok {
		return
	}
	p.Errors = append(p.Errors, forms.FieldError{Pointer: ptr, Message: forms.Text(f.Lang(), "field.tooLong", f.Label(ptr)), Keyword: "maxLength"})
}

// file reads one file part.
func (p *Parsed) file(ctx context.Context, f *forms.Form, lim Limits, sink DocumentSink, part *multipart.Part) error {
	name := part.FormName()
	ptr, ok := forms.PointerOf(name)
	c := f.Control(ptr)
	if !ok || c == nil || c.Widget != forms.WidgetFile {
		// Not a file field of this form: drain and ignore.
		_, err := io.Copy(io.Discard, part)
		return tooLarge(err)
	}
	fileName := path.Base(strings.ReplaceAll(part.FileName(), "\\", "/"))
	max := lim.MaxFileSize
	if c.MaxSize > 0 && c.MaxSize < max {
		max = c.MaxSize
	}
	content, err := io.ReadAll(io.LimitReader(part, max+1))
	if err != nil {
		return tooLarge(err)
	}
	lang, label := f.Lang(), f.Label(ptr)
	if int64(len(content)) > max {
		// Drain the rest of the part so the next ones can be read.
		if _, err := io.Copy(io.Discard, part); err != nil {
			return tooLarge(err)
		}
		p.Errors = append(p.Errors, forms.FieldError{Pointer: ptr, Keyword: "maxSize",
			Message: forms.Text(lang, "file.tooLarge", label, fileName, humanSize(max))})
		return nil
	}
	if len(content) == 0 {
		return nil // an empty file input: no new file
	}
	accept := c.Accept
	if len(accept) == 0 {
		accept = DefaultAccept
	}
	declared, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(content))
	byExt, _, _ := mime.ParseMediaType(mime.TypeByExtension(strings.ToLower(path.Ext(fileName))))
	if !contains(accept, sniffed) {
		p.Errors = append(p.Errors, forms.FieldError{Pointer: ptr, Keyword: "contentMediaType",
			Message: forms.Text(lang, "file.type", label, fileName, strings.Join(accept, ", "))})
		return nil
	}
	if declared != sniffed || (byExt != "" && byExt != sniffed) {
		p.Errors = append(p.Errors, forms.FieldError{Pointer: ptr, Keyword: "contentMediaType",
			Message: forms.Text(lang, "file.mismatch", label, fileName)})
		return nil
	}
	sum := sha256.Sum256(content)
	doc := &Document{Field: name, Name: fileName, ContentType: sniffed, Size: int64(len(content)),
		SHA256: hex.EncodeToString(sum[:]), Content: content}
	if err := sink.PutDocument(ctx, doc); err != nil {
		return fmt.Errorf("submit: storing %s: %w", fileName, err)
	}
	p.Files[name] = doc.Ref()
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// humanSize writes a size the Italian way ("5 MB", "512 kB").
func humanSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1<<20)), ".", ",", 1)
	case n >= 1<<10:
		return fmt.Sprintf("%d kB", n>>10)
	}
	return fmt.Sprintf("%d byte", n)
}
