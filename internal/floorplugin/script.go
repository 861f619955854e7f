package main

import (
	"encoding/binary"
	"strings"
)

// A script is one host call per line, fields separated by '|':
//
//	PHASE|OP|ARGS...
//
// PHASE is q (proxy_on_request_headers) or s (proxy_on_response_headers).
// OP and its arguments:
//
//	v|NAME                   proxy_get_header_map_value (request map in q, response map otherwise)
//	p                        proxy_get_header_map_pairs
//	a|NAME|VALUE             proxy_add_header_map_value
//	c|NAME|VALUE             proxy_replace_header_map_value
//	x|NAME                   proxy_remove_header_map_value
//	P|NAME:VALUE|...         proxy_set_header_map_pairs
//	m                        proxy_increment_metric (one counter defined at configure)
//	g                        proxy_get_log_level
//	r|STATUS|DETAILS|NAME:VALUE|...   proxy_send_local_response (then the callback pauses)
//
// Blank lines are ignored. A script the plugin cannot parse refuses the
// configuration.

// op is one parsed host call; headers holds the encoded map of r and P.
type op struct {
	kind        byte
	name, value string
	status      uint32
	headers     []byte
}

// phases of a script.
const (
	phaseRequest = iota
	phaseResponse
	numPhases
)

func parseScript(s string) (ops [numPhases][]op, ok bool) {
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "|")
		if len(f) < 2 || len(f[1]) != 1 {
			return ops, false
		}
		var ph int
		switch f[0] {
		case "q":
			ph = phaseRequest
		case "s":
			ph = phaseResponse
		default:
			return ops, false
		}
		o := op{kind: f[1][0]}
		args := f[2:]
		switch o.kind {
		case 'p', 'm', 'g':
			ok = len(args) == 0
		case 'v', 'x':
			ok = len(args) == 1
			if ok {
				o.name = args[0]
			}
		case 'a', 'c':
			ok = len(args) == 2
			if ok {
				o.name, o.value = args[0], args[1]
			}
		case 'P':
			o.headers, ok = encodeHeaders(args)
		case 'r':
			ok = len(args) >= 2
			if ok {
				status, good := atou(args[0])
				o.status, o.name = status, args[1]
				o.headers, ok = encodeHeaders(args[2:])
				ok = ok && good
			}
		}
		if !ok {
			return ops, false
		}
		ops[ph] = append(ops[ph], o)
	}
	return ops, true
}

// encodeHeaders builds the proxy-wasm header map wire form of NAME:VALUE fields.
func encodeHeaders(fields []string) ([]byte, bool) {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(fields)))
	var names, values []string
	for _, f := range fields {
		i := strings.IndexByte(f, ':')
		if i <= 0 {
			return nil, false
		}
		names, values = append(names, f[:i]), append(values, f[i+1:])
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)-i-1))
	}
	for i := range names {
		b = append(append(b, names[i]...), 0)
		b = append(append(b, values[i]...), 0)
	}
	return b, true
}

func atou(s string) (uint32, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	var v uint32
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		v = v*10 + uint32(s[i]-'0')
	}
	return v, true
}
