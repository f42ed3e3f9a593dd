package audience

import (
	"bytes"
	"encoding/json"
	"strings"
)

// openIDList is a JSON array of openids decoded for speed: user/get pages carry 10,000
// of them, and StreamFollowers decodes a page while the previous one is sent. The array
// is copied into one string and each openid is a substring of it (one allocation per
// page instead of one per openid); any array this fast path does not expect (escapes,
// non-string elements) is decoded by encoding/json instead.
type openIDList []string

// UnmarshalJSON implements json.Unmarshaler.
func (l *openIDList) UnmarshalJSON(data []byte) error {
	if ids, ok := scanOpenIDs(data); ok {
		*l = ids
		return nil
	}
	var ids []string
	if err := json.Unmarshal(data, &ids); err != nil {
		return err
	}
	*l = ids
	return nil
}

// scanOpenIDs parses a JSON array of ASCII strings without escapes; ok is false for
// anything else (null included), which the caller decodes the slow way.
func scanOpenIDs(data []byte) (ids []string, ok bool) {
	return scanOpenIDString(string(data)) // one copy; the openids share it
}

// scanOpenIDString is scanOpenIDs on a string: the openids are substrings of s.
func scanOpenIDString(s string) (ids []string, ok bool) {
	s = strings.Trim(s, " \t\n\r") // JSON whitespace only
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' || strings.IndexByte(s, '\\') >= 0 {
		return nil, false
	}
	s = s[1 : len(s)-1]
	ids = make([]string, 0, strings.Count(s, ",")+1)
	i := skipSpace(s, 0)
	if i == len(s) {
		return []string{}, true
	}
	for {
		v, next, ok := scanString(s, i)
		if !ok {
			return nil, false
		}
		ids = append(ids, v)
		i = skipSpace(s, next)
		if i == len(s) {
			return ids, true
		}
		if s[i] != ',' {
			return nil, false
		}
		i = skipSpace(s, i+1)
	}
}

// skipSpace returns the index of the first non-space byte of s at or after i.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// rawAnswer collects an answer's bytes: the WeChat client writes the whole JSON body to
// an io.Writer out after checking its errcode, so the page can be parsed once, here.
type rawAnswer []byte

// Write implements io.Writer.
func (r *rawAnswer) Write(p []byte) (int, error) {
	*r = append(*r, p...)
	return len(p), nil
}

// pageJSON is the shape of user/get, user/tag/get and getblacklist answers.
type pageJSON struct {
	Total int64 `json:"total"`
	Count int   `json:"count"`
	Data  struct {
		OpenID openIDList `json:"openid"`
	} `json:"data"`
	NextOpenID string `json:"next_openid"`
}

// parsePage decodes a page answer: by scanOpenIDs' fast path when the answer has the
// expected keys and no escapes, by encoding/json otherwise.
func parsePage(data []byte) (pageJSON, error) {
	if p, ok := scanPage(data); ok {
		return p, nil
	}
	var p pageJSON
	err := json.Unmarshal(data, &p)
	return p, err
}

// scanPage is the fast path of parsePage: an object of total, count, next_openid,
// errcode, errmsg and data {openid: [...]}, whose strings have no escapes.
func scanPage(data []byte) (p pageJSON, ok bool) {
	if bytes.IndexByte(data, '\\') >= 0 {
		return p, false
	}
	s := string(data) // one copy; the openids share it
	i := skipSpace(s, 0)
	if i >= len(s) || s[i] != '{' {
		return p, false
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return p, skipSpace(s, i+1) == len(s)
	}
	for {
		key, next, ok := scanString(s, i)
		if !ok {
			return p, false
		}
		i = skipSpace(s, next)
		if i >= len(s) || s[i] != ':' {
			return p, false
		}
		i = skipSpace(s, i+1)
		switch key {
		case "total", "count", "errcode":
			n, next, ok := scanInt(s, i)
			if !ok {
				return p, false
			}
			switch key {
			case "total":
				p.Total = n
			case "count":
				p.Count = int(n)
			}
			i = next
		case "next_openid", "errmsg":
			v, next, ok := scanString(s, i)
			if !ok {
				return p, false
			}
			if key == "next_openid" {
				p.NextOpenID = v
			}
			i = next
		case "data":
			ids, next, ok := scanData(s, i)
			if !ok {
				return p, false
			}
			p.Data.OpenID, i = ids, next
		default:
			return p, false
		}
		i = skipSpace(s, i)
		switch {
		case i < len(s) && s[i] == ',':
			i = skipSpace(s, i+1)
		case i < len(s) && s[i] == '}':
			return p, skipSpace(s, i+1) == len(s)
		default:
			return p, false
		}
	}
}

// scanData scans {"openid":[...]} at s[i:].
func scanData(s string, i int) (ids []string, next int, ok bool) {
	if i >= len(s) || s[i] != '{' {
		return nil, 0, false
	}
	i = skipSpace(s, i+1)
	key, next, ok := scanString(s, i)
	if !ok || key != "openid" {
		return nil, 0, false
	}
	i = skipSpace(s, next)
	if i >= len(s) || s[i] != ':' {
		return nil, 0, false
	}
	i = skipSpace(s, i+1)
	if i >= len(s) || s[i] != '[' {
		return nil, 0, false
	}
	end := i + 1
	for end < len(s) && s[end] != ']' {
		end++
	}
	if end == len(s) {
		return nil, 0, false
	}
	ids, ok = scanOpenIDString(s[i : end+1])
	if !ok {
		return nil, 0, false
	}
	i = skipSpace(s, end+1)
	if i >= len(s) || s[i] != '}' {
		return nil, 0, false
	}
	return ids, i + 1, true
}

// scanString scans an ASCII string without escapes at s[i:].
func scanString(s string, i int) (v string, next int, ok bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	end := i + 1
	for end < len(s) && s[end] != '"' {
		if s[end] < 0x20 || s[end] >= 0x80 {
			return "", 0, false
		}
		end++
	}
	if end == len(s) {
		return "", 0, false
	}
	return s[i+1 : end], end + 1, true
}

// scanInt scans a non-negative integer of at most 18 digits at s[i:].
func scanInt(s string, i int) (n int64, next int, ok bool) {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int64(s[i]-'0')
		i++
	}
	if i == start || i-start > 18 || (s[start] == '0' && i-start > 1) {
		return 0, 0, false
	}
	return n, i, true
}
