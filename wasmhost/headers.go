package wasmhost

import "encoding/binary"

// headerMap is an ordered list of header lines with lowercase names, as
// Envoy keeps them: inline headers (inline.go) hold one line whose value
// joins every added value with ",".
type headerMap [][2]string

// set replaces the map's lines with lines, lowercasing names and joining
// inline headers as Envoy's codec does when it decodes a message
// (HeaderMapImpl::addViaMove -> insertByKey).
func (h *headerMap) set(in inlineSet, lines [][2]string) {
	*h = (*h)[:0]
	for _, l := range lines {
		h.add(in, lower(l[0]), l[1])
	}
}

// first returns the first value of name (Envoy's proxy_get_header_map_value).
func (h headerMap) first(name string) (string, bool) {
	for _, l := range h {
		if l[0] == name {
			return l[1], true
		}
	}
	return "", false
}

// add adds a line, or for an inline header already present appends ","
// and the value to it; an empty value adds nothing to an existing inline
// header (HeaderMapImpl::appendToHeader).
func (h *headerMap) add(in inlineSet, name, value string) {
	if in[name] {
		for i := range *h {
			if l := &(*h)[i]; l[0] == name {
				switch {
				case value == "":
				case l[1] == "":
					l[1] = value
				default:
					l[1] += "," + value
				}
				return
			}
		}
	}
	*h = append(*h, [2]string{name, value})
}

// replace removes every line of name and adds one (HeaderMapImpl::setCopy:
// remove(key); addCopy(key, value)).
func (h *headerMap) replace(in inlineSet, name, value string) {
	h.remove(name)
	h.add(in, name, value)
}

// remove drops every line of name.
func (h *headerMap) remove(name string) {
	out := (*h)[:0]
	for _, l := range *h {
		if l[0] != name {
			out = append(out, l)
		}
	}
	*h = out
}

// byteSize is what Envoy answers to proxy_get_header_map_size: the bytes of
// every name and value (HeaderMapImpl::byteSize), not the wire form's size.
func (h headerMap) byteSize() int {
	n := 0
	for _, l := range h {
		n += len(l[0]) + len(l[1])
	}
	return n
}

// size is the length of the map's wire form.
func (h headerMap) size() int {
	n := 4
	for _, l := range h {
		n += 8 + len(l[0]) + 1 + len(l[1]) + 1
	}
	return n
}

// encode writes the wire form into dst, which has size() bytes.
func (h headerMap) encode(dst []byte) {
	binary.LittleEndian.PutUint32(dst, uint32(len(h)))
	p := 4
	for _, l := range h {
		binary.LittleEndian.PutUint32(dst[p:], uint32(len(l[0])))
		binary.LittleEndian.PutUint32(dst[p+4:], uint32(len(l[1])))
		p += 8
	}
	for _, l := range h {
		p += copy(dst[p:], l[0])
		dst[p] = 0
		p++
		p += copy(dst[p:], l[1])
		dst[p] = 0
		p++
	}
}

// decodeHeaderMap parses the wire form (copying the strings).
func decodeHeaderMap(b []byte) (headerMap, bool) {
	if len(b) < 4 {
		return nil, len(b) == 0
	}
	n := uint64(binary.LittleEndian.Uint32(b))
	p := 4 + 8*n
	if p > uint64(len(b)) {
		return nil, false
	}
	h := make(headerMap, 0, n)
	for i := uint64(0); i < n; i++ {
		kl := uint64(binary.LittleEndian.Uint32(b[4+8*i:]))
		vl := uint64(binary.LittleEndian.Uint32(b[8+8*i:]))
		if p+kl+1+vl+1 > uint64(len(b)) {
			return nil, false
		}
		k := string(b[p : p+kl])
		p += kl + 1
		v := string(b[p : p+vl])
		p += vl + 1
		h = append(h, [2]string{k, v})
	}
	return h, true
}

// lower lowercases ASCII letters, without allocating when s is lowercase.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
