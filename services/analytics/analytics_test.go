package analytics_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1/analyticsv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/analytics"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
)

// cst is the platform's time zone.
var cst = time.FixedZone("CST", 8*3600)

// start is the frozen simulated now of every env: 2025-03-10 10:00 in Asia/Shanghai, so
// yesterday is 2025-03-09.
var start = time.Date(2025, 3, 10, 10, 0, 0, 0, cst)

// env is a frozen sandbox and one wxsuite process (token and analytics services)
// pointed at it, with Connect and gRPC clients.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	url      string
	client   analyticsv1connect.AnalyticsServiceClient
	grpcConn *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAuth(t, "auth: {disabled: true}", "")
}

// newEnvAuth is newEnv with the given auth section and the account's callback URL.
func newEnvAuth(t *testing.T, authYAML, callbackURL string) *env {
	t.Helper()
	e := &env{appID: "wxa" + randomHex(6)}
	acct := sandbox.Account{AppID: e.appID, AppSecret: "secret" + randomHex(6)}
	if callbackURL != "" {
		acct.CallbackURL, acct.CallbackToken = callbackURL, "cbtoken"
	}
	var sb *sandbox.Sandbox
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{acct},
		Sandbox:  &sandbox.Options{Now: func() time.Time { return start }, PushRetries: -1},
		Auth:     authYAML,
		WeChat:   "max_retries: 0",
		Modules:  []fx.Option{analytics.Module, fx.Supply(analytics.Clock(func() time.Time { return sb.Now() }))},
	})
	sb = st.Sandbox.Sandbox
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	e.client = analyticsv1connect.NewAnalyticsServiceClient(http.DefaultClient, e.url)
	return e
}

// calls counts the sandbox's calls of path (every path when "") for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// unix is the Unix time of day d of March 2025 at hour h in Asia/Shanghai.
func unix(d, h int) int64 { return time.Date(2025, 3, d, h, 0, 0, 0, cst).Unix() }

// wantWeChatCode fails unless err has code and a WECHAT_ERRCODE detail with errcode.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	info, ok := wechat.ErrorInfoFrom(err)
	if !ok || info.GetReason() != wechat.ErrorInfoReason || info.GetMetadata()["errcode"] != fmt.Sprint(errcode) {
		t.Fatalf("error %v: WECHAT_ERRCODE detail %v, want errcode %d", err, info, errcode)
	}
}

func TestUserStatistics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for i, d := range []int{1, 2, 2, 8, 9} {
		scene := "ADD_SCENE_QR_CODE"
		if i == 0 {
			scene = "ADD_SCENE_SEARCH"
		}
		e.sb.AddUser(t, e.appID, sandbox.User{OpenID: fmt.Sprintf("o-%d", i), SubscribeTime: unix(d, 12), SubscribeScene: scene})
	}
	// Nine days are two platform calls (7 + 2), merged in date order.
	before := e.calls("/datacube/getusersummary")
	got, err := e.client.GetUserSummary(ctx, &analyticsv1.GetUserSummaryRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-09"})
	if err != nil {
		t.Fatal(err)
	}
	if n := e.calls("/datacube/getusersummary") - before; n != 2 {
		t.Errorf("GetUserSummary over 9 days made %d calls, want 2", n)
	}
	want := []string{"2025-03-01 1 +1", "2025-03-02 30 +2", "2025-03-08 30 +1", "2025-03-09 30 +1"}
	var have []string
	for _, r := range got.GetRows() {
		have = append(have, fmt.Sprintf("%s %d +%d", r.GetRefDate(), r.GetUserSource(), r.GetNewUser()))
	}
	if strings.Join(have, ",") != strings.Join(want, ",") {
		t.Errorf("GetUserSummary = %q, want %q", have, want)
	}

	// Cumulate over gRPC: 8 days are 2 calls, one row per day.
	g := analyticsv1.NewAnalyticsServiceClient(e.grpcConn)
	cum, err := g.GetUserCumulate(ctx, &analyticsv1.GetUserCumulateRequest{AppId: e.appID, BeginDate: "2025-03-02", EndDate: "2025-03-09"})
	if err != nil {
		t.Fatal(err)
	}
	rows := cum.GetRows()
	if len(rows) != 8 || rows[0].GetRefDate() != "2025-03-02" || rows[0].GetCumulateUser() != 3 || rows[6].GetCumulateUser() != 4 || rows[7].GetCumulateUser() != 5 {
		t.Errorf("GetUserCumulate over gRPC = %v", rows)
	}
	_, err = g.GetUserCumulate(ctx, &analyticsv1.GetUserCumulateRequest{AppId: e.appID, BeginDate: "2025-03-02", EndDate: "2025-03-10"})
	if status.Code(err) != codes.InvalidArgument || !strings.HasPrefix(status.Convert(err).Message(), "end_date: ") {
		t.Errorf("today over gRPC: %v", err)
	}

	// REST: the same summary through the gateway.
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/analytics/users/summary?begin_date=2025-03-08&end_date=2025-03-09")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var rest struct {
		Rows []struct {
			RefDate string `json:"ref_date"`
			NewUser string `json:"new_user"`
		} `json:"rows"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &rest) != nil || len(rest.Rows) != 2 || rest.Rows[1].RefDate != "2025-03-09" || rest.Rows[1].NewUser != "1" {
		t.Errorf("REST summary: %d %s", resp.StatusCode, body)
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	c := e.client
	app := e.appID
	rangeOf := func(b, en string) *analyticsv1.GetUserSummaryRequest {
		return &analyticsv1.GetUserSummaryRequest{AppId: app, BeginDate: b, EndDate: en}
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"no app", func() error {
			_, err := c.GetUserSummary(ctx, &analyticsv1.GetUserSummaryRequest{BeginDate: "2025-03-01", EndDate: "2025-03-01"})
			return err
		}, "app_id"},
		{"no begin", func() error { _, err := c.GetUserSummary(ctx, rangeOf("", "2025-03-01")); return err }, "begin_date"},
		{"bad begin", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2025/03/01", "2025-03-01")); return err }, "begin_date"},
		{"bad end", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2025-03-01", "2025-02-30")); return err }, "end_date"},
		{"end before begin", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2025-03-05", "2025-03-01")); return err }, "end_date"},
		{"today", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2025-03-09", "2025-03-10")); return err }, "end_date"},
		{"before the datacube", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2014-11-30", "2014-12-02")); return err }, "begin_date"},
		{"over max_range_days", func() error { _, err := c.GetUserSummary(ctx, rangeOf("2024-03-08", "2025-03-09")); return err }, "end_date"},
		{"31 days of weeks", func() error {
			_, err := c.GetUpstreamMsgWeek(ctx, &analyticsv1.GetUpstreamMsgWeekRequest{AppId: app, BeginDate: "2025-02-07", EndDate: "2025-03-09"})
			return err
		}, "end_date"},
		{"31 days of dist months", func() error {
			_, err := c.GetUpstreamMsgDistMonth(ctx, &analyticsv1.GetUpstreamMsgDistMonthRequest{AppId: app, BeginDate: "2025-02-07", EndDate: "2025-03-09"})
			return err
		}, "end_date"},
		{"card source", func() error {
			_, err := c.GetCardBizUinInfo(ctx, &analyticsv1.GetCardBizUinInfoRequest{AppId: app, BeginDate: "2025-03-01", EndDate: "2025-03-01"})
			return err
		}, "source"},
		{"card id", func() error {
			_, err := c.GetCardCardInfo(ctx, &analyticsv1.GetCardCardInfoRequest{AppId: app, BeginDate: "2025-03-01", EndDate: "2025-03-01", Source: analyticsv1.CardSource_CARD_SOURCE_API, CardId: "p?1"})
			return err
		}, "card_id"},
		{"member card id", func() error {
			_, err := c.GetCardMemberCardDetail(ctx, &analyticsv1.GetCardMemberCardDetailRequest{AppId: app, BeginDate: "2025-03-01", EndDate: "2025-03-01"})
			return err
		}, "card_id"},
		{"91 days of ads", func() error {
			_, err := c.GetPublisherAdPosGeneral(ctx, &analyticsv1.GetPublisherAdPosGeneralRequest{AppId: app, StartDate: "2024-12-09", EndDate: "2025-03-09"})
			return err
		}, "end_date"},
		{"61 days of cps", func() error {
			_, err := c.GetPublisherCpsGeneral(ctx, &analyticsv1.GetPublisherCpsGeneralRequest{AppId: app, StartDate: "2025-01-08", EndDate: "2025-03-09"})
			return err
		}, "end_date"},
		{"page size", func() error {
			_, err := c.GetPublisherSettlement(ctx, &analyticsv1.GetPublisherSettlementRequest{AppId: app, StartDate: "2025-01-08", EndDate: "2025-03-09", PageSize: 201})
			return err
		}, "page_size"},
		{"negative page", func() error {
			_, err := c.GetPublisherSettlement(ctx, &analyticsv1.GetPublisherSettlementRequest{AppId: app, StartDate: "2025-01-08", EndDate: "2025-03-09", Page: -1})
			return err
		}, "page"},
		{"ad slot", func() error {
			_, err := c.GetPublisherAdPosGeneral(ctx, &analyticsv1.GetPublisherAdPosGeneralRequest{AppId: app, StartDate: "2025-03-01", EndDate: "2025-03-09", AdSlot: 99})
			return err
		}, "ad_slot"},
	}
	before := e.calls("")
	for _, tt := range tests {
		err := tt.call()
		if connect.CodeOf(err) != connect.CodeInvalidArgument {
			t.Errorf("%s: %v, want InvalidArgument", tt.name, err)
			continue
		}
		if msg := err.(*connect.Error).Message(); !strings.HasPrefix(msg, tt.field+": ") {
			t.Errorf("%s: message %q does not start with %q", tt.name, msg, tt.field+": ")
		}
	}
	if n := e.calls("") - before; n != 0 {
		t.Errorf("refused requests made %d calls to the platform", n)
	}
	_, err := c.GetUserRead(ctx, &analyticsv1.GetUserReadRequest{AppId: "wx-not-configured", BeginDate: "2025-03-01", EndDate: "2025-03-01"})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown app: %v", err)
	}
}

func TestUpstreamAndInterface(t *testing.T) {
	t.Parallel()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "fail") {
			w.WriteHeader(http.StatusBadGateway)
		}
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(cb.Close)
	e := newEnvAuth(t, "auth: {disabled: true}", cb.URL+"/wx")
	ctx := t.Context()
	c := e.client
	e.sb.AddUser(t, e.appID, sandbox.User{OpenID: "o-a"})
	for range 3 {
		if _, err := e.sb.Sandbox.PushMessage(ctx, e.appID, "o-a", sandbox.Message{Type: sandbox.MsgText, Content: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	at := func(d, h int) time.Time { return time.Unix(unix(d, h), 0) }
	for _, m := range []struct {
		who, typ string
		at       time.Time
	}{
		{"o-a", sandbox.MsgText, at(3, 9)}, {"o-b", sandbox.MsgText, at(3, 9)}, {"o-b", sandbox.MsgVoice, at(4, 20)},
		{"o-a", sandbox.MsgImage, at(9, 23)},
	} {
		if err := e.sb.Sandbox.RecordUpstreamMessage(e.appID, m.who, m.typ, m.at); err != nil {
			t.Fatal(err)
		}
	}
	msg, err := c.GetUpstreamMsg(ctx, &analyticsv1.GetUpstreamMsgRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-09"})
	if err != nil {
		t.Fatal(err)
	}
	if r := msg.GetRows(); len(r) != 3 || r[0].GetMsgType() != 1 || r[0].GetMsgUser() != 2 || r[0].GetMsgCount() != 2 || r[2].GetRefDate() != "2025-03-09" {
		t.Errorf("GetUpstreamMsg = %v", r)
	}
	before := e.calls("/datacube/getupstreammsghour")
	hour, err := c.GetUpstreamMsgHour(ctx, &analyticsv1.GetUpstreamMsgHourRequest{AppId: e.appID, BeginDate: "2025-03-03", EndDate: "2025-03-04"})
	if err != nil {
		t.Fatal(err)
	}
	if r := hour.GetRows(); len(r) != 2 || r[0].GetRefHour() != 900 || r[1].GetRefHour() != 2000 || e.calls("/datacube/getupstreammsghour")-before != 2 {
		t.Errorf("GetUpstreamMsgHour = %v", r)
	}
	// REST with a custom verb: the hourly rows of the 3rd.
	resp, err := http.Get(e.url + "/v1/apps/" + e.appID + "/analytics/messages/summary:hourly?begin_date=2025-03-03&end_date=2025-03-03")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var rest struct {
		Rows []struct {
			RefHour int `json:"ref_hour"`
		} `json:"rows"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &rest) != nil || len(rest.Rows) != 1 || rest.Rows[0].RefHour != 900 {
		t.Errorf("REST hourly: %d %s", resp.StatusCode, body)
	}
	week, err := c.GetUpstreamMsgWeek(ctx, &analyticsv1.GetUpstreamMsgWeekRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-09"})
	if err != nil || len(week.GetRows()) != 3 || week.GetRows()[0].GetRefDate() != "2025-03-03" {
		t.Errorf("GetUpstreamMsgWeek = %v, %v", week.GetRows(), err)
	}
	month, err := c.GetUpstreamMsgMonth(ctx, &analyticsv1.GetUpstreamMsgMonthRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-09"})
	if err != nil || len(month.GetRows()) != 3 || month.GetRows()[0].GetRefDate() != "2025-03-01" {
		t.Errorf("GetUpstreamMsgMonth = %v, %v", month.GetRows(), err)
	}
	dist, err := c.GetUpstreamMsgDist(ctx, &analyticsv1.GetUpstreamMsgDistRequest{AppId: e.appID, BeginDate: "2025-03-03", EndDate: "2025-03-03"})
	if r := dist.GetRows(); err != nil || len(r) != 1 || r[0].GetCountInterval() != 1 || r[0].GetMsgUser() != 2 {
		t.Errorf("GetUpstreamMsgDist = %v, %v", r, err)
	}
	dw, err := c.GetUpstreamMsgDistWeek(ctx, &analyticsv1.GetUpstreamMsgDistWeekRequest{AppId: e.appID, BeginDate: "2025-03-03", EndDate: "2025-03-09"})
	if r := dw.GetRows(); err != nil || len(r) != 1 || r[0].GetMsgUser() != 2 {
		t.Errorf("GetUpstreamMsgDistWeek = %v, %v", r, err)
	}
	dm, err := c.GetUpstreamMsgDistMonth(ctx, &analyticsv1.GetUpstreamMsgDistMonthRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-09"})
	if r := dm.GetRows(); err != nil || len(r) != 1 || r[0].GetRefDate() != "2025-03-01" || r[0].GetMsgUser() != 2 {
		t.Errorf("GetUpstreamMsgDistMonth = %v, %v", r, err)
	}

	// The three pushes of today show tomorrow.
	e.sb.Sandbox.Advance(24 * time.Hour)
	is, err := c.GetInterfaceSummary(ctx, &analyticsv1.GetInterfaceSummaryRequest{AppId: e.appID, BeginDate: "2025-03-09", EndDate: "2025-03-10"})
	if r := is.GetRows(); err != nil || len(r) != 1 || r[0].GetRefDate() != "2025-03-10" || r[0].GetCallbackCount() != 3 || r[0].GetFailCount() != 0 {
		t.Errorf("GetInterfaceSummary = %v, %v", r, err)
	}
	ih, err := c.GetInterfaceSummaryHour(ctx, &analyticsv1.GetInterfaceSummaryHourRequest{AppId: e.appID, BeginDate: "2025-03-10", EndDate: "2025-03-10"})
	if r := ih.GetRows(); err != nil || len(r) != 1 || r[0].GetRefHour() != 1000 {
		t.Errorf("GetInterfaceSummaryHour = %v, %v", r, err)
	}
}

func TestArticlesAndCards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	c := e.client
	sb := e.sb.Sandbox
	app := e.appID
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sb.RecordArticleSummary(app, sandbox.ArticleSummaryStat{RefDate: "2025-03-07", MsgID: "100_1", Title: "标题 & <b>",
		ArticleReadStats: sandbox.ArticleReadStats{IntPageReadCount: 7, AddToFavUser: 2}},
		sandbox.ArticleSummaryStat{RefDate: "2025-03-09", MsgID: "101_1", Title: "b"}))
	must(sb.RecordArticleTotal(app, sandbox.ArticleTotalStat{RefDate: "2025-03-08", MsgID: "100_1", Title: "a",
		Details: []sandbox.ArticleTotalDetail{{StatDate: "2025-03-08", TargetUser: 9, ArticleReadStats: sandbox.ArticleReadStats{ShareCount: 4}, FeedShareFromOtherCnt: 3}}}))
	must(sb.RecordUserRead(app, sandbox.UserReadStat{RefDate: "2025-03-08", UserSource: 99999999, ArticleReadStats: sandbox.ArticleReadStats{OriPageReadUser: 6}},
		sandbox.UserReadStat{RefDate: "2025-03-08", Hourly: true, RefHour: 1500, UserSource: 1}))
	must(sb.RecordUserShare(app, sandbox.UserShareStat{RefDate: "2025-03-08", ShareScene: 2, ShareCount: 3, ShareUser: 2},
		sandbox.UserShareStat{RefDate: "2025-03-08", Hourly: true, RefHour: 2300, ShareScene: 1, ShareCount: 1}))
	must(sb.RecordCardBizUinInfo(app, sandbox.CardBizUinStat{RefDate: "2025-03-08", CondSource: 1, CardStats: sandbox.CardStats{ViewCnt: 4, ExpireUser: 1}}))
	must(sb.RecordCardCardInfo(app, sandbox.CardCardStat{RefDate: "2025-03-08", CardID: "pcard1", CardType: 1, CardStats: sandbox.CardStats{VerifyCnt: 2}},
		sandbox.CardCardStat{RefDate: "2025-03-08", CardID: "pcard2"}))
	must(sb.RecordMemberCardInfo(app, sandbox.MemberCardStat{RefDate: "2025-03-08", ActiveUser: 3, TotalReceiveUser: 10}))
	must(sb.RecordMemberCardDetail(app, sandbox.MemberCardDetailStat{RefDate: "2025-03-08", CardID: "pmember", MerchantType: 1, PayOriginalFee: 100, Fee: 90}))

	// Three days of article summaries are three calls.
	before := e.calls("/datacube/getarticlesummary")
	as, err := c.GetArticleSummary(ctx, &analyticsv1.GetArticleSummaryRequest{AppId: app, BeginDate: "2025-03-07", EndDate: "2025-03-09"})
	if r := as.GetRows(); err != nil || len(r) != 2 || r[0].GetTitle() != "标题 & <b>" || r[0].GetStats().GetIntPageReadCount() != 7 ||
		r[0].GetStats().GetAddToFavUser() != 2 || r[1].GetMsgid() != "101_1" || e.calls("/datacube/getarticlesummary")-before != 3 {
		t.Errorf("GetArticleSummary = %v, %v", r, err)
	}
	at, err := c.GetArticleTotal(ctx, &analyticsv1.GetArticleTotalRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08"})
	if r := at.GetRows(); err != nil || len(r) != 1 || len(r[0].GetDetails()) != 1 || r[0].GetDetails()[0].GetTargetUser() != 9 ||
		r[0].GetDetails()[0].GetStats().GetShareCount() != 4 || r[0].GetDetails()[0].GetFeedShareFromOtherCnt() != 3 {
		t.Errorf("GetArticleTotal = %v, %v", r, err)
	}
	ur, err := c.GetUserRead(ctx, &analyticsv1.GetUserReadRequest{AppId: app, BeginDate: "2025-03-07", EndDate: "2025-03-09"})
	if r := ur.GetRows(); err != nil || len(r) != 1 || r[0].GetUserSource() != 99999999 || r[0].GetStats().GetOriPageReadUser() != 6 {
		t.Errorf("GetUserRead = %v, %v", r, err)
	}
	urh, err := c.GetUserReadHour(ctx, &analyticsv1.GetUserReadHourRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08"})
	if r := urh.GetRows(); err != nil || len(r) != 1 || r[0].GetRefHour() != 1500 || r[0].GetUserSource() != 1 {
		t.Errorf("GetUserReadHour = %v, %v", r, err)
	}
	us, err := c.GetUserShare(ctx, &analyticsv1.GetUserShareRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08"})
	if r := us.GetRows(); err != nil || len(r) != 1 || r[0].GetShareScene() != 2 || r[0].GetShareUser() != 2 {
		t.Errorf("GetUserShare = %v, %v", r, err)
	}
	ush, err := c.GetUserShareHour(ctx, &analyticsv1.GetUserShareHourRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08"})
	if r := ush.GetRows(); err != nil || len(r) != 1 || r[0].GetRefHour() != 2300 {
		t.Errorf("GetUserShareHour = %v, %v", r, err)
	}
	biz, err := c.GetCardBizUinInfo(ctx, &analyticsv1.GetCardBizUinInfoRequest{AppId: app, BeginDate: "2025-03-01", EndDate: "2025-03-09", Source: analyticsv1.CardSource_CARD_SOURCE_API})
	if r := biz.GetRows(); err != nil || len(r) != 1 || r[0].GetStats().GetViewCnt() != 4 || r[0].GetStats().GetExpireUser() != 1 {
		t.Errorf("GetCardBizUinInfo = %v, %v", r, err)
	}
	biz, err = c.GetCardBizUinInfo(ctx, &analyticsv1.GetCardBizUinInfoRequest{AppId: app, BeginDate: "2025-03-01", EndDate: "2025-03-09", Source: analyticsv1.CardSource_CARD_SOURCE_PLATFORM})
	if err != nil || len(biz.GetRows()) != 0 {
		t.Errorf("GetCardBizUinInfo of console cards = %v, %v", biz.GetRows(), err)
	}
	cc, err := c.GetCardCardInfo(ctx, &analyticsv1.GetCardCardInfoRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08", Source: analyticsv1.CardSource_CARD_SOURCE_PLATFORM, CardId: "pcard1"})
	if r := cc.GetRows(); err != nil || len(r) != 1 || r[0].GetCardId() != "pcard1" || r[0].GetCardType() != 1 || r[0].GetStats().GetVerifyCnt() != 2 {
		t.Errorf("GetCardCardInfo = %v, %v", r, err)
	}
	mc, err := c.GetCardMemberCardInfo(ctx, &analyticsv1.GetCardMemberCardInfoRequest{AppId: app, BeginDate: "2025-03-08", EndDate: "2025-03-08", Source: analyticsv1.CardSource_CARD_SOURCE_PLATFORM})
	if r := mc.GetRows(); err != nil || len(r) != 1 || r[0].GetActiveUser() != 3 || r[0].GetTotalReceiveUser() != 10 {
		t.Errorf("GetCardMemberCardInfo = %v, %v", r, err)
	}
	md, err := c.GetCardMemberCardDetail(ctx, &analyticsv1.GetCardMemberCardDetailRequest{AppId: app, CardId: "pmember", BeginDate: "2025-03-08", EndDate: "2025-03-08"})
	if r := md.GetRows(); err != nil || len(r) != 1 || r[0].GetCardid() != "pmember" || r[0].GetPayOriginalFee() != 100 || r[0].GetFee() != 90 || r[0].GetMerchanttype() != 1 {
		t.Errorf("GetCardMemberCardDetail = %v, %v", r, err)
	}
}

func TestPublisher(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	c := e.client
	app := e.appID
	_, err := c.GetPublisherAdPosGeneral(ctx, &analyticsv1.GetPublisherAdPosGeneralRequest{AppId: app, StartDate: "2025-03-01", EndDate: "2025-03-09"})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 2009)

	sb := e.sb.Sandbox
	if err := sb.RecordPublisherAdPos(app,
		sandbox.PublisherAdPosStat{SlotID: 7, AdSlot: "SLOT_ID_BIZ_BOTTOM", Date: "2025-03-02", ReqSuccCount: 10, ExposureCount: 5, Income: 20, ClickRate: 0.5},
		sandbox.PublisherAdPosStat{SlotID: 8, AdSlot: "SLOT_ID_BIZ_CPS", Date: "2025-03-03", ReqSuccCount: 10, ExposureCount: 5, Income: 30}); err != nil {
		t.Fatal(err)
	}
	if err := sb.RecordPublisherCps(app, sandbox.PublisherCpsStat{Date: "2025-03-04", OrderCount: 2, TotalFee: 500, OrderRate: 0.25}); err != nil {
		t.Fatal(err)
	}
	if err := sb.SetPublisherSettlement(app, sandbox.PublisherSettlementInfo{Body: "某某公司", RevenueAll: 1000, SettledRevenueAll: 800},
		sandbox.PublisherSettlement{Date: "2025-02-15", Zone: "1-15日", Month: "202502", Order: 1, SettStatus: 4, SettledRevenue: 800, SettNo: "S1",
			SlotRevenue: []sandbox.PublisherSlotRevenue{{SlotID: "7", SlotSettledRevenue: 800}}}); err != nil {
		t.Fatal(err)
	}
	ad, err := c.GetPublisherAdPosGeneral(ctx, &analyticsv1.GetPublisherAdPosGeneralRequest{AppId: app, StartDate: "2025-03-01", EndDate: "2025-03-09", PageSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r := ad.GetRows(); ad.GetTotalNum() != 2 || len(r) != 1 || r[0].GetDate() != "2025-03-03" || r[0].GetAdSlot() != "SLOT_ID_BIZ_CPS" ||
		ad.GetSummary().GetIncome() != 50 || ad.GetSummary().GetExposureRate() != 0.5 {
		t.Errorf("GetPublisherAdPosGeneral = %v", ad)
	}
	ad, err = c.GetPublisherAdPosGeneral(ctx, &analyticsv1.GetPublisherAdPosGeneralRequest{AppId: app, StartDate: "2025-03-01", EndDate: "2025-03-09", AdSlot: analyticsv1.AdSlot_AD_SLOT_BIZ_BOTTOM})
	if r := ad.GetRows(); err != nil || len(r) != 1 || r[0].GetSlotId() != 7 || r[0].GetStats().GetClickRate() != 0.5 {
		t.Errorf("GetPublisherAdPosGeneral by slot = %v, %v", ad, err)
	}
	g := analyticsv1.NewAnalyticsServiceClient(e.grpcConn)
	cps, err := g.GetPublisherCpsGeneral(ctx, &analyticsv1.GetPublisherCpsGeneralRequest{AppId: app, StartDate: "2025-03-01", EndDate: "2025-03-09"})
	if r := cps.GetRows(); err != nil || len(r) != 1 || r[0].GetStats().GetOrderRate() != 0.25 || cps.GetSummary().GetTotalFee() != 500 {
		t.Errorf("GetPublisherCpsGeneral over gRPC = %v, %v", cps, err)
	}
	// REST: settlement through the gateway.
	resp, err := http.Get(e.url + "/v1/apps/" + app + "/analytics/publisher/settlement?start_date=2025-01-01&end_date=2025-03-09")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st struct {
		Body        string `json:"body"`
		Settlements []struct {
			SettNo      string `json:"sett_no"`
			SlotRevenue []struct {
				SlotID string `json:"slot_id"`
			} `json:"slot_revenue"`
		} `json:"settlements"`
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &st) != nil || st.Body != "某某公司" || len(st.Settlements) != 1 ||
		st.Settlements[0].SettNo != "S1" || len(st.Settlements[0].SlotRevenue) != 1 || st.Settlements[0].SlotRevenue[0].SlotID != "7" {
		t.Errorf("REST settlement: %d %s", resp.StatusCode, body)
	}
}

func TestUpstreamErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	// An errcode from the platform keeps it as the ErrorInfo detail.
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 61501, Paths: []string{"/datacube/getusershare"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err := e.client.GetUserShare(ctx, &analyticsv1.GetUserShareRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-02"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 61501)

	// A failure in the second call of a split range says which call failed.
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 45009, Paths: []string{"/datacube/getinterfacesummaryhour"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.client.GetInterfaceSummaryHour(ctx, &analyticsv1.GetInterfaceSummaryHourRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-01"}); err == nil {
		t.Fatal("the fault did not apply")
	}
	_, err = e.client.GetInterfaceSummaryHour(ctx, &analyticsv1.GetInterfaceSummaryHourRequest{AppId: e.appID, BeginDate: "2025-03-01", EndDate: "2025-03-02"})
	if err != nil {
		t.Fatalf("after the fault: %v", err)
	}
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 45009, Paths: []string{"/datacube/getusercumulate"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.client.GetUserCumulate(ctx, &analyticsv1.GetUserCumulateRequest{AppId: e.appID, BeginDate: "2025-02-01", EndDate: "2025-03-09"})
	wantWeChatCode(t, err, connect.CodeResourceExhausted, 45009)
	if !strings.Contains(err.Error(), "call 1 of 6 (2025-02-01 to 2025-02-07) failed") {
		t.Errorf("split error message: %v", err)
	}
}

const (
	readerKey = "wxsk_test_analytics_reader_0123456789abcdef"
	otherKey  = "wxsk_test_analytics_other_0123456789abcdefg"
)

func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [analytics.read]}
    - {id: other, key: %q, app_ids: ["*"], scopes: [audience.read]}`, readerKey, otherKey), "")
	ctx := t.Context()
	req := &analyticsv1.GetUserCumulateRequest{AppId: e.appID, BeginDate: "2025-03-09", EndDate: "2025-03-09"}
	reader := analyticsv1connect.NewAnalyticsServiceClient(http.DefaultClient, e.url, authtest.Bearer(readerKey))
	other := analyticsv1connect.NewAnalyticsServiceClient(http.DefaultClient, e.url, authtest.Bearer(otherKey))
	if _, err := reader.GetUserCumulate(ctx, req); err != nil {
		t.Errorf("reader: %v", err)
	}
	if _, err := other.GetUserCumulate(ctx, req); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("key without analytics.read: %v", err)
	}
	if _, err := other.GetPublisherSettlement(ctx, &analyticsv1.GetPublisherSettlementRequest{AppId: e.appID, StartDate: "2025-03-09", EndDate: "2025-03-09"}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("key without analytics.read, publisher: %v", err)
	}
	if _, err := e.client.GetUserCumulate(ctx, req); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("no key: %v", err)
	}
}
