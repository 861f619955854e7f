package refeval

import "strconv"

// istioManifest draws VirtualServices: routes with and without
// corsPolicy, exact, prefix and regex uris, conditions, redirects, and
// now and then a delegate and a host two VirtualServices share.
func istioManifest(g *Gen) string {
	var docs []any
	n := 1 + g.N(3)
	delegate := g.Coin(3)
	for i := 0; i < n; i++ {
		spec := obj{}
		switch g.N(6) {
		case 5:
			spec["hosts"] = []string{"api"}
		case 0:
			spec["hosts"] = []string{"*"}
		case 1:
			spec["hosts"] = []string{g.Pick(genWildcards...)}
		default:
			spec["hosts"] = g.Some(genHosts...)
			if len(spec["hosts"].([]string)) == 0 {
				spec["hosts"] = []string{g.Pick(genHosts...)}
			}
		}
		var routes []obj
		for r := 0; r < 1+g.N(3); r++ {
			route := genIstioRoute(g, r)
			if delegate && r == 0 && g.Coin(2) {
				route = obj{"match": []obj{{"uri": obj{"prefix": g.Pick("/api", "/public/")}}}, "delegate": obj{"name": "delegate"}}
				if g.Coin(3) {
					route["corsPolicy"] = istioCORSPolicy(g)
				}
			}
			routes = append(routes, route)
		}
		spec["http"] = routes
		docs = append(docs, obj{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": meta("vs"+strconv.Itoa(i), g, i), "spec": spec})
	}
	if delegate {
		var routes []obj
		for r := 0; r < 1+g.N(2); r++ {
			route := genIstioRoute(g, r)
			route["match"] = []obj{{"uri": obj{g.Pick("prefix", "exact"): g.Pick("/api/admin", "/api/", "/public/admin/", "/export")}}}
			routes = append(routes, route)
		}
		docs = append(docs, obj{"apiVersion": "networking.istio.io/v1", "kind": "VirtualService", "metadata": obj{"name": "delegate", "namespace": "web"},
			"spec": obj{"http": routes}})
	}
	return yamlDocs(docs)
}

func genIstioRoute(g *Gen, r int) obj {
	route := obj{"name": "h" + strconv.Itoa(r), "route": []obj{{"destination": obj{"host": "svc"}}}}
	var matches []obj
	for k := 0; k < g.N(3); k++ {
		m := obj{}
		switch g.N(4) {
		case 0:
			m["uri"] = obj{"exact": g.Pick(genPaths...)}
		case 1:
			m["uri"] = obj{"regex": g.Pick("/api/.*", "/exp.*")}
		default:
			m["uri"] = obj{"prefix": g.Pick(genPaths...)}
		}
		if g.Coin(6) {
			m["ignoreUriCase"] = true
		}
		if g.Coin(6) {
			m["method"] = obj{"exact": g.Pick("PUT", "OPTIONS")}
		}
		if g.Coin(6) {
			m["headers"] = obj{"x-canary": obj{"exact": "1"}}
		}
		matches = append(matches, m)
	}
	if len(matches) > 0 {
		route["match"] = matches
	}
	if g.Coin(2) {
		route["corsPolicy"] = istioCORSPolicy(g)
	}
	if g.Coin(10) {
		delete(route, "route")
		route["redirect"] = obj{"uri": "/moved"}
	}
	return route
}

func istioCORSPolicy(g *Gen) obj {
	methods, headers, expose := corsLists(g)
	origins := drawMatchers(g, obj{"prefix": "https://partner."}, obj{"regex": `https://[a-z]+\.example\.com`})
	cp := obj{"allowOrigins": origins}
	if len(origins) == 0 && g.Coin(2) {
		cp = obj{"allowOrigin": []string{g.Pick(append(genOrigins, "*")...)}}
	}
	putLists(cp, methods, headers, expose)
	if g.Coin(2) {
		cp["allowCredentials"] = true
	}
	if g.Coin(4) {
		cp["unmatchedPreflights"] = "IGNORE"
	}
	return cp
}

// envoyManifest draws a RouteConfiguration: virtual hosts with exact,
// wildcard and "*" domains, CORS on virtual hosts and routes (typed
// per-filter or the deprecated fields, turned off, partly or fully
// enabled, shadowed), routes of every path kind and direct responses.
func envoyManifest(g *Gen) string {
	var vhosts []obj
	used := map[string]bool{}
	for v := 0; v < 1+g.N(3); v++ {
		var domains []string
		for _, d := range g.Some(append(append(genHosts, genWildcards...), "*")...) {
			if !used[d] {
				used[d] = true
				domains = append(domains, d)
			}
		}
		if len(domains) == 0 {
			continue
		}
		vh := obj{"name": "vh" + strconv.Itoa(v), "domains": domains}
		switch {
		case g.Coin(2):
			vh["typed_per_filter_config"] = obj{"envoy.filters.http.cors": envoyCORSPolicy(g)}
		case g.Coin(4):
			vh["cors"] = envoyLegacy(g)
		case g.Coin(4):
			vh["typed_per_filter_config"] = obj{"envoy.filters.http.cors": obj{
				"@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", "disabled": true}}
		}
		var routes []obj
		for r := 0; r < 1+g.N(3); r++ {
			routes = append(routes, envoyRoute(g))
		}
		vh["routes"] = routes
		vhosts = append(vhosts, vh)
	}
	if len(vhosts) == 0 {
		vhosts = append(vhosts, obj{"name": "vh", "domains": []string{"*"}, "routes": []obj{envoyRoute(g)}})
	}
	rc := obj{"@type": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "name": "routes", "virtual_hosts": vhosts}
	if g.Coin(4) {
		rc["typed_per_filter_config"] = obj{"envoy.filters.http.cors": envoyCORSPolicy(g)}
	}
	return yamlDocs([]any{rc})
}

func envoyRoute(g *Gen) obj {
	m := obj{}
	switch g.N(5) {
	case 0:
		m["path"] = g.Pick(genPaths...)
	case 1:
		m["path_separated_prefix"] = g.Pick("/api", "/export", "/public")
	case 2:
		m["safe_regex"] = obj{"regex": g.Pick("/api/.*", "/exp.*")}
	default:
		m["prefix"] = g.Pick(genPaths...)
	}
	if g.Coin(6) {
		m["case_sensitive"] = false
	}
	if g.Coin(6) {
		m["headers"] = []obj{{"name": "x-canary", "present_match": true}}
	}
	route := obj{"match": m, "route": obj{"cluster": "svc"}}
	switch g.N(8) {
	case 0:
		delete(route, "route")
		route["direct_response"] = obj{"status": 200}
	case 1:
		route["typed_per_filter_config"] = obj{"envoy.filters.http.cors": obj{
			"@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig", "disabled": true}}
	case 2, 3:
		route["typed_per_filter_config"] = obj{"envoy.filters.http.cors": envoyCORSPolicy(g)}
	case 4:
		route["route"].(obj)["cors"] = envoyLegacy(g)
	}
	return route
}

func envoyCORSPolicy(g *Gen) obj {
	p := envoyLegacy(g)
	p["@type"] = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy"
	return p
}

// envoyLegacy draws the fields the per-route CorsPolicy and the deprecated
// cors field share.
func envoyLegacy(g *Gen) obj {
	methods, headers, expose := corsLists(g)
	p := obj{}
	origins := drawMatchers(g, obj{"suffix": ".example.org"}, obj{"safe_regex": obj{"regex": `https://[a-z]+\.example\.com`}})
	if len(origins) > 0 {
		p["allow_origin_string_match"] = origins
	}
	join := func(l []string) string {
		s := ""
		for i, v := range l {
			if i > 0 {
				s += ","
			}
			s += v
		}
		return s
	}
	if len(methods) > 0 {
		p["allow_methods"] = join(methods)
	}
	if len(headers) > 0 {
		p["allow_headers"] = join(headers)
	}
	if len(expose) > 0 {
		p["expose_headers"] = join(expose)
	}
	if g.Coin(2) {
		p["allow_credentials"] = g.Coin(4) == false
	}
	switch g.N(8) {
	case 0:
		p["filter_enabled"] = obj{"default_value": obj{"numerator": 0}}
	case 1:
		p["filter_enabled"] = obj{"default_value": obj{"numerator": 50}}
	case 2:
		p["filter_enabled"] = obj{"default_value": obj{"numerator": 0}}
		p["shadow_enabled"] = obj{"default_value": obj{"numerator": 100}}
	}
	if g.Coin(4) {
		p["forward_not_matching_preflights"] = false
	}
	return p
}

// drawMatchers draws origin string matchers: exact ones from genOrigins,
// then sometimes an exact "*" or one of the two others given (in the
// source's own syntax).
func drawMatchers(g *Gen, second, third obj) []obj {
	var origins []obj
	for _, o := range g.Some(genOrigins...) {
		origins = append(origins, obj{"exact": o})
	}
	switch g.N(6) {
	case 0:
		origins = append(origins, obj{"exact": "*"})
	case 1:
		origins = append(origins, second)
	case 2:
		origins = append(origins, third)
	}
	return origins
}
