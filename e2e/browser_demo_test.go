package e2e

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cors-wasm/cors-wasm/internal/demoapp"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// The demo `make run` serves, pressed button by button in Chromium: README
// says the page shows a simple GET, a preflighted PUT and a credentialed call
// allowed, and a PATCH blocked, with examples/config.json.
func TestBrowserDemoPageButtons(t *testing.T) {
	ctx := browser(t)
	config, err := os.ReadFile("../examples/config.json")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pluginModuleFor(t, wasmhost.ProfileCurrent).NewPool(context.Background(), 2, wasmhost.VMConfig{PluginConfig: config})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	api := httptest.NewServer(demoapp.API())
	t.Cleanup(api.Close)
	u, _ := url.Parse(api.URL)
	front := httptest.NewServer(wasmhost.NewProxy(pool, u))
	t.Cleanup(front.Close)
	page := httptest.NewServer(demoapp.Page(front.URL)) // another port: another origin
	t.Cleanup(page.Close)

	if err := chromedp.Do(ctx, chromedp.Navigate(page.URL)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		button string
		want   []string // in the result's class and text
	}{
		{"simple", []string{"ok allowed: HTTP 200 (readable X-Request-Id: ", `"apple"`}},
		{"preflighted", []string{"ok allowed: HTTP 200 (readable X-Request-Id: ", `"x-demo-token":"t0k3n"`}},
		{"credentialed", []string{"ok allowed: HTTP 200", `"cookie_sent":true`}},
		{"disallowed", []string{"blocked blocked by the browser: TypeError"}},
	} {
		t.Run(c.button, func(t *testing.T) {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-case="`+c.button+`"]`))); err != nil {
				t.Fatal(err)
			}
			// The handler sets the class, then the text once the body is read.
			got, err := chromedp.Run(ctx, chromedp.Poll[string](
				`(e => e.className && e.textContent !== "..." ? e.className + " " + e.textContent : null)(document.getElementById("`+c.button+`"))`))
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s shows %q, want %q in it", c.button, got, w)
				}
			}
		})
	}
}
