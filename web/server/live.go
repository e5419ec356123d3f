package server

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/procedo/procedo/runtime/store"
)

// hub is the live feed of the desk at /ws: officials' browsers subscribe
// to their body and are told when the open tasks change (a new task, one
// claimed, released or completed by a colleague). Changes made through
// this node are pushed at once; those made by the engine's workers or by
// another node are found by a poll of the open tasks every second, only
// for bodies with someone listening.
type hub struct {
	s        *Server
	mu       sync.Mutex
	subs     map[string]map[*websocket.Conn]chan struct{}
	last     map[string]string
	stop     chan struct{}
	stopOnce sync.Once
	upgrader websocket.Upgrader
}

func newHub(s *Server) *hub {
	h := &hub{s: s, subs: map[string]map[*websocket.Conn]chan struct{}{}, last: map[string]string{}, stop: make(chan struct{}),
		upgrader: websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}} // default CheckOrigin: same host only
	go h.poll()
	return h
}

func (h *hub) close() { h.stopOnce.Do(func() { close(h.stop) }) }

// notify tells the subscribers of body that tasks changed.
func (h *hub) notify(body string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ch := range h.subs[body] {
		select {
		case ch <- struct{}{}:
		default: // one pending notification is enough
		}
	}
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	u := info(r).user
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[u.Body] == nil {
		h.subs[u.Body] = map[*websocket.Conn]chan struct{}{}
	}
	h.subs[u.Body][conn] = ch
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.subs[u.Body], conn)
		h.mu.Unlock()
		conn.Close()
	}()
	done := make(chan struct{})
	go func() { // read to notice the close
		defer close(done)
		conn.SetReadLimit(512)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				return
			}
		}
	}()
	ping := time.NewTicker(30 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-ch:
			conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"tasks-changed"}`)); err != nil {
				return
			}
		case <-ping.C:
			conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if err := conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
		case <-done:
			return
		case <-h.stop:
			conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, "server stopping"))
			return
		}
	}
}

func (h *hub) poll() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
		}
		h.mu.Lock()
		var bodies []string
		for b, subs := range h.subs {
			if len(subs) > 0 {
				bodies = append(bodies, b)
			}
		}
		h.mu.Unlock()
		for _, b := range bodies {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			tasks, err := h.s.cfg.Engine.Store().ListTasks(ctx, &store.ListTasksParams{Body: b, Status: store.TaskOpen, Limit: 1000})
			cancel()
			if err != nil {
				continue
			}
			var sig strings.Builder
			for _, t := range tasks {
				sig.WriteString(t.ID + "/" + t.Assignee + ";")
			}
			h.mu.Lock()
			changed := h.last[b] != sig.String()
			h.last[b] = sig.String()
			h.mu.Unlock()
			if changed {
				h.notify(b)
			}
		}
	}
}
