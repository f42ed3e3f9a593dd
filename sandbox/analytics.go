package sandbox

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Datacube (数据统计) errcodes (facts.md §3, §5).
const (
	// codeAnalyticsDateFormat is a begin_date or end_date that is missing or not
	// "YYYY-MM-DD".
	codeAnalyticsDateFormat = 61500
	// codeAnalyticsDateRange is a range the endpoint refuses: begin after end, longer than
	// its maximum span, ending today or later, or starting before 2014-12-01.
	codeAnalyticsDateRange = 61501
)

// analyticsErrmsgs are the errmsg texts of the datacube errcodes.
var analyticsErrmsgs = map[int]string{
	codeAnalyticsDateFormat: "date format error",
	codeAnalyticsDateRange:  "date range error",
}

// analyticsFirstDay is the first day the datacube has data for (facts.md §5).
const analyticsFirstDay = "2014-12-01"

// analyticsState is an account's datacube and publisher statistics state: the activity
// the sandbox saw (unfollows, messages users sent) and the statistics recorded through
// the Record methods for what the sandbox has no activity of (articles, cards, ads).
type analyticsState struct {
	unfollows []analyticsUnfollow
	upstream  []analyticsUpstream

	articleSummary []ArticleSummaryStat
	articleTotal   []ArticleTotalStat
	userRead       []UserReadStat
	userShare      []UserShareStat

	cardBizUin        []CardBizUinStat
	cardCard          []CardCardStat
	memberCard        []MemberCardStat
	memberCardDetail  []MemberCardDetailStat
	publisherEnabled  bool
	publisherAdPos    []PublisherAdPosStat
	publisherCps      []PublisherCpsStat
	publisherSettle   []PublisherSettlement
	publisherSettleOf PublisherSettlementInfo
}

// analyticsUnfollow is one unfollow: when the user had followed (and how) and when they
// left.
type analyticsUnfollow struct {
	openID     string
	subscribed time.Time
	scene      string
	at         time.Time
}

// analyticsUpstream is one message a user sent to the account.
type analyticsUpstream struct {
	openID  string
	msgType int
	at      time.Time
}

// analyticsSpan is the maximum number of days (end − begin + 1) of each datacube path
// (facts.md §5; the card statistics allow 62). getupstreammsgdistweek and
// getupstreammsgdistmonth follow the classic table (30), not the newer page (15).
var analyticsSpan = map[string]int{
	"/datacube/getusersummary":          7,
	"/datacube/getusercumulate":         7,
	"/datacube/getarticlesummary":       1,
	"/datacube/getarticletotal":         1,
	"/datacube/getuserread":             3,
	"/datacube/getuserreadhour":         1,
	"/datacube/getusershare":            7,
	"/datacube/getusersharehour":        1,
	"/datacube/getupstreammsg":          7,
	"/datacube/getupstreammsghour":      1,
	"/datacube/getupstreammsgweek":      30,
	"/datacube/getupstreammsgmonth":     30,
	"/datacube/getupstreammsgdist":      15,
	"/datacube/getupstreammsgdistweek":  30,
	"/datacube/getupstreammsgdistmonth": 30,
	"/datacube/getinterfacesummary":     30,
	"/datacube/getinterfacesummaryhour": 1,
	"/datacube/getcardbizuininfo":       62,
	"/datacube/getcardcardinfo":         62,
	"/datacube/getcardmembercardinfo":   62,
	"/datacube/getcardmembercarddetail": 62,
}

// registerAnalytics adds the datacube and publisher statistics endpoints to m.
func registerAnalytics(m map[string]endpoint) {
	for p := range analyticsSpan {
		m[p] = endpoint{method: http.MethodPost, serve: serveAnalyticsDatacube}
	}
	m[pathPublisherStat] = endpoint{method: http.MethodGet, serve: servePublisherStat}
}

// analyticsRequest is the body of every datacube call.
type analyticsRequest struct {
	BeginDate  string `json:"begin_date"`
	EndDate    string `json:"end_date"`
	CondSource *int   `json:"cond_source"`
	CardID     string `json:"card_id"`
}

// analyticsRange is a checked range of days.
type analyticsRange struct {
	begin, end string // "YYYY-MM-DD"
}

// contains reports whether day ("YYYY-MM-DD") is in r.
func (r analyticsRange) contains(day string) bool { return day >= r.begin && day <= r.end }

// days lists r's days in order.
func (r analyticsRange) days() []string {
	var out []string
	b, _ := time.ParseInLocation(time.DateOnly, r.begin, shanghai)
	for d := b; dayKey(d) <= r.end; d = d.AddDate(0, 0, 1) {
		out = append(out, dayKey(d))
	}
	return out
}

// parseAnalyticsDate parses a strict "YYYY-MM-DD" day of Asia/Shanghai.
func parseAnalyticsDate(s string) (time.Time, bool) {
	if len(s) != len(time.DateOnly) {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	return t, err == nil
}

// checkAnalyticsRange checks a datacube range: 61500 for a malformed date, 61501 for a
// range the platform refuses (maxSpan days at most, ending yesterday at the latest).
func checkAnalyticsRange(begin, end string, maxSpan int, now time.Time) (analyticsRange, int) {
	b, ok1 := parseAnalyticsDate(begin)
	e, ok2 := parseAnalyticsDate(end)
	if !ok1 || !ok2 {
		return analyticsRange{}, codeAnalyticsDateFormat
	}
	switch {
	case b.After(e), begin < analyticsFirstDay, end >= dayKey(now):
		return analyticsRange{}, codeAnalyticsDateRange
	case int(e.Sub(b).Hours()/24)+1 > maxSpan:
		return analyticsRange{}, codeAnalyticsDateRange
	}
	return analyticsRange{begin: begin, end: end}, codeOK
}

// analyticsFail is the errcode envelope with the datacube's errmsg texts.
func analyticsFail(code int) answer {
	if msg, ok := analyticsErrmsgs[code]; ok {
		return answer{errcode: code, errmsg: msg + " rid: sandbox"}
	}
	return fail(code)
}

// analyticsList is the datacube's answer: {"list":[…]} without errcode.
type analyticsList struct {
	List any `json:"list"`
}

// serveAnalyticsDatacube answers every /datacube/ path: the body and range first, then
// the path's statistics.
func serveAnalyticsDatacube(s *Sandbox, c *apiCall) answer {
	var req analyticsRequest
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	path := c.r.URL.Path
	r, code := checkAnalyticsRange(req.BeginDate, req.EndDate, analyticsSpan[path], c.now)
	if code != codeOK {
		return analyticsFail(code)
	}
	st := &c.a.analytics
	if strings.HasPrefix(path, "/datacube/getcard") {
		return serveAnalyticsCard(st, path, r, req)
	}
	var list any
	switch path {
	case "/datacube/getusersummary":
		list = analyticsUserSummary(c.a, r)
	case "/datacube/getusercumulate":
		list = analyticsUserCumulate(c.a, r)
	case "/datacube/getarticlesummary":
		list = analyticsFilter(st.articleSummary, r, func(x ArticleSummaryStat) string { return x.RefDate })
	case "/datacube/getarticletotal":
		list = analyticsFilter(st.articleTotal, r, func(x ArticleTotalStat) string { return x.RefDate })
	case "/datacube/getuserread":
		list = analyticsDaily(analyticsFilter(st.userRead, r, func(x UserReadStat) string { return x.day(false) }),
			func(x UserReadStat) any {
				return userReadDaily{RefDate: x.RefDate, UserSource: x.UserSource, ArticleReadStats: x.ArticleReadStats}
			})
	case "/datacube/getuserreadhour":
		list = analyticsFilter(st.userRead, r, func(x UserReadStat) string { return x.day(true) })
	case "/datacube/getusershare":
		list = analyticsDaily(analyticsFilter(st.userShare, r, func(x UserShareStat) string { return x.day(false) }),
			func(x UserShareStat) any {
				return userShareDaily{RefDate: x.RefDate, ShareScene: x.ShareScene, ShareCount: x.ShareCount, ShareUser: x.ShareUser}
			})
	case "/datacube/getusersharehour":
		list = analyticsFilter(st.userShare, r, func(x UserShareStat) string { return x.day(true) })
	case "/datacube/getupstreammsg":
		list = analyticsUpstreamMsg(st, r, analyticsByDay, false)
	case "/datacube/getupstreammsghour":
		list = analyticsUpstreamMsg(st, r, analyticsByDay, true)
	case "/datacube/getupstreammsgweek":
		list = analyticsUpstreamMsg(st, r, analyticsByWeek, false)
	case "/datacube/getupstreammsgmonth":
		list = analyticsUpstreamMsg(st, r, analyticsByMonth, false)
	case "/datacube/getupstreammsgdist":
		list = analyticsUpstreamDist(st, r, analyticsByDay)
	case "/datacube/getupstreammsgdistweek":
		list = analyticsUpstreamDist(st, r, analyticsByWeek)
	case "/datacube/getupstreammsgdistmonth":
		list = analyticsUpstreamDist(st, r, analyticsByMonth)
	case "/datacube/getinterfacesummary":
		list = s.analyticsInterfaceSummary(c.a.AppID, r, false)
	case "/datacube/getinterfacesummaryhour":
		list = s.analyticsInterfaceSummary(c.a.AppID, r, true)
	}
	return succeed(analyticsList{List: list})
}

// analyticsFilter returns the rows whose day (by date; "" excludes a row) is in r,
// in date order (stable: recorded order within a day); never nil.
func analyticsFilter[T any](rows []T, r analyticsRange, date func(T) string) []T {
	out := []T{}
	for _, x := range rows {
		if d := date(x); d != "" && r.contains(d) {
			out = append(out, x)
		}
	}
	slices.SortStableFunc(out, func(a, b T) int { return strings.Compare(date(a), date(b)) })
	return out
}

// userReadDaily is a getuserread entry: a UserReadStat without ref_hour.
type userReadDaily struct {
	RefDate    string `json:"ref_date"`
	UserSource int    `json:"user_source"`
	ArticleReadStats
}

// userShareDaily is a getusershare entry: a UserShareStat without ref_hour.
type userShareDaily struct {
	RefDate    string `json:"ref_date"`
	ShareScene int    `json:"share_scene"`
	ShareCount int64  `json:"share_count"`
	ShareUser  int64  `json:"share_user"`
}

// analyticsDaily converts rows to their daily entries.
func analyticsDaily[T any](rows []T, conv func(T) any) []any {
	out := make([]any, 0, len(rows))
	for _, r := range rows {
		out = append(out, conv(r))
	}
	return out
}

// analyticsUserSource maps a subscribe_scene to getusersummary's user_source
// (facts.md §5). Scenes without a source of their own count as 0 (other), as paid
// follows do since 2023-06.
func analyticsUserSource(scene string) int {
	switch scene {
	case "ADD_SCENE_SEARCH":
		return 1
	case "ADD_SCENE_PROFILE_CARD":
		return 17
	case "ADD_SCENE_QR_CODE":
		return 30
	case "ADD_SCENE_PROFILE_LINK":
		return 57
	case "ADD_SCENE_WECHAT_ADVERTISEMENT":
		return 100
	case "ADD_SCENE_REPRINT":
		return 161
	case "ADD_SCENE_CHANNELS":
		return 200
	case "ADD_SCENE_LIVESTREAM":
		return 201
	}
	return 0
}

// analyticsFollow is one follow or unfollow as the user statistics count it.
type analyticsFollow struct {
	at     time.Time
	source int
	cancel bool
}

// analyticsFollows lists the account's follows and unfollows: the latest subscription
// of every follower, and every recorded unfollow with the subscription it ended.
// Users who do not follow and whose unfollow the sandbox did not see (added as
// non-followers) are left out: when they followed and left is unknown.
func analyticsFollows(a *account) []analyticsFollow {
	var out []analyticsFollow
	for _, u := range a.users {
		if isFollower(u) && u.SubscribeTime > 0 {
			out = append(out, analyticsFollow{at: time.Unix(u.SubscribeTime, 0), source: analyticsUserSource(u.SubscribeScene)})
		}
	}
	for _, f := range a.analytics.unfollows {
		src := analyticsUserSource(f.scene)
		if !f.subscribed.IsZero() {
			out = append(out, analyticsFollow{at: f.subscribed, source: src})
		}
		out = append(out, analyticsFollow{at: f.at, source: src, cancel: true})
	}
	return out
}

// userSummaryItem is one getusersummary entry.
type userSummaryItem struct {
	RefDate    string `json:"ref_date"`
	UserSource int    `json:"user_source"`
	NewUser    int64  `json:"new_user"`
	CancelUser int64  `json:"cancel_user"`
}

// analyticsUserSummary counts follows and unfollows per day and source; a day and
// source without any has no entry.
func analyticsUserSummary(a *account, r analyticsRange) []userSummaryItem {
	type key struct {
		day    string
		source int
	}
	counts := map[key]*userSummaryItem{}
	for _, f := range analyticsFollows(a) {
		d := dayKey(f.at)
		if !r.contains(d) {
			continue
		}
		k := key{d, f.source}
		it := counts[k]
		if it == nil {
			it = &userSummaryItem{RefDate: d, UserSource: f.source}
			counts[k] = it
		}
		if f.cancel {
			it.CancelUser++
		} else {
			it.NewUser++
		}
	}
	out := []userSummaryItem{}
	for _, it := range counts {
		out = append(out, *it)
	}
	slices.SortFunc(out, func(x, y userSummaryItem) int {
		if c := strings.Compare(x.RefDate, y.RefDate); c != 0 {
			return c
		}
		return x.UserSource - y.UserSource
	})
	return out
}

// userCumulateItem is one getusercumulate entry.
type userCumulateItem struct {
	RefDate      string `json:"ref_date"`
	CumulateUser int64  `json:"cumulate_user"`
}

// analyticsUserCumulate counts the followers at the end of every day of r: the follows
// minus the unfollows up to that day (one pass over the follows, then a running sum).
func analyticsUserCumulate(a *account, r analyticsRange) []userCumulateItem {
	var before int64
	delta := map[string]int64{}
	for _, f := range analyticsFollows(a) {
		n := int64(1)
		if f.cancel {
			n = -1
		}
		switch d := dayKey(f.at); {
		case d < r.begin:
			before += n
		case d <= r.end:
			delta[d] += n
		}
	}
	out := []userCumulateItem{}
	n := before
	for _, d := range r.days() {
		n += delta[d]
		out = append(out, userCumulateItem{RefDate: d, CumulateUser: max(n, 0)})
	}
	return out
}

// noteUnfollow records that the follower u (as they were before) unfollowed at now.
// Callers hold s.mu. It is the hook of Sandbox.Unsubscribe.
func (st *analyticsState) noteUnfollow(u *User, now time.Time) {
	if u == nil {
		return
	}
	f := analyticsUnfollow{openID: u.OpenID, scene: u.SubscribeScene, at: now}
	if u.SubscribeTime > 0 {
		f.subscribed = time.Unix(u.SubscribeTime, 0)
	}
	st.unfollows = append(st.unfollows, f)
}

// analyticsMsgType maps a pushed MsgType to upstreammsg's msg_type: 1 text, 2 image,
// 3 voice, 4 video (and short video), 6 link (third-party app message); 0 for the
// types the statistics do not count (events, locations).
func analyticsMsgType(msgType string) int {
	switch msgType {
	case MsgText:
		return 1
	case MsgImage:
		return 2
	case MsgVoice:
		return 3
	case MsgVideo, MsgShortVideo:
		return 4
	case MsgLink:
		return 6
	}
	return 0
}

// analyticsNotePush records a message of msgType the user openID pushed to the account
// appID for the upstream message statistics; events and uncounted types are ignored. It
// is a hook of the push path (Sandbox.notePush).
func (s *Sandbox) analyticsNotePush(appID, openID, msgType string) {
	t := analyticsMsgType(msgType)
	if t == 0 {
		return
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.accounts[appID]; ok {
		a.analytics.upstream = append(a.analytics.upstream, analyticsUpstream{openID: openID, msgType: t, at: now})
	}
}

// RecordUpstreamMessage records that the user openID sent the account appID a message
// of msgType (MsgText, MsgImage, MsgVoice, MsgVideo, MsgShortVideo or MsgLink) at
// time at, for the upstream message statistics (getupstreammsg*), without pushing it:
// it seeds history. The error wraps [ErrUnknownAccount], or is an [*ArgumentError] for
// a malformed openid, a type the statistics do not count or a zero time.
func (s *Sandbox) RecordUpstreamMessage(appID, openID, msgType string, at time.Time) error {
	if err := (User{OpenID: openID}).validate(""); err != nil || openID == "" {
		return &ArgumentError{Field: "openid", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	t := analyticsMsgType(msgType)
	if t == 0 {
		return &ArgumentError{Field: "msg_type", Reason: "must be text, image, voice, video, shortvideo or link"}
	}
	if at.IsZero() {
		return &ArgumentError{Field: "at", Reason: "is required"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	a.analytics.upstream = append(a.analytics.upstream, analyticsUpstream{openID: openID, msgType: t, at: at})
	return nil
}

// analyticsPeriod names the period ("YYYY-MM-DD" of its first day) a day belongs to.
type analyticsPeriod func(day time.Time) string

func analyticsByDay(d time.Time) string { return dayKey(d) }

// analyticsByWeek names a week by its Monday.
func analyticsByWeek(d time.Time) string {
	d = d.In(shanghai)
	back := (int(d.Weekday()) + 6) % 7
	return dayKey(d.AddDate(0, 0, -back))
}

// analyticsByMonth names a month by its first day.
func analyticsByMonth(d time.Time) string { return d.In(shanghai).Format("2006-01") + "-01" }

// upstreamMsgItem is one getupstreammsg* entry.
type upstreamMsgItem struct {
	RefDate  string `json:"ref_date"`
	RefHour  *int   `json:"ref_hour,omitempty"`
	MsgType  int    `json:"msg_type"`
	MsgUser  int64  `json:"msg_user"`
	MsgCount int64  `json:"msg_count"`
}

// analyticsUpstreamMsg counts the messages of the days in r per period (and hour) and
// type: msg_user distinct senders, msg_count messages.
func analyticsUpstreamMsg(st *analyticsState, r analyticsRange, period analyticsPeriod, hourly bool) []upstreamMsgItem {
	type key struct {
		period string
		hour   int
		typ    int
	}
	counts := map[key]*upstreamMsgItem{}
	users := map[key]map[string]bool{}
	var keys []key
	for _, m := range st.upstream {
		if !r.contains(dayKey(m.at)) {
			continue
		}
		k := key{period: period(m.at), typ: m.msgType, hour: -1}
		if hourly {
			k.hour = m.at.In(shanghai).Hour() * 100
		}
		it := counts[k]
		if it == nil {
			it = &upstreamMsgItem{RefDate: k.period, MsgType: k.typ}
			if hourly {
				h := k.hour
				it.RefHour = &h
			}
			counts[k], users[k] = it, map[string]bool{}
			keys = append(keys, k)
		}
		it.MsgCount++
		users[k][m.openID] = true
		it.MsgUser = int64(len(users[k]))
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := strings.Compare(x.period, y.period); c != 0 {
			return c
		}
		if x.hour != y.hour {
			return x.hour - y.hour
		}
		return x.typ - y.typ
	})
	out := []upstreamMsgItem{}
	for _, k := range keys {
		out = append(out, *counts[k])
	}
	return out
}

// upstreamDistItem is one getupstreammsgdist* entry.
type upstreamDistItem struct {
	RefDate       string `json:"ref_date"`
	CountInterval int    `json:"count_interval"`
	MsgUser       int64  `json:"msg_user"`
}

// analyticsDistInterval is the count_interval of n messages: 1 for 1–5, 2 for 6–10,
// 3 for more.
func analyticsDistInterval(n int) int {
	switch {
	case n <= 5:
		return 1
	case n <= 10:
		return 2
	}
	return 3
}

// analyticsUpstreamDist counts, per period, the users who sent 1–5, 6–10 and more
// messages on the days of r. Users who sent nothing (interval 0) are not counted: the
// sandbox does not know who could have.
func analyticsUpstreamDist(st *analyticsState, r analyticsRange, period analyticsPeriod) []upstreamDistItem {
	per := map[string]map[string]int{}
	for _, m := range st.upstream {
		if !r.contains(dayKey(m.at)) {
			continue
		}
		p := period(m.at)
		if per[p] == nil {
			per[p] = map[string]int{}
		}
		per[p][m.openID]++
	}
	periods := make([]string, 0, len(per))
	for p := range per {
		periods = append(periods, p)
	}
	slices.Sort(periods)
	out := []upstreamDistItem{}
	for _, p := range periods {
		var buckets [4]int64
		for _, n := range per[p] {
			buckets[analyticsDistInterval(n)]++
		}
		for i := 1; i < 4; i++ {
			if buckets[i] > 0 {
				out = append(out, upstreamDistItem{RefDate: p, CountInterval: i, MsgUser: buckets[i]})
			}
		}
	}
	return out
}

// interfaceSummaryItem is one getinterfacesummary* entry.
type interfaceSummaryItem struct {
	RefDate       string `json:"ref_date"`
	RefHour       *int   `json:"ref_hour,omitempty"`
	CallbackCount int64  `json:"callback_count"`
	FailCount     int64  `json:"fail_count"`
	TotalTimeCost int64  `json:"total_time_cost"`
	MaxTimeCost   int64  `json:"max_time_cost"`
}

// analyticsInterfaceSummary counts the push attempts to the account's callback URL in
// the call log per day (and hour): an attempt fails when no HTTP 200 came back. The
// call log does not keep how long an answer took, so the time costs are 0. Callers
// hold s.mu.
func (s *Sandbox) analyticsInterfaceSummary(appID string, r analyticsRange, hourly bool) []interfaceSummaryItem {
	type key struct {
		day  string
		hour int
	}
	counts := map[key]*interfaceSummaryItem{}
	var keys []key
	for i := range s.calls {
		c := &s.calls[i]
		d := dayKey(c.Time)
		if !c.Push || c.AppID != appID || !r.contains(d) {
			continue
		}
		k := key{day: d, hour: -1}
		if hourly {
			k.hour = c.Time.In(shanghai).Hour() * 100
		}
		it := counts[k]
		if it == nil {
			it = &interfaceSummaryItem{RefDate: d}
			if hourly {
				h := k.hour
				it.RefHour = &h
			}
			counts[k] = it
			keys = append(keys, k)
		}
		it.CallbackCount++
		if c.HTTPStatus != http.StatusOK {
			it.FailCount++
		}
	}
	slices.SortFunc(keys, func(x, y key) int {
		if c := strings.Compare(x.day, y.day); c != 0 {
			return c
		}
		return x.hour - y.hour
	})
	out := []interfaceSummaryItem{}
	for _, k := range keys {
		out = append(out, *counts[k])
	}
	return out
}
