package sandbox_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// cardBody is a valid card/create body of cardType with fields merged into the type
// object and base merged into base_info.
func cardBody(cardType string, base, fields map[string]any) string {
	b := map[string]any{"logo_url": "http://mmbiz.qpic.cn/logo", "brand_name": "海底捞", "code_type": "CODE_TYPE_TEXT",
		"title": "132元双人火锅套餐", "color": "Color010", "notice": "使用时向服务员出示此券", "description": "不可与其他优惠同享",
		"date_info": map[string]any{"type": "DATE_TYPE_FIX_TERM", "fixed_term": 15, "fixed_begin_term": 0},
		"sku":       map[string]any{"quantity": 2}}
	for k, v := range base {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	obj := map[string]any{"base_info": b}
	for k, v := range fields {
		obj[k] = v
	}
	data, _ := json.Marshal(map[string]any{"card": map[string]any{"card_type": cardType, strings.ToLower(cardType): obj}})
	return string(data)
}

// cardCall posts body to path with the demo account's token.
func cardCall(t *testing.T, env *sandboxtest.Env, token, path, body string) reply {
	t.Helper()
	return do(t, env, http.MethodPost, path, url.Values{"access_token": {token}}, body)
}

// cardRaw posts body to path and returns the answer as is (for answers whose fields
// the shared reply type decodes differently, e.g. a string sex).
func cardRaw(t *testing.T, env *sandboxtest.Env, token, path, body string) string {
	t.Helper()
	resp, err := env.Client.Post(env.URL+path+"?access_token="+url.QueryEscape(token), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// cardField decodes r's top-level member name into v.
func cardField(t *testing.T, r reply, name string, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Fields[name], v); err != nil {
		t.Fatalf("%s of %s: %v", name, r.Raw, err)
	}
}

func TestCardCreateValidation(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	token := fetchToken(t, env)
	tests := []struct {
		name string
		give string
		want int
	}{
		{"empty body", "", 44002},
		{"not json", "card", 47001},
		{"no card", `{}`, 41011},
		{"unknown type", cardBody("SUPER", nil, nil), 40071},
		{"type object missing", `{"card":{"card_type":"CASH"}}`, 41011},
		{"no title", cardBody("GROUPON", map[string]any{"title": nil}, map[string]any{"deal_detail": "x"}), 41011},
		{"title too long", cardBody("GROUPON", map[string]any{"title": strings.Repeat("长", 10)}, map[string]any{"deal_detail": "x"}), 40150},
		{"bad color", cardBody("GROUPON", map[string]any{"color": "red"}, map[string]any{"deal_detail": "x"}), 40150},
		{"bad date", cardBody("GROUPON", map[string]any{"date_info": map[string]any{"type": "DATE_TYPE_FIX_TIME_RANGE", "begin_timestamp": 10, "end_timestamp": 5}}, map[string]any{"deal_detail": "x"}), 40079},
		{"groupon without deal_detail", cardBody("GROUPON", nil, nil), 41011},
		{"discount out of range", cardBody("DISCOUNT", nil, map[string]any{"discount": 100}), 40150},
		{"cash without reduce_cost", cardBody("CASH", nil, map[string]any{"least_cost": 100}), 41011},
		{"deposit mode without custom code", cardBody("GIFT", map[string]any{"get_custom_code_mode": "GET_CUSTOM_CODE_MODE_DEPOSIT"}, map[string]any{"gift": "x"}), 40150},
		{"sku as string", cardBody("GIFT", map[string]any{"sku": map[string]any{"quantity": "2"}}, map[string]any{"gift": "x"}), 47001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, cardCall(t, env, token, "/card/create", tt.give), tt.want)
		})
	}
	// GET is refused on a POST endpoint.
	wantCode(t, get(t, env, "/card/create", url.Values{"access_token": {token}}), 43002)
}

func TestCardLifecycle(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	sb, app := env.Sandbox, sandboxtest.DemoAppID
	token := fetchToken(t, env)

	r := cardCall(t, env, token, "/card/create", cardBody("GROUPON", nil, map[string]any{"deal_detail": "双人套餐"}))
	wantCode(t, r, 0)
	var cardID string
	cardField(t, r, "card_id", &cardID)

	// Not approved: only whitelisted users receive it.
	if _, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-alice", CardID: cardID}); !errors.Is(err, sandbox.ErrCardNotReceivable) {
		t.Fatalf("GiveCard before review: %v", err)
	}
	wantCode(t, cardCall(t, env, token, "/card/testwhitelist/set", `{"openid":["o-alice"]}`), 0)
	given, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-alice", CardID: cardID, OuterStr: "qr"})
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.ReviewCard(app, cardID, true, ""); err != nil {
		t.Fatal(err)
	}
	if status, q, _ := sb.CardStatus(app, cardID); status != "CARD_STATUS_VERIFY_OK" || q != 1 {
		t.Errorf("CardStatus = %s, %d", status, q)
	}
	bob, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-bob", CardID: cardID})
	if err != nil {
		t.Fatal(err)
	}
	// Out of stock now.
	if _, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-carol", CardID: cardID}); !errors.Is(err, sandbox.ErrCardNotReceivable) {
		t.Fatalf("GiveCard out of stock: %v", err)
	}

	// get shows status and stock.
	r = cardCall(t, env, token, "/card/get", fmt.Sprintf(`{"card_id":%q}`, cardID))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"status":"CARD_STATUS_VERIFY_OK"`) || !strings.Contains(r.Raw, `"quantity":0`) || !strings.Contains(r.Raw, `"total_quantity":2`) {
		t.Errorf("card/get = %s", r.Raw)
	}
	wantCode(t, cardCall(t, env, token, "/card/get", `{"card_id":"pnope"}`), 40073)

	// decrypt, get, consume once.
	r = cardCall(t, env, token, "/card/code/decrypt", fmt.Sprintf(`{"encrypt_code":%q}`, given.EncryptCode))
	wantCode(t, r, 0)
	var code string
	cardField(t, r, "code", &code)
	if code != given.Code {
		t.Errorf("decrypt = %s, want %s", code, given.Code)
	}
	r = cardCall(t, env, token, "/card/code/get", fmt.Sprintf(`{"code":%q}`, given.Code))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"openid":"o-alice"`) || !strings.Contains(r.Raw, `"can_consume":true`) || !strings.Contains(r.Raw, `"user_card_status":"NORMAL"`) {
		t.Errorf("code/get = %s", r.Raw)
	}
	wantCode(t, cardCall(t, env, token, "/card/code/consume", fmt.Sprintf(`{"code":%q,"card_id":%q}`, given.Code, cardID)), 0)
	wantCode(t, cardCall(t, env, token, "/card/code/consume", fmt.Sprintf(`{"code":%q,"card_id":%q}`, given.Code, cardID)), 40099)
	wantCode(t, cardCall(t, env, token, "/card/code/get", fmt.Sprintf(`{"code":%q}`, given.Code)), 40099)
	r = cardCall(t, env, token, "/card/code/get", fmt.Sprintf(`{"code":%q,"check_consume":false}`, given.Code))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"user_card_status":"CONSUMED"`) {
		t.Errorf("code/get of a consumed code = %s", r.Raw)
	}
	// unavailable: bob's code turns UNAVAILABLE and cannot be consumed.
	wantCode(t, cardCall(t, env, token, "/card/code/unavailable", fmt.Sprintf(`{"code":%q,"reason":"refund"}`, bob.Code)), 0)
	wantCode(t, cardCall(t, env, token, "/card/code/consume", fmt.Sprintf(`{"code":%q}`, bob.Code)), 40127)
	wantCode(t, cardCall(t, env, token, "/card/code/get", `{"code":"000000000000"}`), 40056)

	// Stock and delete.
	wantCode(t, cardCall(t, env, token, "/card/modifystock", fmt.Sprintf(`{"card_id":%q,"reduce_stock_value":1}`, cardID)), 40097)
	wantCode(t, cardCall(t, env, token, "/card/modifystock", fmt.Sprintf(`{"card_id":%q,"increase_stock_value":5}`, cardID)), 0)
	r = cardCall(t, env, token, "/card/batchget", `{"offset":0,"count":10}`)
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, cardID) || !strings.Contains(r.Raw, `"total_num":1`) {
		t.Errorf("batchget = %s", r.Raw)
	}
	wantCode(t, cardCall(t, env, token, "/card/batchget", `{"offset":0,"count":51}`), 40097)
	wantCode(t, cardCall(t, env, token, "/card/delete", fmt.Sprintf(`{"card_id":%q}`, cardID)), 0)
	wantCode(t, cardCall(t, env, token, "/card/get", fmt.Sprintf(`{"card_id":%q}`, cardID)), 40073)
}

func TestCardDepositAndMember(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	sb, app := env.Sandbox, sandboxtest.DemoAppID
	token := fetchToken(t, env)

	r := cardCall(t, env, token, "/card/create", cardBody("GIFT", map[string]any{"use_custom_code": true, "get_custom_code_mode": "GET_CUSTOM_CODE_MODE_DEPOSIT"}, map[string]any{"gift": "咖啡"}))
	wantCode(t, r, 0)
	var giftID string
	cardField(t, r, "card_id", &giftID)
	r = cardCall(t, env, token, "/card/code/deposit", fmt.Sprintf(`{"card_id":%q,"code":["c-1","c-2","c-1","this-code-is-way-too-long"]}`, giftID))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"succ_code":["c-1","c-2"]`) || !strings.Contains(r.Raw, `"duplicate_code":["c-1"]`) || !strings.Contains(r.Raw, `"fail_code":["this-code-is-way-too-long"]`) {
		t.Errorf("deposit = %s", r.Raw)
	}
	r = cardCall(t, env, token, "/card/code/getdepositcount", fmt.Sprintf(`{"card_id":%q}`, giftID))
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"count":2`) {
		t.Errorf("getdepositcount = %s", r.Raw)
	}
	r = cardCall(t, env, token, "/card/code/checkcode", fmt.Sprintf(`{"card_id":%q,"code":["c-2","c-9"]}`, giftID))
	if !strings.Contains(r.Raw, `"exist_code":["c-2"]`) || !strings.Contains(r.Raw, `"not_exist_code":["c-9"]`) {
		t.Errorf("checkcode = %s", r.Raw)
	}
	if err := sb.ReviewCard(app, giftID, true, ""); err != nil {
		t.Fatal(err)
	}
	g, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-dan", CardID: giftID})
	if err != nil || g.Code != "c-1" {
		t.Fatalf("GiveCard deposit = %v, %v", g, err)
	}
	// A custom code needs card_id.
	wantCode(t, cardCall(t, env, token, "/card/code/consume", `{"code":"c-1"}`), 41011)
	wantCode(t, cardCall(t, env, token, "/card/code/update", fmt.Sprintf(`{"card_id":%q,"code":"c-1","new_code":"c-7"}`, giftID)), 0)
	r = cardCall(t, env, token, "/card/user/getcardlist", `{"openid":"o-dan"}`)
	if !strings.Contains(r.Raw, `"code":"c-7"`) {
		t.Errorf("getcardlist = %s", r.Raw)
	}

	// Member card: activate, update bonus, userinfo.
	r = cardCall(t, env, token, "/card/create", cardBody("MEMBER_CARD", map[string]any{"date_info": map[string]any{"type": "DATE_TYPE_PERMANENT"}}, map[string]any{"prerogative": "九折", "supply_bonus": true}))
	wantCode(t, r, 0)
	var memberID string
	cardField(t, r, "card_id", &memberID)
	_ = sb.ReviewCard(app, memberID, true, "")
	m, err := sb.GiveCard(app, sandbox.CardGift{OpenID: "o-dan", CardID: memberID})
	if err != nil {
		t.Fatal(err)
	}
	upd := fmt.Sprintf(`{"card_id":%q,"code":%q,"add_bonus":10,"record_bonus":"消费"}`, memberID, m.Code)
	wantCode(t, cardCall(t, env, token, "/card/membercard/updateuser", upd), 40127)
	wantCode(t, cardCall(t, env, token, "/card/membercard/activate", fmt.Sprintf(`{"card_id":%q,"code":%q,"membership_number":"M001","init_bonus":5}`, memberID, m.Code)), 0)
	r = cardCall(t, env, token, "/card/membercard/updateuser", upd)
	wantCode(t, r, 0)
	if !strings.Contains(r.Raw, `"result_bonus":15`) {
		t.Errorf("updateuser = %s", r.Raw)
	}
	wantCode(t, cardCall(t, env, token, "/card/membercard/updateuser", fmt.Sprintf(`{"card_id":%q,"code":%q,"add_bonus":-100}`, memberID, m.Code)), 40097)
	ticket, err := sb.FillMemberCardForm(app, memberID, "o-dan", sandbox.MemberCardFormValues{Common: map[string]string{"USER_FORM_INFO_FLAG_SEX": "MALE"}})
	if err != nil {
		t.Fatal(err)
	}
	r = cardCall(t, env, token, "/card/membercard/activatetempinfo/get", fmt.Sprintf(`{"activate_ticket":%q}`, ticket))
	if !strings.Contains(r.Raw, `"name":"USER_FORM_INFO_FLAG_SEX","value":"MALE"`) {
		t.Errorf("activatetempinfo = %s", r.Raw)
	}
	raw := cardRaw(t, env, token, "/card/membercard/userinfo/get", fmt.Sprintf(`{"card_id":%q,"code":%q}`, memberID, m.Code))
	if !strings.Contains(raw, `"errcode":0`) || !strings.Contains(raw, `"membership_number":"M001"`) || !strings.Contains(raw, `"bonus":15`) || !strings.Contains(raw, `"sex":"MALE"`) || !strings.Contains(raw, `"has_active":true`) {
		t.Errorf("userinfo = %s", raw)
	}
	// A gift card is not a member card.
	wantCode(t, cardCall(t, env, token, "/card/membercard/activate", fmt.Sprintf(`{"card_id":%q,"code":"c-7","membership_number":"x"}`, giftID)), 40071)
}

func TestCardQRCodeScan(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	sb, app := env.Sandbox, sandboxtest.DemoAppID
	token := fetchToken(t, env)
	r := cardCall(t, env, token, "/card/create", cardBody("GROUPON", nil, map[string]any{"deal_detail": "套餐"}))
	var cardID string
	cardField(t, r, "card_id", &cardID)
	if err := sb.ReviewCard(app, cardID, true, ""); err != nil {
		t.Fatal(err)
	}
	r = cardCall(t, env, token, "/card/qrcode/create", fmt.Sprintf(`{"action_name":"QR_CARD","expire_seconds":60,"action_info":{"card":{"card_id":%q,"is_unique_code":true,"outer_str":"s1"}}}`, cardID))
	wantCode(t, r, 0)
	var ticket string
	cardField(t, r, "ticket", &ticket)
	if _, err := sb.ScanCardQRCode(app, ticket, "o-1", 1); !errors.Is(err, sandbox.ErrCardQRCode) {
		t.Errorf("pick out of range: %v", err)
	}
	if _, err := sb.ScanCardQRCode(app, ticket, "o-1", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.ScanCardQRCode(app, ticket, "o-2", 0); !errors.Is(err, sandbox.ErrCardQRCode) {
		t.Errorf("second scan of a unique code: %v", err)
	}
	r = cardCall(t, env, token, "/card/qrcode/create", fmt.Sprintf(`{"action_name":"QR_CARD","expire_seconds":60,"action_info":{"card":{"card_id":%q}}}`, cardID))
	cardField(t, r, "ticket", &ticket)
	sb.Advance(61 * time.Second)
	if _, err := sb.ScanCardQRCode(app, ticket, "o-3", 0); !errors.Is(err, sandbox.ErrCardQRCode) {
		t.Errorf("expired code: %v", err)
	}
	wantCode(t, cardCall(t, env, token, "/card/qrcode/create", `{"action_name":"QR_CARD","expire_seconds":30,"action_info":{"card":{"card_id":"x"}}}`), 40097)
	wantCode(t, cardCall(t, env, token, "/card/qrcode/create", `{"action_name":"QR_CARD","action_info":{"card":{"card_id":"pnope"}}}`), 40073)
}
