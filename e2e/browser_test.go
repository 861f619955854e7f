package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cors-wasm/cors-wasm/internal/skipreport"
)

// findChromium returns the browser to drive. Without one the suite skips,
// but only outside CI: in CI (CI set) a missing browser is a failure.
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI is set but no chromium is installed: .ci/run must install Debian's chromium")
	}
	skipreport.Skip(t, browserSkip)
	return ""
}

// browserSkip is the line `make test` prints when the browser suite skips
// (README quotes it).
const browserSkip = "SKIP: browser suite (e2e/browser*_test.go): no chromium, chromium-browser or google-chrome on PATH and CI unset; install Debian's chromium (.ci/run does) to run it"

// TestBrowserAvailable says, on its own line in `go test -v`, whether the
// browser suite runs here; it fails under CI without a browser.
func TestBrowserAvailable(t *testing.T) {
	t.Logf("browser suite uses %s", findChromium(t))
}

// browser starts headless Chromium with the flags the suite requires and a
// fresh profile.
func browser(t *testing.T, extraFlags ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(opts, extraFlags...)...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first call starts the browser; it must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// testPage is served from a page origin; fetchCase runs one cross-origin call.
const testPage = `<!doctype html><meta charset="utf-8"><title>cors-wasm browser suite</title>
<script>
async function fetchCase(url, init) {
  try {
    const r = await fetch(url, init);
    return {ok: true, status: r.status, body: await r.text(), requestId: r.headers.get("x-request-id") || ""};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
}
</script>`

func pageServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	}))
	t.Cleanup(s.Close)
	return s
}

type fetchResult struct {
	OK        bool   `json:"ok"`
	Status    int    `json:"status"`
	Body      string `json:"body"`
	RequestID string `json:"requestId"`
	Error     string `json:"error"`
}

// fetchFrom loads page in the browser and runs fetch(url, init) there.
func fetchFrom(t *testing.T, ctx context.Context, page, url, init string) fetchResult {
	t.Helper()
	expr := fmt.Sprintf("fetchCase(%q, %s)", url, init)
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		t.Fatalf("loading %s: %v", page, err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[fetchResult](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return res
}

// Chromium is the judge: what it lets a page read, and what it blocks.
func TestBrowserEnforcesThePluginsDecisions(t *testing.T) {
	ctx := browser(t)
	allowedPage, otherPage := pageServer(t), pageServer(t)
	config := `{"policies":[{"name":"browser","allow_origins":["` + allowedPage.URL + `"],
		"allow_methods":["PUT"],"allow_headers":["x-allowed","content-type"],"expose_headers":["x-request-id"],
		"allow_credentials":true}]}`
	p := newProxy(t, config)
	p.up.answer([][2]string{{"content-type", "text/plain"}, {"x-request-id", "r-42"}})
	api := p.URL + "/v1/items"

	cases := []struct {
		name, page, init string
		allowed          bool
		preflight        bool // a preflight must have been answered by the proxy
	}{
		{"simple GET", allowedPage.URL, `{}`, true, false},
		{"preflighted PUT with a custom header", allowedPage.URL, `{method: "PUT", headers: {"X-Allowed": "1", "Content-Type": "application/json"}, body: "{}"}`, true, true},
		{"credentialed GET", allowedPage.URL, `{credentials: "include"}`, true, false},
		{"credentialed preflighted PUT", allowedPage.URL, `{method: "PUT", credentials: "include", headers: {"X-Allowed": "1"}}`, true, true},
		{"disallowed origin", otherPage.URL, `{}`, false, false},
		{"disallowed origin, preflighted", otherPage.URL, `{method: "PUT", headers: {"X-Allowed": "1"}}`, false, true},
		{"disallowed method", allowedPage.URL, `{method: "DELETE"}`, false, true},
		{"disallowed header", allowedPage.URL, `{headers: {"X-Forbidden": "1"}}`, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := p.up.calls.Load()
			preflights := counter(p, "browser", "preflight")
			res := fetchFrom(t, ctx, c.page, api, c.init)
			if res.OK != c.allowed {
				t.Fatalf("browser result %+v, want allowed=%v", res, c.allowed)
			}
			if c.allowed && (res.Status != 200 || res.Body != `{"ok":true}` || res.RequestID != "r-42") {
				t.Errorf("allowed response as the page reads it: %+v (x-request-id must be exposed)", res)
			}
			if !c.allowed && !strings.Contains(res.Error, "Failed to fetch") {
				t.Errorf("blocked fetch error %q, want a CORS TypeError", res.Error)
			}
			if got := counter(p, "browser", "preflight") - preflights; c.preflight && got != 1 {
				t.Errorf("the proxy answered %d preflights, want 1", got)
			}
			reached := p.up.calls.Load() - calls
			switch {
			case c.preflight && !c.allowed && reached != 0:
				t.Errorf("a rejected preflight let %d requests reach the upstream", reached)
			case c.allowed && reached != 1:
				t.Errorf("upstream saw %d requests, want exactly the actual request", reached)
			}
		})
	}
}

// counter sums a policy's counters whose name starts with prefix.
func counter(p *proxy, policyName, prefix string) int64 {
	var n int64
	for name, v := range p.pool.Metrics().Snapshot() {
		if strings.HasPrefix(name, "cors."+policyName+"."+prefix) {
			n += v
		}
	}
	return n
}
