package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/procedo/procedo/forms/submit"
	"github.com/procedo/procedo/web/webdb"
)

// draftStore keeps the drafts citizens save with "Salva bozza" in the web
// database, under the citizen who saved them: the resume link
// (?riprendi=KEY) of one citizen finds nothing for another, so a shared
// or leaked link does not expose personal data.
type draftStore struct{ s *Server }

var _ submit.DraftStore = draftStore{}

// owner is the user of the request whose context ctx is.
func owner(ctx context.Context) (string, error) {
	ri, _ := ctx.Value(reqKey{}).(*reqInfo)
	if ri == nil || ri.user == nil {
		return "", errors.New("draft: no user in the request")
	}
	return ri.user.ID, nil
}

func (d draftStore) SaveDraft(ctx context.Context, body, key, page, draft string) error {
	who, err := owner(ctx)
	if err != nil {
		return err
	}
	return d.s.cfg.DB.SaveDraft(ctx, body, who, key, page, draft, d.s.cfg.Now())
}

func (d draftStore) LoadDraft(ctx context.Context, body, key string) (string, string, error) {
	who, err := owner(ctx)
	if err != nil {
		return "", "", err
	}
	page, draft, err := d.s.cfg.DB.LoadDraft(ctx, body, who, key)
	if errors.Is(err, webdb.ErrNotFound) {
		return "", "", fmt.Errorf("%w: no draft %s", submit.ErrNotFound, key)
	}
	return page, draft, err
}
