package policy

import "strings"

// routeMatcher is a policy's compiled "match": hosts, path prefixes and
// exact paths.
type routeMatcher struct {
	exactHosts []string // lowercase
	hostSuffix []string // ".example.org" for "*.example.org"
	anyHost    bool
	prefixes   []string
	paths      []string // exact paths
	anyPath    bool
}

// matches reports whether the request's :authority and :path select the policy.
func (m *routeMatcher) matches(authority, path string) bool {
	return (m.anyHost || m.matchHost(hostOf(authority))) && (m.anyPath || m.matchPath(path))
}

func (m *routeMatcher) matchHost(host string) bool {
	// "api.example.com." names the same host as "api.example.com" (RFC 1034
	// section 3.1); Envoy's strip_trailing_host_dot matches it so too.
	if len(host) > 1 && host[len(host)-1] == '.' {
		host = host[:len(host)-1]
	}
	for _, h := range m.exactHosts {
		if strings.EqualFold(host, h) {
			return true
		}
	}
	for _, s := range m.hostSuffix {
		// len > len(s) keeps at least one label in front of the suffix.
		if len(host) > len(s) && host[len(host)-len(s)-1] != '.' && strings.EqualFold(host[len(host)-len(s):], s) {
			return true
		}
	}
	return false
}

func (m *routeMatcher) matchPath(path string) bool {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	for _, p := range m.prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	for _, p := range m.paths {
		if path == p {
			return true
		}
	}
	return false
}

// hostOf strips the port from an :authority value, keeping IPv6 brackets.
func hostOf(authority string) string {
	if strings.HasPrefix(authority, "[") {
		if i := strings.IndexByte(authority, ']'); i >= 0 {
			return authority[:i+1]
		}
		return authority
	}
	if i := strings.LastIndexByte(authority, ':'); i >= 0 {
		return authority[:i]
	}
	return authority
}
