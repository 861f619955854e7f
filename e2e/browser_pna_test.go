package e2e

import (
	"net"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// Private network: a page Chromium treats as public calls the proxy on
// loopback. Chromium 156 no longer sends Private Network Access preflights
// (Access-Control-Request-Private-Network); it gates such requests with the
// Local Network Access permission instead. So the browser's verdict is:
// without the permission the request never leaves the browser (whatever the
// plugin would answer); with it, the request flows with no PNA preflight and
// the plugin's CORS decision is what the page gets. The plugin's answers to
// PNA preflights (for browsers that send them) are covered over HTTP by the
// policy table ("private network" cases).
func TestBrowserPrivateNetwork(t *testing.T) {
	page := pageServer(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(page.URL, "http://"))
	ctx := browser(t, chromedp.Flag("ip-address-space-overrides", "127.0.0.1:"+port+"=public"))
	config := `{"policies":[{"name":"pna","allow_origins":["` + page.URL + `"],"allow_private_network":true,
		"allow_methods":["PUT"],"allow_headers":["x-allowed"]}]}`
	p := newProxy(t, config)

	res := fetchFrom(t, ctx, page.URL, p.URL+"/v1/items", `{}`)
	if res.OK || p.up.calls.Load() != 0 || counter(p, "pna", "") != 0 {
		t.Fatalf("without Local Network Access permission: result %+v, upstream calls %d, plugin counters %d; want blocked before the network",
			res, p.up.calls.Load(), counter(p, "pna", ""))
	}

	for _, name := range []string{"local-network-access", "loopback-network", "local-network"} {
		if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted, Origin: page.URL}); err != nil {
			t.Fatalf("granting %s: %v", name, err)
		}
	}
	res = fetchFrom(t, ctx, page.URL, p.URL+"/v1/items", `{method: "PUT", headers: {"X-Allowed": "1"}}`)
	if !res.OK || res.Status != 200 {
		t.Fatalf("with the permission, an allowed preflighted request: %+v", res)
	}
	if n := counter(p, "pna", "preflight_allowed"); n != 1 {
		t.Errorf("preflights allowed %d, want 1", n)
	}
	if n := counter(p, "pna", "preflight_rejected.private_network"); n != 0 {
		t.Errorf("private-network rejections %d: Chromium sent a PNA preflight, update this test", n)
	}
	other := fetchFrom(t, ctx, page.URL, p.URL+"/v1/items", `{method: "DELETE"}`)
	if other.OK {
		t.Errorf("with the permission, a disallowed method is still blocked by CORS; got %+v", other)
	}
}
