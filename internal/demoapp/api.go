package demoapp

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
)

var requestID atomic.Int64

// API is the demo API. It knows nothing about CORS: the proxy adds it.
// An OPTIONS request reaching it means a preflight was not answered by the
// proxy, which the demo shows as an error.
func API() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/items", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]any{"items": []string{"apple", "pear", "plum"}})
	})
	mux.HandleFunc("PUT /api/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		reply(w, http.StatusOK, map[string]any{"updated": r.PathValue("id"), "body": string(body),
			"x-demo-token": r.Header.Get("X-Demo-Token")})
	})
	mux.HandleFunc("GET /api/me", func(w http.ResponseWriter, r *http.Request) {
		_, err := r.Cookie("demo_session")
		reply(w, http.StatusOK, map[string]any{"cookie_sent": err == nil})
	})
	mux.HandleFunc("POST /api/login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "demo_session", Value: "s" + strconv.FormatInt(requestID.Add(1), 10),
			Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		reply(w, http.StatusOK, map[string]any{"logged_in": true})
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusOK, map[string]any{"ok": true})
	})
	mux.HandleFunc("OPTIONS /", func(w http.ResponseWriter, r *http.Request) {
		reply(w, http.StatusInternalServerError, map[string]any{"error": "a preflight reached the upstream"})
	})
	return mux
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Request-Id", strconv.FormatInt(requestID.Add(1), 10))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
