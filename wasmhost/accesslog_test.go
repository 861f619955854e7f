package wasmhost_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// tagPlugin is wasmhost/testdata/tagplugin, a plugin that is not cors-wasm.
const tagPlugin = "github.com/cors-wasm/cors-wasm/wasmhost/testdata/tagplugin"

// The access log gets the request, the response as the client got it, who
// answered (Envoy's response code details) and the counters the plugin moved;
// it says nothing in any plugin's terms.
func TestAccessEntryDescribesTheExchange(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", "yes")
	}))
	defer up.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL, _ := url.Parse(down.URL)
	down.Close() // nothing listens there any more

	pool, err := compile(t, tagPlugin).NewPool(context.Background(), 1, wasmhost.VMConfig{PluginConfig: []byte("x-tag: t1")})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	upURL, _ := url.Parse(up.URL)
	for _, c := range []struct {
		name, path  string
		upstream    *url.URL
		status      int
		details     string
		wantHeaders []string // header names the client got
	}{
		{"forwarded", "/items?q=1", upURL, 200, wasmhost.DetailsViaUpstream, []string{"X-Tag", "X-Upstream"}},
		{"the plugin answered", "/admin/users", upURL, 403, "tag_forbidden", []string{"X-Tag"}},
		{"no upstream", "/items", downURL, 502, wasmhost.DetailsUpstreamFailed, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []wasmhost.AccessEntry
			proxy := wasmhost.NewProxy(pool, c.upstream)
			proxy.AccessLog = func(e wasmhost.AccessEntry) { got = append(got, e) }
			front := httptest.NewServer(proxy)
			defer front.Close()
			resp, err := http.Get(front.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if len(got) != 1 {
				t.Fatalf("%d access entries, want 1", len(got))
			}
			e := got[0]
			if e.Request.Method != "GET" || e.Request.URL.RequestURI() != c.path {
				t.Errorf("request %s %s, want GET %s", e.Request.Method, e.Request.URL.RequestURI(), c.path)
			}
			if e.Status != c.status || resp.StatusCode != c.status || e.Details != c.details {
				t.Errorf("status %d (client got %d), details %q; want %d, %q", e.Status, resp.StatusCode, e.Details, c.status, c.details)
			}
			for _, h := range c.wantHeaders {
				if e.Header.Get(h) == "" || resp.Header.Get(h) == "" {
					t.Errorf("header %s: entry %q, client %q; want it in both", h, e.Header.Get(h), resp.Header.Get(h))
				}
			}
			if !slices.Equal(e.Counters, []string{"tag.requests"}) {
				t.Errorf("counters %q, want [tag.requests]", e.Counters)
			}
		})
	}
}
