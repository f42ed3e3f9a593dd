package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// analyticsPost calls a datacube path of the demo account with body.
func analyticsPost(t *testing.T, env *sandboxtest.Env, token, path, body string) reply {
	t.Helper()
	return do(t, env, http.MethodPost, path, url.Values{"access_token": {token}}, body)
}

// analyticsList decodes the list of a datacube answer.
func analyticsList(t *testing.T, r reply) []map[string]any {
	t.Helper()
	var out struct {
		List []map[string]any `json:"list"`
	}
	if r.Errcode != 0 || json.Unmarshal([]byte(r.Raw), &out) != nil || out.List == nil {
		t.Fatalf("answer %s is not a datacube list", r.Raw)
	}
	return out.List
}

func TestAnalyticsRangeErrors(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{}) // today is 2025-03-10 in Asia/Shanghai
	token := fetchToken(t, env)
	tests := []struct {
		name string
		path string
		body string
		want int
	}{
		{"empty body", "/datacube/getusersummary", "", 44002},
		{"not an object", "/datacube/getusersummary", `[]`, 47001},
		{"wrong type", "/datacube/getusersummary", `{"begin_date":20250301}`, 47001},
		{"missing dates", "/datacube/getusersummary", `{}`, 61500},
		{"bad format", "/datacube/getusersummary", `{"begin_date":"2025/03/01","end_date":"2025-03-02"}`, 61500},
		{"no zero padding", "/datacube/getusersummary", `{"begin_date":"2025-3-1","end_date":"2025-03-02"}`, 61500},
		{"begin after end", "/datacube/getusersummary", `{"begin_date":"2025-03-05","end_date":"2025-03-02"}`, 61501},
		{"8 days of user data", "/datacube/getusersummary", `{"begin_date":"2025-03-01","end_date":"2025-03-08"}`, 61501},
		{"ends today", "/datacube/getusercumulate", `{"begin_date":"2025-03-09","end_date":"2025-03-10"}`, 61501},
		{"before 2014-12-01", "/datacube/getusercumulate", `{"begin_date":"2014-11-30","end_date":"2014-12-01"}`, 61501},
		{"2 days of hourly data", "/datacube/getupstreammsghour", `{"begin_date":"2025-03-01","end_date":"2025-03-02"}`, 61501},
		{"4 days of reads", "/datacube/getuserread", `{"begin_date":"2025-03-01","end_date":"2025-03-04"}`, 61501},
		{"16 days of dist", "/datacube/getupstreammsgdist", `{"begin_date":"2025-02-01","end_date":"2025-02-16"}`, 61501},
		{"31 days of weeks", "/datacube/getupstreammsgweek", `{"begin_date":"2025-02-01","end_date":"2025-03-03"}`, 61501},
		{"63 days of cards", "/datacube/getcardbizuininfo", `{"begin_date":"2025-01-01","end_date":"2025-03-04","cond_source":0}`, 61501},
		{"card source missing", "/datacube/getcardbizuininfo", `{"begin_date":"2025-03-01","end_date":"2025-03-02"}`, 41011},
		{"card source out of range", "/datacube/getcardcardinfo", `{"begin_date":"2025-03-01","end_date":"2025-03-02","cond_source":2}`, 40097},
		{"member card detail without card", "/datacube/getcardmembercarddetail", `{"begin_date":"2025-03-01","end_date":"2025-03-02"}`, 41011},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, analyticsPost(t, env, token, tt.path, tt.body), tt.want)
		})
	}
	t.Run("GET refused", func(t *testing.T) {
		wantCode(t, get(t, env, "/datacube/getusersummary", url.Values{"access_token": {token}}), 43002)
	})
	t.Run("no token", func(t *testing.T) {
		wantCode(t, do(t, env, http.MethodPost, "/datacube/getusersummary", nil, `{"begin_date":"2025-03-01","end_date":"2025-03-01"}`), 41001)
	})
	// The longest spans allowed answer.
	for path, span := range map[string]string{
		"/datacube/getusersummary":          "2025-03-03",
		"/datacube/getuserread":             "2025-03-07",
		"/datacube/getupstreammsgdistmonth": "2025-02-08",
		"/datacube/getinterfacesummary":     "2025-02-08",
	} {
		analyticsList(t, analyticsPost(t, env, token, path, `{"begin_date":"`+span+`","end_date":"2025-03-09"}`))
	}
}

func TestAnalyticsUsers(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	day := func(d int, h int) int64 {
		return time.Date(2025, 3, d, h, 0, 0, 0, time.FixedZone("CST", 8*3600)).Unix()
	}
	env.AddUser(t, app, sandbox.User{OpenID: "o-a", SubscribeTime: day(7, 9), SubscribeScene: "ADD_SCENE_QR_CODE"})
	env.AddUser(t, app, sandbox.User{OpenID: "o-b", SubscribeTime: day(7, 23), SubscribeScene: "ADD_SCENE_SEARCH"})
	env.AddUser(t, app, sandbox.User{OpenID: "o-c", SubscribeTime: day(8, 1), SubscribeScene: "ADD_SCENE_QR_CODE"})
	env.AddUser(t, app, sandbox.User{OpenID: "o-gone", SubscribeTime: day(8, 1), Unsubscribed: true}) // unfollow time unknown: not counted
	env.Subscribe(t, app, "o-today", "ADD_SCENE_CHANNELS")                                            // 2025-03-10: not yet in the statistics
	token := fetchToken(t, env)

	list := analyticsList(t, analyticsPost(t, env, token, "/datacube/getusersummary", `{"begin_date":"2025-03-06","end_date":"2025-03-09"}`))
	want := []string{"2025-03-07/1/1", "2025-03-07/30/1", "2025-03-08/30/1"}
	if len(list) != len(want) {
		t.Fatalf("getusersummary = %v, want %v", list, want)
	}
	for i, it := range list {
		got := it["ref_date"].(string) + "/" + jsonNum(it["user_source"]) + "/" + jsonNum(it["new_user"])
		if got != want[i] || jsonNum(it["cancel_user"]) != "0" {
			t.Errorf("getusersummary[%d] = %v, want %s", i, it, want[i])
		}
	}
	list = analyticsList(t, analyticsPost(t, env, token, "/datacube/getusercumulate", `{"begin_date":"2025-03-06","end_date":"2025-03-09"}`))
	wantCum := []string{"0", "2", "3", "3"}
	if len(list) != 4 {
		t.Fatalf("getusercumulate = %v", list)
	}
	for i, it := range list {
		if jsonNum(it["cumulate_user"]) != wantCum[i] {
			t.Errorf("getusercumulate[%d] = %v, want %s", i, it, wantCum[i])
		}
	}
	// A day later today's follow shows.
	env.Sandbox.Advance(24 * time.Hour)
	token = fetchToken(t, env) // the old one expired
	list = analyticsList(t, analyticsPost(t, env, token, "/datacube/getusersummary", `{"begin_date":"2025-03-10","end_date":"2025-03-10"}`))
	if len(list) != 1 || jsonNum(list[0]["user_source"]) != "200" || jsonNum(list[0]["new_user"]) != "1" {
		t.Errorf("getusersummary of the next day = %v", list)
	}
}

func jsonNum(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestAnalyticsUpstream(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	cst := time.FixedZone("CST", 8*3600)
	at := func(d, h int) time.Time { return time.Date(2025, 3, d, h, 30, 0, 0, cst) }
	for _, m := range []struct {
		who, typ string
		at       time.Time
	}{
		{"o-a", sandbox.MsgText, at(3, 9)}, {"o-a", sandbox.MsgText, at(3, 9)}, {"o-b", sandbox.MsgText, at(3, 10)},
		{"o-b", sandbox.MsgImage, at(3, 10)}, {"o-a", sandbox.MsgShortVideo, at(4, 0)}, {"o-c", sandbox.MsgLink, at(8, 23)},
	} {
		if err := env.Sandbox.RecordUpstreamMessage(app, m.who, m.typ, m.at); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 { // o-d sends 6 messages on the 4th: interval 2
		_ = i
		if err := env.Sandbox.RecordUpstreamMessage(app, "o-d", sandbox.MsgVoice, at(4, 12)); err != nil {
			t.Fatal(err)
		}
	}
	token := fetchToken(t, env)
	summary := func(path, begin, end string) []string {
		var out []string
		for _, it := range analyticsList(t, analyticsPost(t, env, token, path, `{"begin_date":"`+begin+`","end_date":"`+end+`"}`)) {
			s := it["ref_date"].(string)
			if h, ok := it["ref_hour"]; ok {
				s += "@" + jsonNum(h)
			}
			if v, ok := it["msg_type"]; ok {
				s += " t" + jsonNum(v) + " u" + jsonNum(it["msg_user"]) + " c" + jsonNum(it["msg_count"])
			} else {
				s += " i" + jsonNum(it["count_interval"]) + " u" + jsonNum(it["msg_user"])
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		path, begin, end string
		want             []string
	}{
		{"/datacube/getupstreammsg", "2025-03-03", "2025-03-04", []string{"2025-03-03 t1 u2 c3", "2025-03-03 t2 u1 c1", "2025-03-04 t3 u1 c6", "2025-03-04 t4 u1 c1"}},
		{"/datacube/getupstreammsghour", "2025-03-03", "2025-03-03", []string{"2025-03-03@900 t1 u1 c2", "2025-03-03@1000 t1 u1 c1", "2025-03-03@1000 t2 u1 c1"}},
		{"/datacube/getupstreammsgweek", "2025-03-03", "2025-03-09", []string{"2025-03-03 t1 u2 c3", "2025-03-03 t2 u1 c1", "2025-03-03 t3 u1 c6", "2025-03-03 t4 u1 c1", "2025-03-03 t6 u1 c1"}},
		{"/datacube/getupstreammsgmonth", "2025-03-04", "2025-03-09", []string{"2025-03-01 t3 u1 c6", "2025-03-01 t4 u1 c1", "2025-03-01 t6 u1 c1"}},
		{"/datacube/getupstreammsgdist", "2025-03-03", "2025-03-04", []string{"2025-03-03 i1 u2", "2025-03-04 i1 u1", "2025-03-04 i2 u1"}},
		{"/datacube/getupstreammsgdistweek", "2025-03-03", "2025-03-09", []string{"2025-03-03 i1 u3", "2025-03-03 i2 u1"}},
		{"/datacube/getupstreammsgdistmonth", "2025-03-01", "2025-03-02", nil},
	}
	for _, tt := range tests {
		got := summary(tt.path, tt.begin, tt.end)
		if len(got) != len(tt.want) {
			t.Errorf("%s = %q, want %q", tt.path, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s = %q, want %q", tt.path, got, tt.want)
				break
			}
		}
	}
	var arg *sandbox.ArgumentError
	if err := env.Sandbox.RecordUpstreamMessage(app, "o-a", sandbox.MsgLocation, at(3, 1)); !errors.As(err, &arg) {
		t.Errorf("location message recorded: %v", err)
	}
	if err := env.Sandbox.RecordUpstreamMessage("wx-nobody", "o-a", sandbox.MsgText, at(3, 1)); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestAnalyticsInterfaceSummary(t *testing.T) {
	t.Parallel()
	status := http.StatusOK
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte("success"))
	}))
	t.Cleanup(cb.Close)
	acct := sandbox.DemoAccount()
	acct.CallbackURL, acct.CallbackToken = cb.URL+"/wx", "cbtoken"
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{acct}, PushRetries: -1})
	ctx := context.Background()
	env.AddUser(t, acct.AppID, sandbox.User{OpenID: "o-a"})
	for range 2 {
		if _, err := env.Sandbox.PushMessage(ctx, acct.AppID, "o-a", sandbox.Message{Type: sandbox.MsgText, Content: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	status = http.StatusInternalServerError
	if _, err := env.Sandbox.PushMessage(ctx, acct.AppID, "o-a", sandbox.Message{Type: sandbox.MsgText, Content: "hi"}); err != nil {
		t.Fatal(err)
	}
	token := fetchToken(t, env)
	body := `{"begin_date":"2025-03-10","end_date":"2025-03-10"}`
	wantCode(t, analyticsPost(t, env, token, "/datacube/getinterfacesummary", body), 61501) // today
	env.Sandbox.Advance(24 * time.Hour)
	token = fetchToken(t, env) // the old one expired
	list := analyticsList(t, analyticsPost(t, env, token, "/datacube/getinterfacesummary", body))
	if len(list) != 1 || jsonNum(list[0]["callback_count"]) != "3" || jsonNum(list[0]["fail_count"]) != "1" || list[0]["ref_date"] != "2025-03-10" {
		t.Errorf("getinterfacesummary = %v", list)
	}
	list = analyticsList(t, analyticsPost(t, env, token, "/datacube/getinterfacesummaryhour", body))
	if len(list) != 1 || jsonNum(list[0]["ref_hour"]) != "1000" || jsonNum(list[0]["callback_count"]) != "3" {
		t.Errorf("getinterfacesummaryhour = %v", list)
	}
}

func TestAnalyticsRecorded(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	sb := env.Sandbox
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sb.RecordArticleSummary(app, sandbox.ArticleSummaryStat{RefDate: "2025-03-08", MsgID: "100_1", Title: "a",
		ArticleReadStats: sandbox.ArticleReadStats{IntPageReadUser: 5, IntPageReadCount: 7}}))
	must(sb.RecordArticleTotal(app, sandbox.ArticleTotalStat{RefDate: "2025-03-08", MsgID: "100_1", Title: "a",
		Details: []sandbox.ArticleTotalDetail{{StatDate: "2025-03-08", TargetUser: 9, IntPageFromFeedReadUser: 2}}}))
	must(sb.RecordUserRead(app, sandbox.UserReadStat{RefDate: "2025-03-08", UserSource: 99999999},
		sandbox.UserReadStat{RefDate: "2025-03-08", Hourly: true, RefHour: 1500, UserSource: 0}))
	must(sb.RecordUserShare(app, sandbox.UserShareStat{RefDate: "2025-03-08", ShareScene: 1, ShareCount: 3, ShareUser: 2}))
	must(sb.RecordCardBizUinInfo(app, sandbox.CardBizUinStat{RefDate: "2025-03-08", CondSource: 1, CardStats: sandbox.CardStats{ViewCnt: 4}}))
	must(sb.RecordCardCardInfo(app, sandbox.CardCardStat{RefDate: "2025-03-08", CondSource: 0, CardID: "pcard1"},
		sandbox.CardCardStat{RefDate: "2025-03-08", CondSource: 0, CardID: "pcard2"}))
	must(sb.RecordMemberCardInfo(app, sandbox.MemberCardStat{RefDate: "2025-03-08", ActiveUser: 3}))
	must(sb.RecordMemberCardDetail(app, sandbox.MemberCardDetailStat{RefDate: "2025-03-08", CardID: "pmember", PayOriginalFee: 100}))
	token := fetchToken(t, env)
	one := `{"begin_date":"2025-03-08","end_date":"2025-03-08"`
	tests := []struct {
		path, body string
		n          int
		check      func(m map[string]any) bool
	}{
		{"/datacube/getarticlesummary", one + `}`, 1, func(m map[string]any) bool { return m["msgid"] == "100_1" && jsonNum(m["int_page_read_count"]) == "7" }},
		{"/datacube/getarticletotal", one + `}`, 1, func(m map[string]any) bool {
			d := m["details"].([]any)[0].(map[string]any)
			return jsonNum(d["target_user"]) == "9" && jsonNum(d["int_page_from_feed_read_user"]) == "2"
		}},
		{"/datacube/getuserread", one + `}`, 1, func(m map[string]any) bool {
			_, hour := m["ref_hour"]
			return !hour && jsonNum(m["user_source"]) == "99999999"
		}},
		{"/datacube/getuserreadhour", one + `}`, 1, func(m map[string]any) bool { return jsonNum(m["ref_hour"]) == "1500" }},
		{"/datacube/getusershare", one + `}`, 1, func(m map[string]any) bool { return jsonNum(m["share_count"]) == "3" }},
		{"/datacube/getusersharehour", one + `}`, 0, nil},
		{"/datacube/getcardbizuininfo", one + `,"cond_source":1}`, 1, func(m map[string]any) bool { return jsonNum(m["view_cnt"]) == "4" }},
		{"/datacube/getcardbizuininfo", one + `,"cond_source":0}`, 0, nil},
		{"/datacube/getcardcardinfo", one + `,"cond_source":0}`, 2, nil},
		{"/datacube/getcardcardinfo", one + `,"cond_source":0,"card_id":"pcard2"}`, 1, func(m map[string]any) bool { return m["card_id"] == "pcard2" }},
		{"/datacube/getcardmembercardinfo", one + `,"cond_source":0}`, 1, func(m map[string]any) bool { return jsonNum(m["active_user"]) == "3" }},
		{"/datacube/getcardmembercarddetail", one + `,"card_id":"pmember"}`, 1, func(m map[string]any) bool { return jsonNum(m["payOriginalFee"]) == "100" }},
		{"/datacube/getcardmembercarddetail", one + `,"card_id":"pother"}`, 0, nil},
		{"/datacube/getarticlesummary", `{"begin_date":"2025-03-07","end_date":"2025-03-07"}`, 0, nil},
	}
	for _, tt := range tests {
		list := analyticsList(t, analyticsPost(t, env, token, tt.path, tt.body))
		if len(list) != tt.n || (tt.check != nil && !tt.check(list[0])) {
			t.Errorf("%s %s = %v", tt.path, tt.body, list)
		}
	}

	var arg *sandbox.ArgumentError
	for name, err := range map[string]error{
		"bad date":      sb.RecordArticleSummary(app, sandbox.ArticleSummaryStat{RefDate: "2025-3-8", MsgID: "1_1"}),
		"no msgid":      sb.RecordArticleSummary(app, sandbox.ArticleSummaryStat{RefDate: "2025-03-08"}),
		"bad hour":      sb.RecordUserRead(app, sandbox.UserReadStat{RefDate: "2025-03-08", Hourly: true, RefHour: 150}),
		"daily hour":    sb.RecordUserShare(app, sandbox.UserShareStat{RefDate: "2025-03-08", RefHour: 100}),
		"cond source":   sb.RecordCardBizUinInfo(app, sandbox.CardBizUinStat{RefDate: "2025-03-08", CondSource: 2}),
		"no card":       sb.RecordCardCardInfo(app, sandbox.CardCardStat{RefDate: "2025-03-08"}),
		"8 details":     sb.RecordArticleTotal(app, sandbox.ArticleTotalStat{RefDate: "2025-03-08", MsgID: "1_1", Details: make([]sandbox.ArticleTotalDetail, 8)}),
		"unknown slot":  sb.RecordPublisherAdPos(app, sandbox.PublisherAdPosStat{Date: "2025-03-08", AdSlot: "SLOT_X"}),
		"detail date":   sb.RecordArticleTotal(app, sandbox.ArticleTotalStat{RefDate: "2025-03-08", MsgID: "1_1", Details: []sandbox.ArticleTotalDetail{{StatDate: "x"}}}),
		"member cardid": sb.RecordMemberCardDetail(app, sandbox.MemberCardDetailStat{RefDate: "2025-03-08"}),
	} {
		if !errors.As(err, &arg) {
			t.Errorf("%s: error %v, want *ArgumentError", name, err)
		}
	}
	if err := sb.RecordMemberCardInfo("wx-nobody"); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
}

func TestAnalyticsPublisher(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	app := sandboxtest.DemoAppID
	token := fetchToken(t, env)
	q := func(kv ...string) url.Values {
		v := url.Values{"access_token": {token}, "page": {"1"}, "page_size": {"10"}, "start_date": {"2025-03-01"}, "end_date": {"2025-03-09"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	type pubAnswer struct {
		BaseResp struct {
			Ret int `json:"ret"`
		} `json:"base_resp"`
		List     []map[string]any `json:"list"`
		Summary  map[string]any   `json:"summary"`
		TotalNum int              `json:"total_num"`
		Body     string           `json:"body"`
		Settle   []map[string]any `json:"settlement_list"`
	}
	call := func(v url.Values) pubAnswer {
		t.Helper()
		r := get(t, env, "/publisher/stat", v)
		var a pubAnswer
		if r.Errcode != 0 || json.Unmarshal([]byte(r.Raw), &a) != nil {
			t.Fatalf("publisher/stat answer %s", r.Raw)
		}
		return a
	}
	if a := call(q("action", "publisher_adpos_general")); a.BaseResp.Ret != 2009 {
		t.Errorf("not a publisher: ret %d, want 2009", a.BaseResp.Ret)
	}
	if err := env.Sandbox.RecordPublisherAdPos(app,
		sandbox.PublisherAdPosStat{SlotID: 2, AdSlot: "SLOT_ID_BIZ_BOTTOM", Date: "2025-03-02", ReqSuccCount: 100, ExposureCount: 50, ClickCount: 5, Income: 200},
		sandbox.PublisherAdPosStat{SlotID: 1, AdSlot: "SLOT_ID_BIZ_MID_CONTEXT", Date: "2025-03-02", ReqSuccCount: 100, ExposureCount: 50, ClickCount: 5, Income: 200},
		sandbox.PublisherAdPosStat{SlotID: 2, AdSlot: "SLOT_ID_BIZ_BOTTOM", Date: "2025-03-03", ReqSuccCount: 100, ExposureCount: 100, ClickCount: 10, Income: 600},
	); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.RecordPublisherCps(app, sandbox.PublisherCpsStat{Date: "2025-03-04", OrderCount: 2, TotalCommission: 30}); err != nil {
		t.Fatal(err)
	}
	if err := env.Sandbox.SetPublisherSettlement(app, sandbox.PublisherSettlementInfo{Body: "某公司", RevenueAll: 1000},
		sandbox.PublisherSettlement{Date: "2025-02-15", SettNo: "S1", Order: 2}); err != nil {
		t.Fatal(err)
	}
	a := call(q("action", "publisher_adpos_general", "page_size", "2"))
	if a.BaseResp.Ret != 0 || a.TotalNum != 3 || len(a.List) != 2 || a.List[0]["date"] != "2025-03-03" || jsonNum(a.List[1]["slot_id"]) != "1" ||
		jsonNum(a.Summary["income"]) != "1000" || jsonNum(a.Summary["exposure_count"]) != "200" {
		t.Errorf("adpos page 1 = %+v", a)
	}
	if a := call(q("action", "publisher_adpos_general", "page_size", "2", "page", "2")); len(a.List) != 1 || jsonNum(a.List[0]["slot_id"]) != "2" {
		t.Errorf("adpos page 2 = %+v", a)
	}
	if a := call(q("action", "publisher_adpos_general", "ad_slot", "SLOT_ID_BIZ_MID_CONTEXT")); a.TotalNum != 1 {
		t.Errorf("adpos by slot = %+v", a)
	}
	if a := call(q("action", "publisher_cps_general")); a.TotalNum != 1 || jsonNum(a.Summary["total_commission"]) != "30" {
		t.Errorf("cps = %+v", a)
	}
	if a := call(q("action", "publisher_settlement", "start_date", "2020-01-01")); a.Body != "某公司" || len(a.Settle) != 1 || a.Settle[0]["sett_no"] != "S1" {
		t.Errorf("settlement = %+v", a)
	}
	for name, v := range map[string]url.Values{
		"unknown action":     q("action", "publisher_nothing"),
		"91 days of adpos":   q("action", "publisher_adpos_general", "start_date", "2024-12-09"),
		"61 days of cps":     q("action", "publisher_cps_general", "start_date", "2025-01-08"),
		"page 0":             q("action", "publisher_cps_general", "page", "0"),
		"page_size 201":      q("action", "publisher_cps_general", "page_size", "201"),
		"start after end":    q("action", "publisher_settlement", "start_date", "2025-03-10"),
		"bad slot":           q("action", "publisher_adpos_general", "ad_slot", "SLOT_X"),
		"slot on settlement": q("action", "publisher_settlement", "ad_slot", "SLOT_ID_BIZ_CPS"),
	} {
		if a := call(v); a.BaseResp.Ret != 1701 {
			t.Errorf("%s: ret %d, want 1701", name, a.BaseResp.Ret)
		}
	}
	wantCode(t, do(t, env, http.MethodPost, "/publisher/stat", q("action", "publisher_settlement"), "{}"), 43001)
}
