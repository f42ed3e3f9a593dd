package sandbox

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// FuzzCardRequests feeds arbitrary bodies to every card endpoint of an account that
// holds a card, a received code and a member card (outside input): the request parsing
// never panics and every answer is an errcode envelope or a payload.
func FuzzCardRequests(f *testing.F) {
	seeds := []string{
		``, `{}`, `[]`, `null`, `{"card_id":1}`, `{"card":{"card_type":"CASH","cash":{"base_info":5}}}`,
		`{"card":{"card_type":"GROUPON","groupon":{"base_info":{"logo_url":"x","brand_name":"b","code_type":"CODE_TYPE_TEXT","title":"t","color":"Color010","notice":"n","description":"d","date_info":{"type":"DATE_TYPE_PERMANENT"},"sku":{"quantity":3}},"deal_detail":"d"}}}`,
		`{"card_id":"CARD","code":"CODE","check_consume":false}`,
		`{"card_id":"CARD","groupon":{"base_info":{"title":"new","sku":{"quantity":1}}}}`,
		`{"card_id":"CARD","code":["1","2",""]}`,
		`{"card_id":"MEMBER","code":"MCODE","add_bonus":-5,"bonus":null}`,
		`{"action_name":"QR_MULTIPLE_CARD","action_info":{"multiple_card":{"card_list":[{"card_id":"CARD"}]}}}`,
		`{"rule_info":{"type":"RULE_TYPE_PAY_MEMBER_CARD","base_info":{"mchid_list":["1","x"],"begin_time":1,"end_time":2},"member_rule":{"card_id":"MEMBER"}}}`,
		`{"info":{"brand_name":"b","logo_url":"l","protocol":"p","end_time":99999999999,"primary_category_id":1,"secondary_category_id":101}}`,
		`{"required_form":{"common_field_id_list":["USER_FORM_INFO_FLAG_MOBILE"],"rich_field_list":[{"type":"x"}]}}`,
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	paths := make([]string, 0, len(endpoints))
	m := map[string]endpoint{}
	registerCard(m)
	for p := range m {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	now := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body string, k uint8) {
		s := New(Options{Now: func() time.Time { return now }})
		if err := s.AddAccount(Account{AppID: "wxcardfuzz", AppSecret: "secret"}); err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		a := s.accounts["wxcardfuzz"]
		st := &a.card
		st.init()
		st.cards["CARD"] = &cardDef{id: "CARD", cardType: "GROUPON", object: map[string]any{"base_info": map[string]any{}}, status: cardStatusVerifyOK,
			quantity: 5, total: 5, known: map[string]bool{"CODE": true}, dateInfo: cardDateInfo{Type: "DATE_TYPE_PERMANENT"}}
		st.cards["MEMBER"] = &cardDef{id: "MEMBER", cardType: "MEMBER_CARD", object: map[string]any{"base_info": map[string]any{}}, status: cardStatusVerifyOK,
			quantity: 5, total: 5, known: map[string]bool{"MCODE": true}, dateInfo: cardDateInfo{Type: "DATE_TYPE_PERMANENT"}}
		st.order = []string{"CARD", "MEMBER"}
		st.codes[cardCodeKey("CARD", "CODE")] = &cardCode{cardID: "CARD", code: "CODE", openID: "o1", status: cardUserNormal}
		st.codes[cardCodeKey("MEMBER", "MCODE")] = &cardCode{cardID: "MEMBER", code: "MCODE", openID: "o1", status: cardUserNormal, activated: true}
		// Point the body at the seeded ids whatever path it goes to.
		path := paths[int(k)%len(paths)]
		for _, p := range []string{path, paths[(int(k)+1)%len(paths)]} {
			ans := m[p].serve(s, &apiCall{body: []byte(body), a: a, now: now, call: &Call{}})
			if ans.body == nil && ans.errcode == codeOK && !strings.HasSuffix(p, "/set") && !isCardPlainOK(p) {
				t.Fatalf("%s: success without payload for %q", p, body)
			}
		}
		s.mu.Unlock()
	})
}

// isCardPlainOK reports whether path answers success with the bare envelope.
func isCardPlainOK(path string) bool {
	switch path {
	case "/card/delete", "/card/modifystock", "/card/code/unavailable", "/card/code/update",
		"/card/membercard/activate", "/card/membercard/unactivate", "/card/boardingpass/checkin",
		"/card/meetingticket/updateuser", "/card/movieticket/updateuser":
		return true
	}
	return false
}
