// Package flatxml reads the flat XML documents WeChat pushes — one root element holding
// simple elements of text or CDATA, such as
//
//	<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime></xml>
//
// — several times faster than encoding/xml and without its allocations.
//
// It is a fast path, not a parser: Scan accepts only the simple form above and reports
// false for anything else (nested elements, attributes, entities, comments, processing
// instructions, carriage returns, characters XML does not allow, malformed input), and
// the caller then parses the document with encoding/xml. Whenever Scan reports true, the
// elements it reported are exactly what encoding/xml reads from the document into a
// struct of string fields (the package's fuzz test checks this against encoding/xml).
package flatxml

import (
	"bytes"
	"unicode/utf8"
)

var (
	cdataOpen  = []byte("<![CDATA[")
	cdataClose = []byte("]]>")
)

// Scan reads data as <root>…</root> holding flat elements and calls fn with the name and
// the text of each, in document order. The text is the concatenation of the element's
// character data and CDATA sections. name and value are only valid during the call (value
// may alias data or a scratch buffer); fn must copy what it keeps.
//
// Scan reports false, possibly after some fn calls, when data is not of that simple form;
// callers then discard what fn saw and fall back to encoding/xml. Leading whitespace is
// allowed; anything after the root's end tag is ignored, as xml.Decoder.Decode does.
func Scan(data []byte, root string, fn func(name, value []byte)) bool {
	var scratch []byte
	i := skipSpace(data, 0)
	// <root>
	if !hasAt(data, i, "<") || !hasAt(data, i+1, root) || !hasAt(data, i+1+len(root), ">") {
		return false
	}
	i += len(root) + 2
	for {
		// Between elements: whitespace only.
		i = skipSpace(data, i)
		if i >= len(data) || data[i] != '<' {
			return false
		}
		i++
		if i < len(data) && data[i] == '/' {
			// The root's end tag.
			i++
			return hasAt(data, i, root) && hasAt(data, i+len(root), ">")
		}
		// <name>
		start := i
		for i < len(data) && isNameByte(data[i]) {
			i++
		}
		if i == start || i >= len(data) || data[i] != '>' || !isNameStart(data[start]) {
			return false
		}
		name := data[start:i]
		i++
		// Content: character data and CDATA sections up to </name>.
		var value []byte
		pieces := 0
		for {
			if i >= len(data) {
				return false
			}
			if data[i] == '<' {
				if bytes.HasPrefix(data[i:], cdataOpen) {
					j := bytes.Index(data[i+len(cdataOpen):], cdataClose)
					if j < 0 {
						return false
					}
					piece := data[i+len(cdataOpen) : i+len(cdataOpen)+j]
					if !validText(piece) {
						return false
					}
					value, scratch, pieces = appendPiece(value, scratch, pieces, piece)
					i += len(cdataOpen) + j + len(cdataClose)
					continue
				}
				// Must be </name>.
				if !hasAt(data, i+1, "/") || !bytes.HasPrefix(data[i+2:], name) || !hasAt(data, i+2+len(name), ">") {
					return false
				}
				i += len(name) + 3
				break
			}
			j := bytes.IndexByte(data[i:], '<')
			if j < 0 {
				return false
			}
			piece := data[i : i+j]
			if !validText(piece) || bytes.IndexByte(piece, '&') >= 0 || bytes.Contains(piece, cdataClose) {
				return false
			}
			value, scratch, pieces = appendPiece(value, scratch, pieces, piece)
			i += j
		}
		fn(name, value)
	}
}

// appendPiece adds one piece of an element's text: the first piece is used in place, the
// second and later ones are joined in scratch.
func appendPiece(value, scratch []byte, pieces int, piece []byte) ([]byte, []byte, int) {
	switch pieces {
	case 0:
		return piece, scratch, 1
	case 1:
		scratch = append(append(scratch[:0], value...), piece...)
	default:
		scratch = append(scratch, piece...)
	}
	return scratch, scratch, pieces + 1
}

// validText reports whether b is text encoding/xml returns unchanged: valid UTF-8 of
// characters XML allows, without carriage returns (which XML normalizes to newlines).
func validText(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return false
		}
		if !(r <= 0xD7FF || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000 && r <= 0x10FFFF) {
			return false
		}
		i += n
	}
	return true
}

// isNameStart and isNameByte accept the ASCII element names WeChat uses ([A-Za-z_] then
// [A-Za-z0-9_]); anything else (namespaces, dots, non-ASCII) leaves it to encoding/xml.
func isNameStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

func isNameByte(c byte) bool { return isNameStart(c) || ('0' <= c && c <= '9') }

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n') {
		i++
	}
	return i
}

func hasAt(data []byte, i int, s string) bool {
	return i >= 0 && i+len(s) <= len(data) && string(data[i:i+len(s)]) == s
}
