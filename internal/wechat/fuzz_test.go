package wechat

import (
	"testing"
)

// FuzzDecode feeds arbitrary WeChat answers through the response decoder and the error
// mapping (including the 40164 errmsg parsing): nothing may panic, and an errcode answer
// must always map to a connect error carrying the errcode detail.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"access_token":"x","expires_in":7200}`,
		`{"errcode":40013,"errmsg":"invalid appid"}`,
		`{"errcode":40164,"errmsg":"invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist rid: 1-2-3"}`,
		`{"errcode":-1,"errmsg":"system error"}`,
		`{"errcode":"40001"}`,
		`{"errcode":0,"errmsg":"ok","ticket":"t","expires_in":7200}`,
		``, `null`, `[]`, `{"errcode":1e99}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cl := &call{Request: &Request{AppID: "wx1", Path: "/cgi-bin/token"}}
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		werr, _ := decode(data, cl, &out)
		if werr == nil {
			return
		}
		_ = werr.Error()
		ce := werr.ConnectError()
		if ce == nil {
			t.Fatal("nil connect error for an errcode answer")
		}
		info, ok := ErrorInfoFrom(ce)
		if !ok || info.GetMetadata()["errcode"] == "" {
			t.Fatalf("connect error without the errcode detail: %v", ce)
		}
	})
}
