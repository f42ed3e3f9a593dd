package proxy

import (
	"net/url"
	"strings"
	"testing"
)

func TestSetQueryParam(t *testing.T) {
	t.Parallel()
	tests := []struct{ give, want string }{
		{give: "", want: "access_token=T%2B1"},
		{give: "access_token=old", want: "access_token=T%2B1"},
		{give: "a=1&access_token=old&b=%20x&access_token=again", want: "a=1&access_token=T%2B1&b=%20x"},
		{give: "access%5Ftoken=old&z=1", want: "access_token=T%2B1&z=1"},
		{give: "x=1&&y", want: "x=1&&y&access_token=T%2B1"},
		{give: "x=%zz&access_token=", want: "x=%zz&access_token=T%2B1"},
	}
	for _, tt := range tests {
		if got := setQueryParam(tt.give, "access_token", "T+1"); got != tt.want {
			t.Errorf("setQueryParam(%q) = %q, want %q", tt.give, got, tt.want)
		}
	}
}

// FuzzSetQueryParam checks, for any caller query, that the substituted value is the one
// the platform reads, that it appears once, and that every other pair is kept in order.
func FuzzSetQueryParam(f *testing.F) {
	for _, s := range []string{"", "access_token=a", "a=1&b=2", "access_token=1&access_token=2", "%zz=1&access%5ftoken=x", "&&=&"} {
		f.Add(s, "TOKEN+/=")
	}
	f.Fuzz(func(t *testing.T, raw, value string) {
		got := setQueryParam(raw, "access_token", value)
		if v, ok := queryParam(got, "access_token"); !ok || v != value {
			t.Fatalf("setQueryParam(%q) = %q: access_token reads %q, want %q", raw, got, v, value)
		}
		if q, err := url.ParseQuery(got); err == nil && len(q["access_token"]) != 1 {
			t.Fatalf("setQueryParam(%q) = %q: %d access_token values", raw, got, len(q["access_token"]))
		}
		var kept []string
		for _, pair := range strings.Split(raw, "&") {
			k, _, _ := strings.Cut(pair, "=")
			if key, err := url.QueryUnescape(k); err != nil || key != "access_token" {
				kept = append(kept, pair)
			}
		}
		var others []string
		for _, pair := range strings.Split(got, "&") {
			if !strings.HasPrefix(pair, "access_token=") {
				others = append(others, pair)
			}
		}
		if raw != "" && strings.Join(kept, "&") != strings.Join(others, "&") {
			t.Fatalf("setQueryParam(%q) = %q: other pairs %q, want %q", raw, got, others, kept)
		}
	})
}
