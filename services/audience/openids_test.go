package audience

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestOpenIDList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want []string
	}{
		{"plain", `["o1","o-2","o_3"]`, []string{"o1", "o-2", "o_3"}},
		{"spaces", ` [ "a" ,
		 "b" ] `, []string{"a", "b"}},
		{"empty", `[]`, []string{}},
		{"escapes take the slow path", `["a\u0062","c\"d"]`, []string{"ab", `c"d`}},
		{"null", `null`, nil},
		{"utf-8", `["中文"]`, []string{"中文"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got openIDList
			if err := json.Unmarshal([]byte(tt.give), &got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	for _, bad := range []string{`["a",]`, `["a" "b"]`, `[1]`, `["a`, `{"a":1}`} {
		var got openIDList
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Errorf("%s: no error, got %q", bad, got)
		}
	}
}

// FuzzOpenIDList: the fast path agrees with encoding/json on every input it accepts.
func FuzzOpenIDList(f *testing.F) {
	for _, s := range []string{`["a","b"]`, `[]`, `[ "x" ]`, `["a\"b"]`, `["a",]`, `[1,2]`, `null`, "[\"\x01\"]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ids, ok := scanOpenIDs([]byte(s))
		var want []string
		err := json.Unmarshal([]byte(s), &want)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", s, err)
		}
		if !slices.Equal(ids, want) {
			t.Fatalf("%q: fast path %q, encoding/json %q", s, ids, want)
		}
	})
}

func TestParsePage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		give     string
		wantFast bool
		want     pageJSON
	}{
		{"user/get", `{"total":23000,"count":2,"data":{"openid":["OPENID1","OPENID2"]},"next_openid":"OPENID2"}`, true,
			pageJSON{Total: 23000, Count: 2, NextOpenID: "OPENID2"}},
		{"empty end", `{"total":5,"count":0,"next_openid":""}`, true, pageJSON{Total: 5}},
		{"with errcode", ` {"errcode":0,"errmsg":"ok","count":1,"data":{"openid":["a"]},"next_openid":"a"} `, true, pageJSON{Count: 1, NextOpenID: "a"}},
		{"unknown key", `{"total":1,"extra":[1],"count":1,"data":{"openid":["a"]},"next_openid":"a"}`, false, pageJSON{Total: 1, Count: 1, NextOpenID: "a"}},
		{"escaped", `{"total":1,"count":1,"data":{"openid":["a\u0041"]},"next_openid":"a\u0041"}`, false, pageJSON{Total: 1, Count: 1, NextOpenID: "aA"}},
		{"empty object", `{}`, true, pageJSON{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var want pageJSON
			if err := json.Unmarshal([]byte(tt.give), &want); err != nil {
				t.Fatal(err)
			}
			_, fast := scanPage([]byte(tt.give))
			if fast != tt.wantFast {
				t.Errorf("fast path taken = %v, want %v", fast, tt.wantFast)
			}
			got, err := parsePage([]byte(tt.give))
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tt.want.Total || got.Count != tt.want.Count || got.NextOpenID != tt.want.NextOpenID || !slices.Equal(got.Data.OpenID, want.Data.OpenID) {
				t.Errorf("parsePage = %+v, want %+v", got, want)
			}
		})
	}
	for _, bad := range []string{``, `{`, `{"total":}`, `{"total":1,}`, `[]`, `{"data":{"openid":["a"}}`} {
		if _, err := parsePage([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzParsePage: the fast path agrees with encoding/json on every answer it accepts.
func FuzzParsePage(f *testing.F) {
	for _, s := range []string{
		`{"total":2,"count":2,"data":{"openid":["a","b"]},"next_openid":"b"}`, `{"total":0,"count":0,"next_openid":""}`,
		`{"errcode":0,"errmsg":"ok"}`, `{}`, `{"total":01}`, `{"data":{"openid":[]}}`, `{"total":1e3}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := scanPage([]byte(s))
		if !ok {
			return
		}
		var want pageJSON
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", s, err)
		}
		if got.Total != want.Total || got.Count != want.Count || got.NextOpenID != want.NextOpenID || !slices.Equal(got.Data.OpenID, want.Data.OpenID) {
			t.Fatalf("%q: fast %+v, encoding/json %+v", s, got, want)
		}
	})
}
