package designerweb

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/procedo/procedo/designer/workspace"
)

// lintRequest is a message of the browser.
type lintRequest struct {
	Type  string          `json:"type"`
	Seq   int64           `json:"seq"`
	Files workspace.Files `json:"files"`
}

// websocket answers lint requests on one connection, in order. While a
// request is linted the next ones queue in the socket; the browser sends
// a new model only after the previous answer (or after a reconnect), so
// the queue never grows beyond one.
func (h *Handler) websocket(w http.ResponseWriter, r *http.Request) {
	id, ok := h.identify(w, r)
	if !ok {
		return
	}
	c, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered
	}
	h.mu.Lock()
	h.conns[c] = true
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
		c.Close()
	}()
	c.SetReadLimit(maxWSFrame)
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		var req lintRequest
		if err := json.Unmarshal(data, &req); err != nil || req.Type != "lint" {
			c.WriteJSON(map[string]any{"type": "error", "seq": req.Seq, "message": msg(r, "bad-request", "message")})
			continue
		}
		start := time.Now()
		res := LintFiles(req.Files)
		rep := lintReport{Type: "lint", Seq: req.Seq, Diagnostics: res.Diagnostics, Unreadable: res.Unreadable,
			Errors: res.Errors(), Warnings: res.Warnings(), Micros: time.Since(start).Microseconds()}
		c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if err := c.WriteJSON(rep); err != nil {
			h.log.Debug("designer: websocket write", "tenant", id.Tenant, "err", err)
			return
		}
	}
}

// dropSockets closes every open websocket (tests of reconnection; a
// server shutting down).
func (h *Handler) dropSockets() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns {
		c.UnderlyingConn().Close()
	}
	return len(h.conns)
}
