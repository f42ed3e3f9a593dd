package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

// guideTestEnv is a sandbox with one account, a token for it and some followers.
type guideTestEnv struct {
	s     *Sandbox
	appID string
	token string
	fans  []string
	gone  string
}

func newGuideTestEnv(t *testing.T) *guideTestEnv {
	t.Helper()
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	e := &guideTestEnv{appID: "wxguidetest0001"}
	e.s = New(Options{Accounts: []Account{{AppID: e.appID, AppSecret: "secret"}}, Now: func() time.Time { return base }, NoRID: true})
	tok, _, err := e.s.IssueToken(e.appID)
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
	for i := range 3 {
		u, err := e.s.AddUser(e.appID, User{Nickname: fmt.Sprint("fan", i)})
		if err != nil {
			t.Fatal(err)
		}
		e.fans = append(e.fans, u.OpenID)
	}
	u, err := e.s.AddUser(e.appID, User{Unsubscribed: true})
	if err != nil {
		t.Fatal(err)
	}
	e.gone = u.OpenID
	return e
}

// guideTestReply is a decoded answer.
type guideTestReply map[string]any

func (r guideTestReply) code() int {
	if c, ok := r["errcode"].(float64); ok {
		return int(c)
	}
	return 0
}

// post sends body to path and decodes the answer.
func (e *guideTestEnv) post(t *testing.T, path string, body any) guideTestReply {
	t.Helper()
	var data []byte
	switch b := body.(type) {
	case string:
		data = []byte(b)
	default:
		data, _ = json.Marshal(b)
	}
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path+"?access_token="+e.token, bytes.NewReader(data)))
	var out guideTestReply
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: answer %q is not JSON: %v", path, rec.Body.String(), err)
	}
	return out
}

// must fails unless r has errcode want.
func (r guideTestReply) must(t *testing.T, want int) guideTestReply {
	t.Helper()
	if r.code() != want {
		t.Fatalf("errcode %d (%v), want %d", r.code(), r, want)
	}
	return r
}

// image uploads a permanent image material and returns its media_id.
func (e *guideTestEnv) image(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("media", "a.jpg")
	_, _ = fw.Write(append([]byte("\xff\xd8\xff\xe0"), make([]byte, 1024)...))
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/cgi-bin/material/add_material?type=image&access_token="+e.token, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, req)
	var out struct {
		MediaID string `json:"media_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.MediaID == "" {
		t.Fatalf("add_material: %s", rec.Body.String())
	}
	return out.MediaID
}

// advance moves the clock and takes a fresh token (tokens last 2 hours).
func (e *guideTestEnv) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.s.Advance(d)
	tok, _, err := e.s.IssueToken(e.appID)
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok
}

// guideState returns the account's guide state (tests only; no lock: no call runs).
func (e *guideTestEnv) state() *guideState { return &e.s.accounts[e.appID].guide }

func TestGuideRequestShapes(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	tests := []struct {
		name string
		path string
		body any
		want int
	}{
		{"empty body", pathGuideAdd, "", codeEmptyPostData},
		{"not json", pathGuideAdd, "guide_account=x", codeDataFormat},
		{"wrong type", pathGuideList, `{"page":"0","num":10}`, codeDataFormat},
		{"array body", pathGuideGroupList, `[]`, codeDataFormat},
		{"no advisor", pathGuideGet, `{}`, codeMissingFields},
		{"two advisors", pathGuideGet, map[string]string{"guide_account": "advisor_a", "guide_openid": e.fans[0]}, codeInvalidArgs},
		{"malformed wechat id", pathGuideAdd, map[string]string{"guide_account": "9abc"}, codeGuideInvalidWeChatID},
		{"unknown openid advisor", pathGuideGet, map[string]string{"guide_openid": "o-nobody"}, codeInvalidOpenID},
		{"non-follower advisor", pathGuideAdd, map[string]string{"guide_openid": e.gone}, codeGuideNotFollower},
		{"long nickname", pathGuideAdd, map[string]string{"guide_account": "advisor_a", "guide_nickname": strings.Repeat("名", 17)}, codeGuideNicknameLong},
		{"foreign avatar", pathGuideAdd, map[string]string{"guide_account": "advisor_a", "guide_headimgurl": "https://example.com/x.jpg"}, codeInvalidArgs},
		{"paging", pathGuideList, map[string]int{"page": 0, "num": 0}, codeInvalidArgs},
		{"unknown group", pathGuideGroupInfo, map[string]int{"group_id": 1, "num": 1}, codeInvalidArgs},
		{"material type", pathGuideWordGet, map[string]int{"type": 1, "num": 1}, codeInvalidArgs},
		{"unknown job", pathGuideJobGet, map[string]int{"task_id": 1}, codeInvalidArgs},
		{"bad wxa appid", pathGuideWxaPathMenu, map[string]string{"wxa_appid": "wx1", "wx_username": "advisor_a"}, codeGuideBadCardAppID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.post(t, tt.path, tt.body).must(t, tt.want)
		})
	}
	// GET is refused on every guide path.
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, pathGuideList+"?access_token="+e.token, nil))
	if !strings.Contains(rec.Body.String(), fmt.Sprint(codeRequirePOST)) {
		t.Errorf("GET: %s", rec.Body.String())
	}
}

func TestGuideAdvisorsAndLimits(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, codeGuideAlreadyGuide)
	e.post(t, pathGuideAdd, map[string]string{"guide_openid": e.fans[0]}).must(t, 0)
	// 20,000 advisors at most.
	st := e.state()
	for len(st.guideList) < guideMaxGuides {
		g := &guideAdvisor{account: fmt.Sprintf("filler%06d", len(st.guideList))}
		st.guides[g.key()] = g
		st.guideList = append(st.guideList, g)
	}
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_z"}).must(t, codeGuideLimit)
	// Deleting an advisor frees its buyers and group places.
	e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_a", "openid": e.fans[1]}).must(t, 0)
	gid := e.post(t, pathGuideGroupNew, map[string]string{"group_name": "g"}).must(t, 0)["group_id"]
	e.post(t, pathGuideGroupAdd, map[string]any{"group_id": gid, "guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideDel, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideBuyerByBuyer, map[string]string{"openid": e.fans[1]}).must(t, codeGuideNoRelation)
	if r := e.post(t, pathGuideGroupInfo, map[string]any{"group_id": gid, "num": 10}).must(t, 0); r["total_num"].(float64) != 0 {
		t.Errorf("group after delete: %v", r)
	}
	e.post(t, pathGuideGet, map[string]string{"guide_account": "advisor_a"}).must(t, codeGuideNotGuide)
}

func TestGuideGroupLimits(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	gid := e.post(t, pathGuideGroupNew, map[string]string{"group_name": "g"}).must(t, 0)["group_id"]
	g := e.state().groups[int64(gid.(float64))]
	for len(g.members) < guideMaxGroupGuides {
		g.members = append(g.members, fmt.Sprint("a:x", len(g.members)))
	}
	e.post(t, pathGuideGroupAdd, map[string]any{"group_id": gid, "guide_account": "advisor_a"}).must(t, codeInvalidArgs)
	for len(e.state().groupList) < guideMaxGroups {
		e.post(t, pathGuideGroupNew, map[string]string{"group_name": "more"}).must(t, 0)
	}
	e.post(t, pathGuideGroupNew, map[string]string{"group_name": "one too many"}).must(t, codeInvalidArgs)
}

func TestGuideBuyerBatches(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_b"}).must(t, 0)
	list := make([]string, guideMaxBatch+1)
	for i := range list {
		list[i] = e.fans[0]
	}
	e.post(t, pathGuideBuyerDel, map[string]any{"guide_account": "advisor_a", "openid_list": list}).must(t, codeGuideListSize)
	e.post(t, pathGuideBuyerDel, map[string]any{"guide_account": "advisor_a", "openid": e.fans[0], "openid_list": list[:1]}).must(t, codeInvalidArgs)
	e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_a"}).must(t, codeMissingFields)
	r := e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_a", "buyer_list": []map[string]string{
		{"openid": e.fans[0], "buyer_nickname": "a"}, {"openid": e.gone}, {"openid": "o-x"}}}).must(t, 0)
	resp := r["buyer_resp"].([]any)
	if len(resp) != 3 || resp[1].(map[string]any)["errcode"].(float64) != codeGuideNotFollower || resp[2].(map[string]any)["errcode"].(float64) != codeInvalidOpenID {
		t.Fatalf("buyer_resp = %v", resp)
	}
	// A buyer belongs to one advisor: binding it to another is refused, rebind moves it.
	e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_b", "openid": e.fans[0]}).must(t, codeInvalidArgs)
	e.post(t, pathGuideBuyerRebind, map[string]any{"old_guide_account": "advisor_a", "new_guide_account": "advisor_b", "openid": e.fans[0]}).must(t, 0)
	e.post(t, pathGuideBuyerRelation, map[string]any{"guide_account": "advisor_b", "openid": e.fans[0]}).must(t, 0)
	e.post(t, pathGuideBuyerRelation, map[string]any{"guide_account": "advisor_a", "openid": e.fans[0]}).must(t, codeGuideNoRelation)
	// 15,000 buyers per advisor.
	st := e.state()
	for i := range guideMaxBuyers - 1 {
		st.buyers[fmt.Sprint("filler", i)] = &guideRelation{guide: "a:advisor_b"}
	}
	e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_b", "openid": e.fans[1]}).must(t, codeInvalidArgs)
}

func TestGuideTagLimits(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	values := make([]string, guideMaxTagValues+1)
	for i := range values {
		values[i] = fmt.Sprint("v", i)
	}
	e.post(t, pathGuideTagNew, map[string]any{"tag_name": "t", "tag_values": values}).must(t, codeInvalidArgs)
	e.post(t, pathGuideTagNew, map[string]any{"tag_name": "t", "tag_values": values[:guideMaxTagValues]}).must(t, 0)
	e.post(t, pathGuideTagAddValues, map[string]any{"tag_name": "t", "tag_values": []string{"more"}}).must(t, codeInvalidArgs)
	e.post(t, pathGuideTagAddValues, map[string]any{"tag_name": "nope", "tag_values": []string{"more"}}).must(t, codeInvalidArgs)
	e.post(t, pathGuideTagNew, map[string]any{"tag_name": "t", "tag_values": []string{"x"}}).must(t, codeInvalidArgs)
	e.post(t, pathGuideTagNew, map[string]any{"tag_name": "u", "tag_values": []string{"v1"}}).must(t, codeInvalidArgs)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideBuyerTagAdd, map[string]any{"guide_account": "advisor_a", "tag_value": "v1", "openid": e.fans[0]}).must(t, codeGuideNoRelation)
	e.post(t, pathGuideBuyerTagAdd, map[string]any{"guide_account": "advisor_a", "tag_value": "zz", "openid": e.fans[0]}).must(t, codeGuideBadTagValue)
	e.post(t, pathGuideBuyerTagQuery, map[string]any{"guide_account": "advisor_a", "tag_values": []string{"zz"}}).must(t, codeGuideBadTagValue)
}

func TestGuideMaterialLimits(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	media := e.image(t)
	card := map[string]any{"type": 0, "media_id": media, "title": "t", "path": "p", "appid": "wx0123456789abcdef"}
	for range guideMaxMaterials {
		e.post(t, pathGuideCardSet, card).must(t, 0)
	}
	e.post(t, pathGuideCardSet, card).must(t, codeGuideCardLimit)
	card["appid"] = "wxZZ"
	e.post(t, pathGuideCardSet, card).must(t, codeGuideBadCardAppID)
	e.post(t, pathGuideImageSet, map[string]any{"media_id": "not-a-material"}).must(t, codeGuideBadMediaID)
	for range guideMaxMaterials {
		e.post(t, pathGuideImageSet, map[string]any{"media_id": media}).must(t, 0)
	}
	e.post(t, pathGuideImageSet, map[string]any{"media_id": media}).must(t, codeInvalidArgs)
	r := e.post(t, pathGuideImageGet, map[string]any{"start": 49, "num": 5}).must(t, 0)
	if len(r["model_list"].([]any)) != 1 || r["total_num"].(float64) != 50 {
		t.Errorf("getguideimagematerial = %v", r)
	}
}

func TestGuideMassJobRules(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	e.post(t, pathGuideBuyerAdd, map[string]any{"guide_account": "advisor_a", "openid": e.fans[0]}).must(t, 0)
	now := e.s.Now()
	job := func(push time.Time, mats ...map[string]any) map[string]any {
		return map[string]any{"guide_account": "advisor_a", "task_name": "n", "push_time": push.Unix(), "openid": []string{e.fans[0]}, "material": mats}
	}
	word := map[string]any{"type": 1, "word": "w"}
	e.post(t, pathGuideJobAdd, job(now.Add(-time.Minute), word)).must(t, codeInvalidArgs)
	e.post(t, pathGuideJobAdd, job(now.Add(31*24*time.Hour), word)).must(t, codeInvalidArgs)
	e.post(t, pathGuideJobAdd, job(now.Add(time.Hour), word, word, word, word)).must(t, codeInvalidArgs)
	e.post(t, pathGuideJobAdd, job(now.Add(time.Hour), map[string]any{"type": 2})).must(t, codeInvalidArgs)
	e.post(t, pathGuideJobAdd, job(now.Add(time.Hour), map[string]any{"type": 1, "word": strings.Repeat("x", guideMaxWordBytes+1)})).must(t, codeInvalidArgs)
	long := job(now.Add(time.Hour), word)
	long["task_name"] = strings.Repeat("名", guideMaxTaskName+1)
	e.post(t, pathGuideJobAdd, long).must(t, codeInvalidArgs)
	other := job(now.Add(time.Hour), word)
	other["openid"] = []string{e.fans[1]}
	e.post(t, pathGuideJobAdd, other).must(t, codeGuideNoRelation)
	r := e.post(t, pathGuideJobAdd, job(now.Add(time.Hour), word)).must(t, 0)
	id := r["task_result"].([]any)[0].(map[string]any)["task_id"]
	e.post(t, pathGuideJobUpdate, map[string]any{"task_id": id, "push_time": now.Add(2 * time.Hour).Unix()}).must(t, 0)
	e.advance(t, 90*time.Minute)
	got := e.post(t, pathGuideJobGet, map[string]any{"task_id": id}).must(t, 0)["job"].(map[string]any)
	if got["task_status"].(float64) != guideJobPending {
		t.Fatalf("job before its push time: %v", got)
	}
	e.advance(t, time.Hour)
	got = e.post(t, pathGuideJobGet, map[string]any{"task_id": id}).must(t, 0)["job"].(map[string]any)
	if got["task_status"].(float64) != guideJobDone || got["finish_time"].(float64) == 0 {
		t.Fatalf("job after its push time: %v", got)
	}
	e.post(t, pathGuideJobCancel, map[string]any{"task_id": id}).must(t, codeInvalidArgs)
}

func TestGuideChatRecordSeeding(t *testing.T) {
	t.Parallel()
	e := newGuideTestEnv(t)
	e.post(t, pathGuideAdd, map[string]string{"guide_account": "advisor_a"}).must(t, 0)
	bad := []GuideChatRecord{
		{OpenID: e.fans[0], ContentType: 1, Direction: 1},
		{GuideAccount: "advisor_b", OpenID: e.fans[0], ContentType: 1, Direction: 1},
		{GuideAccount: "advisor_a", OpenID: "o-nobody", ContentType: 1, Direction: 1},
		{GuideAccount: "advisor_a", OpenID: e.fans[0], ContentType: 2, Direction: 1},
		{GuideAccount: "advisor_a", OpenID: e.fans[0], ContentType: 1, Direction: 3},
	}
	for i, r := range bad {
		if err := e.s.AddGuideChatRecord(e.appID, r); err == nil {
			t.Errorf("record %d accepted", i)
		}
	}
	if err := e.s.AddGuideChatRecord("wxnobody", GuideChatRecord{}); err == nil {
		t.Error("unknown account accepted")
	}
	if err := e.s.AddGuideChatRecord(e.appID, GuideChatRecord{GuideAccount: "advisor_a", OpenID: e.fans[0], Content: "hi", ContentType: 1, Direction: 2}); err != nil {
		t.Fatal(err)
	}
	r := e.post(t, pathGuideChatRecord, map[string]any{"guide_account": "advisor_a", "num": 10}).must(t, 0)
	if r["total_num"].(float64) != 1 {
		t.Errorf("chat records = %v", r)
	}
	old := e.s.Now().Add(-31 * 24 * time.Hour).Unix()
	e.post(t, pathGuideChatRecord, map[string]any{"guide_account": "advisor_a", "num": 10, "begin_time": old, "end_time": e.s.Now().Unix()}).must(t, codeInvalidArgs)
}

// FuzzGuideBodies feeds arbitrary bodies to every guide endpoint: the sandbox answers
// JSON with an errcode or a payload and never panics.
func FuzzGuideBodies(f *testing.F) {
	var paths []string
	for p := range endpoints {
		if strings.HasPrefix(p, "/cgi-bin/guide/") {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	if len(paths) != 50 {
		f.Fatalf("%d guide paths registered, want 50", len(paths))
	}
	seeds := []string{
		``, `{}`, `[]`, `null`, `{"guide_account":"advisor_a"}`, `{"guide_openid":"o1","openid_list":["a","b"]}`,
		`{"guide_account":"advisor_a","buyer_list":[{"openid":1}]}`, `{"page":-1,"num":9999999999}`,
		`{"task_id":1,"material":[{"type":49,"appid":"wx0123456789abcdef"}],"push_time":1e30}`,
		`{"tag_name":"t","tag_values":["a",null]}`, `{"black_keyword":{"values":[""]},"guide_auto_reply":{}}`,
		`{"group_id":"x"}`, `{"begin_time":1,"end_time":2,"num":1,"guide_account":"advisor_a"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s := New(Options{Accounts: []Account{{AppID: "wxfuzzguide", AppSecret: "s"}}, Now: func() time.Time { return base }, MaxCalls: 10})
	tok, _, err := s.IssueToken("wxfuzzguide")
	if err != nil {
		f.Fatal(err)
	}
	u, _ := s.AddUser("wxfuzzguide", User{})
	h := s.Handler()
	add := httptest.NewRequest(http.MethodPost, pathGuideAdd+"?access_token="+tok, strings.NewReader(`{"guide_account":"advisor_a"}`))
	h.ServeHTTP(httptest.NewRecorder(), add)
	add = httptest.NewRequest(http.MethodPost, pathGuideBuyerAdd+"?access_token="+tok, strings.NewReader(`{"guide_account":"advisor_a","openid":"`+u.OpenID+`"}`))
	h.ServeHTTP(httptest.NewRecorder(), add)
	f.Fuzz(func(t *testing.T, idx uint8, body string) {
		path := paths[int(idx)%len(paths)]
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path+"?access_token="+tok, strings.NewReader(body)))
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %q: answer %q is not a JSON object", path, body, rec.Body.String())
		}
	})
}
