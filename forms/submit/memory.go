package submit

import (
	"context"
	"sync"
	"time"
)

// MemoryStore keeps numbers, documents and applications in memory. It is
// for tests and for previewing a form (procedo forms serve); production
// uses the runtime store, which implements the same interfaces on SQLite
// or PostgreSQL.
type MemoryStore struct {
	mu        sync.Mutex
	counters  map[string]int64
	documents map[string]*Document
	apps      map[string]*Application
	drafts    map[string][2]string
	Now       func() time.Time
}

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{counters: map[string]int64{}, documents: map[string]*Document{}, apps: map[string]*Application{}, drafts: map[string][2]string{}, Now: time.Now}
}

// NextNumber implements NumberSource.
func (m *MemoryStore) NextNumber(_ context.Context, body string, year int) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := body + "\x00" + time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
	m.counters[k]++
	return m.counters[k], nil
}

// PutDocument implements DocumentSink.
func (m *MemoryStore) PutDocument(_ context.Context, d *Document) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.documents[d.SHA256] = d
	return nil
}

// Document returns a stored document by SHA-256.
func (m *MemoryStore) Document(sha string) (*Document, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.documents[sha]
	return d, ok
}

// FileOnce implements Filer: under one lock, as the store does in one
// transaction, it either finds the application of the key or takes the
// next number and files it.
func (m *MemoryStore) FileOnce(_ context.Context, app *Application) (*Application, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := app.Body + "\x00" + app.IdempotencyKey
	if old, ok := m.apps[k]; ok {
		cp := *old
		return &cp, false, nil
	}
	now := m.Now().UTC()
	year := now.In(rome).Year()
	ck := app.Body + "\x00" + time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006")
	num, err := FormatNumber(year, m.counters[ck]+1)
	if err != nil {
		return nil, false, err
	}
	m.counters[ck]++
	stored := *app
	stored.Number, stored.SubmittedAt = num, now
	m.apps[k] = &stored
	cp := stored
	return &cp, true, nil
}

// Lookup implements Filer.
func (m *MemoryStore) Lookup(_ context.Context, body, key string) (*Application, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.apps[body+"\x00"+key]; ok {
		cp := *a
		return &cp, nil
	}
	return nil, ErrNotFound
}

// SaveDraft implements DraftStore.
func (m *MemoryStore) SaveDraft(_ context.Context, body, key, page, draft string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.drafts[body+"\x00"+key] = [2]string{page, draft}
	return nil
}

// LoadDraft implements DraftStore.
func (m *MemoryStore) LoadDraft(_ context.Context, body, key string) (string, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.drafts[body+"\x00"+key]
	if !ok {
		return "", "", ErrNotFound
	}
	return d[0], d[1], nil
}
