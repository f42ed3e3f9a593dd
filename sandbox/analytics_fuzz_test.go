package sandbox

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

// analyticsTestSandbox is a sandbox frozen at 2025-03-10 10:00 Asia/Shanghai holding the
// demo account.
func analyticsTestSandbox(t testing.TB) (*Sandbox, *account) {
	t.Helper()
	at := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
	s := New(Options{Accounts: []Account{DemoAccount()}, Now: func() time.Time { return at }})
	return s, s.accounts[DemoAppID]
}

// FuzzAnalyticsBody feeds arbitrary bodies to every datacube path and arbitrary queries
// to publisher/stat: no panic, and every success answer encodes as JSON.
func FuzzAnalyticsBody(f *testing.F) {
	f.Add([]byte(`{"begin_date":"2025-03-08","end_date":"2025-03-09"}`), "action=publisher_adpos_general&page=1&page_size=10&start_date=2025-03-01&end_date=2025-03-02")
	f.Add([]byte(`{"begin_date":"2025-03-08","end_date":"2025-03-08","cond_source":1,"card_id":"p1"}`), "action=publisher_settlement&page=2&page_size=1&start_date=2000-01-01&end_date=2030-01-01")
	f.Add([]byte(`{"begin_date":null,"end_date":[],"cond_source":"x"}`), "action=publisher_cps_general&page=-1&page_size=1e9")
	f.Add([]byte(`{"begin_date":"9999-99-99","end_date":"0000-00-00"}`), "%zz")
	f.Add([]byte(``), "")
	s, a := analyticsTestSandbox(f)
	_ = s.RecordUpstreamMessage(DemoAppID, "o-a", MsgText, time.Date(2025, 3, 8, 1, 0, 0, 0, shanghai))
	_ = s.RecordPublisherCps(DemoAppID, PublisherCpsStat{Date: "2025-03-01"})
	f.Fuzz(func(t *testing.T, body []byte, query string) {
		for path := range analyticsSpan {
			c := &apiCall{r: httptest.NewRequest("POST", path, nil), body: body, a: a, now: s.Now()}
			s.mu.Lock()
			ans := serveAnalyticsDatacube(s, c)
			s.mu.Unlock()
			if ans.body != nil {
				if _, err := json.Marshal(ans.body); err != nil {
					t.Fatalf("%s: answer does not encode: %v", path, err)
				}
			}
		}
		q, _ := url.ParseQuery(query)
		c := &apiCall{r: httptest.NewRequest("GET", pathPublisherStat, nil), q: q, a: a, now: s.Now()}
		s.mu.Lock()
		ans := servePublisherStat(s, c)
		s.mu.Unlock()
		if _, err := json.Marshal(ans.body); err != nil {
			t.Fatalf("publisher/stat answer does not encode: %v", err)
		}
	})
}

func TestAnalyticsHooks(t *testing.T) {
	t.Parallel()
	s, a := analyticsTestSandbox(t)
	sub := time.Date(2025, 3, 7, 12, 0, 0, 0, shanghai)
	if _, err := s.AddUser(DemoAppID, User{OpenID: "o-a", SubscribeTime: sub.Unix(), SubscribeScene: "ADD_SCENE_QR_CODE"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddUser(DemoAppID, User{OpenID: "o-b", SubscribeTime: sub.Unix()}); err != nil {
		t.Fatal(err)
	}
	// o-a unfollows on the 8th (what the Unsubscribe hook records) and is no follower.
	s.mu.Lock()
	u := *a.users["o-a"]
	a.analytics.noteUnfollow(&u, time.Date(2025, 3, 8, 9, 0, 0, 0, shanghai))
	a.users["o-a"].Unsubscribed = true
	r := analyticsRange{begin: "2025-03-07", end: "2025-03-09"}
	summary := analyticsUserSummary(a, r)
	cum := analyticsUserCumulate(a, r)
	s.mu.Unlock()
	want := []userSummaryItem{{"2025-03-07", 0, 1, 0}, {"2025-03-07", 30, 1, 0}, {"2025-03-08", 30, 0, 1}}
	if len(summary) != len(want) {
		t.Fatalf("summary = %v, want %v", summary, want)
	}
	for i := range want {
		if summary[i] != want[i] {
			t.Errorf("summary[%d] = %v, want %v", i, summary[i], want[i])
		}
	}
	if len(cum) != 3 || cum[0].CumulateUser != 2 || cum[1].CumulateUser != 1 || cum[2].CumulateUser != 1 {
		t.Errorf("cumulate = %v", cum)
	}

	// The push hook counts messages, not events.
	s.notePush(DemoAppID, "o-b", "<xml><MsgType><![CDATA[image]]></MsgType></xml>")
	s.notePush(DemoAppID, "o-b", "<xml><MsgType><![CDATA[event]]></MsgType><Event>subscribe</Event></xml>")
	s.notePush(DemoAppID, "o-b", "not xml")
	s.notePush("wx-nobody", "o-b", "<xml><MsgType>text</MsgType></xml>")
	s.mu.Lock()
	got := len(a.analytics.upstream)
	first := a.analytics.upstream[0]
	s.mu.Unlock()
	if got != 1 || first.msgType != 2 || first.openID != "o-b" {
		t.Errorf("upstream after pushes = %d entries, first %+v", got, first)
	}
}

func TestAnalyticsChecks(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 10, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		give [2]string
		span int
		want int
	}{
		{[2]string{"2025-03-09", "2025-03-09"}, 1, codeOK},
		{[2]string{"2025-03-03", "2025-03-09"}, 7, codeOK},
		{[2]string{"2025-03-02", "2025-03-09"}, 7, codeAnalyticsDateRange},
		{[2]string{"2025-03-10", "2025-03-10"}, 7, codeAnalyticsDateRange},
		{[2]string{"2014-12-01", "2014-12-01"}, 1, codeOK},
		{[2]string{"2014-11-30", "2014-11-30"}, 1, codeAnalyticsDateRange},
		{[2]string{"2025-02-29", "2025-03-01"}, 7, codeAnalyticsDateFormat},
		{[2]string{" 2025-03-01", "2025-03-01"}, 7, codeAnalyticsDateFormat},
	}
	for _, tt := range tests {
		if _, got := checkAnalyticsRange(tt.give[0], tt.give[1], tt.span, now); got != tt.want {
			t.Errorf("checkAnalyticsRange(%q, %d) = %d, want %d", tt.give, tt.span, got, tt.want)
		}
	}
	weeks := []struct{ give, want string }{{"2025-03-09", "2025-03-03"}, {"2025-03-10", "2025-03-10"}, {"2025-03-01", "2025-02-24"}}
	for _, tt := range weeks {
		d, _ := time.ParseInLocation(time.DateOnly, tt.give, shanghai)
		if got := analyticsByWeek(d); got != tt.want {
			t.Errorf("analyticsByWeek(%s) = %s, want %s", tt.give, got, tt.want)
		}
	}
}
