package token

import (
	"context"
	"crypto/sha1" //nolint:gosec // G505: the signatures under test are SHA-1 by WeChat's definition
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"connectrpc.com/connect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
)

// sha1Hex is the test's own SHA-1, independent of internal/wxcrypto.
func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s)) //nolint:gosec // G401: WeChat's algorithm
	return hex.EncodeToString(sum[:])
}

// sortedSHA1 is the card signature computed the documented way.
func sortedSHA1(values ...string) string {
	var vs []string
	for _, v := range values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	return sha1Hex(strings.Join(vs, ""))
}

func TestSignJSSDKConfig(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	h := NewJSSDKHandler(s)
	ctx := context.Background()
	ticket, err := s.Ticket(ctx, e.appID, TicketJSAPI)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		give     string
		wantURL  string // the URL signed
		wantHost string
	}{
		{"plain", "https://www.example.com/shop?item=1&b=%E4%B8%AD", "https://www.example.com/shop?item=1&b=%E4%B8%AD", jsDomain},
		{"fragment dropped", "https://www.example.com/shop?item=1#/cart?x=1", "https://www.example.com/shop?item=1", jsDomain},
		{"port and case ignored", "http://WWW.example.com:8080/", "http://WWW.example.com:8080/", jsDomain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.SignJSSDKConfig(ctx, &tokenv1.SignJSSDKConfigRequest{
				AppId: e.appID, Url: tt.give, NonceStr: "Wm3WZYTPz0wzccnW", Timestamp: 1414587457,
				JsApiList: []string{"chooseImage", "scanQRCode"}, OpenTagList: []string{"wx-open-launch-app"}, Debug: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := sha1Hex("jsapi_ticket=" + ticket.Value + "&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=" + tt.wantURL)
			if res.GetSignature() != want {
				t.Errorf("signature = %s, want %s", res.GetSignature(), want)
			}
			if res.GetAppId() != e.appID || res.GetNonceStr() != "Wm3WZYTPz0wzccnW" || res.GetTimestamp() != 1414587457 ||
				!slices.Equal(res.GetJsApiList(), []string{"chooseImage", "scanQRCode"}) ||
				!slices.Equal(res.GetOpenTagList(), []string{"wx-open-launch-app"}) || !res.GetDebug() {
				t.Errorf("wx.config = %v", res)
			}
		})
	}

	// Generated nonce and timestamp: 16 alphanumerics and the service clock.
	res, err := h.SignJSSDKConfig(ctx, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.GetNonceStr()) != 16 || !isAlnum(res.GetNonceStr()) || res.GetTimestamp() != e.sb.Sandbox.Now().Unix() {
		t.Errorf("generated nonce %q timestamp %d (now %d)", res.GetNonceStr(), res.GetTimestamp(), e.sb.Sandbox.Now().Unix())
	}
	want := sha1Hex("jsapi_ticket=" + ticket.Value + "&noncestr=" + res.GetNonceStr() + "&timestamp=" + strconv.FormatInt(res.GetTimestamp(), 10) + "&url=https://www.example.com/")
	if res.GetSignature() != want {
		t.Errorf("signature with generated values = %s, want %s", res.GetSignature(), want)
	}
	if n := e.calls("/cgi-bin/ticket/getticket"); n != 1 {
		t.Errorf("getticket calls = %d, want 1 (the ticket is cached)", n)
	}
}

func TestSignCards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	h := NewJSSDKHandler(s)
	ctx := context.Background()
	ticket, err := s.Ticket(ctx, e.appID, TicketWXCard)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("cardExt with every field", func(t *testing.T) {
		res, err := h.SignCardExt(ctx, &tokenv1.SignCardExtRequest{
			AppId: e.appID, CardId: "pjZ8Yt1XGILfi-FUsewpnnolGgZk", Code: "1434008071", Openid: "oUser",
			Timestamp: 1404896688, NonceStr: "123", OuterStr: "from=a&b<c", FixedBegintimestamp: 1404900000,
		})
		if err != nil {
			t.Fatal(err)
		}
		want := sortedSHA1(ticket.Value, "1404896688", "pjZ8Yt1XGILfi-FUsewpnnolGgZk", "1434008071", "oUser", "123")
		if res.GetSignature() != want || res.GetTimestamp() != 1404896688 || res.GetNonceStr() != "123" {
			t.Errorf("SignCardExt = %v, want signature %s", res, want)
		}
		var ext map[string]any
		if err := json.Unmarshal([]byte(res.GetCardExt()), &ext); err != nil {
			t.Fatalf("cardExt %q: %v", res.GetCardExt(), err)
		}
		wantExt := map[string]any{
			"code": "1434008071", "openid": "oUser", "timestamp": "1404896688", "nonce_str": "123",
			"outer_str": "from=a&b<c", "fixed_begintimestamp": float64(1404900000), "signature": want,
		}
		if len(ext) != len(wantExt) {
			t.Errorf("cardExt = %s, want exactly %v", res.GetCardExt(), wantExt)
		}
		for k, v := range wantExt {
			if ext[k] != v {
				t.Errorf("cardExt[%s] = %v, want %v", k, ext[k], v)
			}
		}
		if strings.Contains(res.GetCardExt(), `\u0026`) {
			t.Errorf("cardExt HTML-escapes: %s", res.GetCardExt())
		}
	})

	t.Run("cardExt minimal", func(t *testing.T) {
		res, err := h.SignCardExt(ctx, &tokenv1.SignCardExtRequest{AppId: e.appID, CardId: "pCard", Timestamp: 1700000000, NonceStr: "n1"})
		if err != nil {
			t.Fatal(err)
		}
		want := sortedSHA1(ticket.Value, "1700000000", "pCard", "n1")
		wantExt := `{"code":"","openid":"","timestamp":"1700000000","nonce_str":"n1","signature":"` + want + `"}`
		if res.GetCardExt() != wantExt {
			t.Errorf("cardExt = %s, want %s", res.GetCardExt(), wantExt)
		}
	})

	t.Run("chooseCard", func(t *testing.T) {
		res, err := h.SignChooseCard(ctx, &tokenv1.SignChooseCardRequest{
			AppId: e.appID, ShopId: "1234", CardType: "GROUPON", CardId: "pCard", Timestamp: 1700000000, NonceStr: "abc",
		})
		if err != nil {
			t.Fatal(err)
		}
		want := sortedSHA1(ticket.Value, e.appID, "1234", "1700000000", "abc", "pCard", "GROUPON")
		if res.GetCardSign() != want || res.GetSignType() != "SHA1" || res.GetShopId() != "1234" ||
			res.GetCardType() != "GROUPON" || res.GetCardId() != "pCard" || res.GetTimestamp() != 1700000000 || res.GetNonceStr() != "abc" {
			t.Errorf("SignChooseCard = %v, want card_sign %s", res, want)
		}
		res, err = h.SignChooseCard(ctx, &tokenv1.SignChooseCardRequest{AppId: e.appID})
		if err != nil {
			t.Fatal(err)
		}
		want = sortedSHA1(ticket.Value, e.appID, strconv.FormatInt(res.GetTimestamp(), 10), res.GetNonceStr())
		if res.GetCardSign() != want || len(res.GetNonceStr()) != 16 {
			t.Errorf("SignChooseCard without filters = %v, want card_sign %s", res, want)
		}
	})
	if n := e.calls("/cgi-bin/ticket/getticket"); n != 1 {
		t.Errorf("getticket calls = %d, want 1", n)
	}
}

func TestJSSDKBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewJSSDKHandler(e.service())
	noDomains := NewJSSDKHandler(e.service(func(p *Params) { p.Accounts[0].JSDomains = nil }))
	ctx := context.Background()
	sign := func(h *JSSDKHandler, r *tokenv1.SignJSSDKConfigRequest) func() error {
		return func() error { _, err := h.SignJSSDKConfig(ctx, r); return err }
	}
	tests := []struct {
		name     string
		call     func() error
		wantCode connect.Code
		wantText string
	}{
		{"empty app_id", sign(h, &tokenv1.SignJSSDKConfigRequest{Url: "https://www.example.com/"}), connect.CodeInvalidArgument, "app_id is required"},
		{"unknown app_id", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: "wxnope", Url: "https://www.example.com/"}), connect.CodeNotFound, "wxnope"},
		{"empty url", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID}), connect.CodeInvalidArgument, "url is required"},
		{"only a fragment", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "#x"}), connect.CodeInvalidArgument, "url is required"},
		{"relative url", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "/shop"}), connect.CodeInvalidArgument, "absolute http or https"},
		{"javascript url", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "javascript:alert(1)"}), connect.CodeInvalidArgument, "absolute http or https"},
		{"malformed url", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/%"}), connect.CodeInvalidArgument, "not a valid URL"},
		{"foreign domain", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://evil.example.net/"}), connect.CodeInvalidArgument, `"evil.example.net"`},
		{"parent domain", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://example.com/"}), connect.CodeInvalidArgument, "js_domains"},
		{"no js domains", sign(noDomains, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/"}), connect.CodeFailedPrecondition, "accounts[].js_domains"},
		{"bad nonce", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/", NonceStr: "a&b=c"}), connect.CodeInvalidArgument, "nonce_str"},
		{"negative timestamp", sign(h, &tokenv1.SignJSSDKConfigRequest{AppId: e.appID, Url: "https://www.example.com/", Timestamp: -1}), connect.CodeInvalidArgument, "timestamp"},
		{"cardExt without card_id", func() error {
			_, err := h.SignCardExt(ctx, &tokenv1.SignCardExtRequest{AppId: e.appID})
			return err
		}, connect.CodeInvalidArgument, "card_id is required"},
		{"cardExt bad nonce", func() error {
			_, err := h.SignCardExt(ctx, &tokenv1.SignCardExtRequest{AppId: e.appID, CardId: "p", NonceStr: strings.Repeat("n", 33)})
			return err
		}, connect.CodeInvalidArgument, "nonce_str"},
		{"chooseCard unknown app_id", func() error {
			_, err := h.SignChooseCard(ctx, &tokenv1.SignChooseCardRequest{AppId: "wxnope"})
			return err
		}, connect.CodeNotFound, "wxnope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tt.name, tt.call(), tt.wantCode, tt.wantText)
		})
	}
	if n := e.allCalls(); n != 0 {
		t.Errorf("bad input sent %d calls to WeChat", n)
	}
}
