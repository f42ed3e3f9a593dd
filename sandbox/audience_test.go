package sandbox_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// api calls a token-carrying endpoint of the demo account and decodes the JSON answer
// into a generic map; the errcode is 0 for answers without one.
type api struct {
	t     *testing.T
	env   *sandboxtest.Env
	token string
}

func newAPI(t *testing.T, env *sandboxtest.Env) *api {
	t.Helper()
	return &api{t: t, env: env, token: fetchToken(t, env)}
}

// answer is a decoded JSON answer.
type answer map[string]any

func (a answer) code() int {
	if c, ok := a["errcode"].(float64); ok {
		return int(c)
	}
	return 0
}

func (a answer) num(key string) int64 {
	v, _ := a[key].(float64)
	return int64(v)
}

func (a answer) str(key string) string {
	v, _ := a[key].(string)
	return v
}

// openids returns data.openid.
func (a answer) openids() []string {
	data, _ := a["data"].(map[string]any)
	list, _ := data["openid"].([]any)
	out := make([]string, len(list))
	for i, v := range list {
		out[i], _ = v.(string)
	}
	return out
}

func (c *api) call(method, path string, query url.Values, body any) answer {
	c.t.Helper()
	q := url.Values{"access_token": {c.token}}
	for k, v := range query {
		q[k] = v
	}
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.env.URL+path+"?"+q.Encode(), r)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.env.Client.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out answer
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		c.t.Fatalf("%s: answer is not JSON: %v", path, err)
	}
	return out
}

func (c *api) get(path string, query url.Values) answer {
	c.t.Helper()
	return c.call(http.MethodGet, path, query, nil)
}

func (c *api) post(path string, body any) answer {
	c.t.Helper()
	return c.call(http.MethodPost, path, nil, body)
}

// wantErrcode fails unless a carries code.
func wantErrcode(t *testing.T, a answer, code int) {
	t.Helper()
	if a.code() != code {
		t.Fatalf("errcode = %d, want %d (answer %v)", a.code(), code, a)
	}
}

func TestAudienceFollowerPaging(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	first := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "o-first"})
	if _, err := env.Sandbox.GenerateFollowers(sandboxtest.DemoAppID, 22999); err != nil {
		t.Fatal(err)
	}
	// The official example: 23000 followers come as 10000, 10000 and 3000.
	var all []string
	next := ""
	for _, want := range []int{10000, 10000, 3000} {
		a := c.get("/cgi-bin/user/get", url.Values{"next_openid": {next}})
		ids := a.openids()
		if a.num("total") != 23000 || a.num("count") != int64(want) || len(ids) != want {
			t.Fatalf("page: total %d count %d len %d, want 23000 %d", a.num("total"), a.num("count"), len(ids), want)
		}
		if a.str("next_openid") != ids[len(ids)-1] {
			t.Fatalf("next_openid %q is not the page's last openid", a.str("next_openid"))
		}
		all = append(all, ids...)
		next = a.str("next_openid")
	}
	end := c.get("/cgi-bin/user/get", url.Values{"next_openid": {next}})
	if end.num("count") != 0 || end.str("next_openid") != "" || end["data"] != nil {
		t.Fatalf("after the last page: %v, want count 0, no data, empty next_openid", end)
	}
	if all[0] != first.OpenID {
		t.Errorf("first follower = %q, want the one added first", all[0])
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != 23000 {
		t.Errorf("openids repeat across pages")
	}
	wantErrcode(t, c.get("/cgi-bin/user/get", url.Values{"next_openid": {"o-nobody"}}), 40003)

	// Unfollowing leaves the list; following again puts the user last.
	if _, err := env.Sandbox.Unsubscribe(t.Context(), sandboxtest.DemoAppID, first.OpenID); err != nil {
		t.Fatal(err)
	}
	a := c.get("/cgi-bin/user/get", nil)
	if a.num("total") != 22999 || a.openids()[0] == first.OpenID {
		t.Fatalf("after unsubscribe: total %d first %q", a.num("total"), a.openids()[0])
	}
	if _, err := env.Sandbox.Subscribe(t.Context(), sandboxtest.DemoAppID, first.OpenID, "ADD_SCENE_SEARCH"); err != nil {
		t.Fatal(err)
	}
	last := c.get("/cgi-bin/user/get", url.Values{"next_openid": {next}})
	if ids := last.openids(); len(ids) != 1 || ids[0] != first.OpenID {
		t.Fatalf("after subscribing again the user is not last: %v", last)
	}
	if n, _ := env.Sandbox.FollowerCount(sandboxtest.DemoAppID); n != 23000 {
		t.Errorf("FollowerCount = %d", n)
	}
	if _, err := env.Sandbox.Subscribe(t.Context(), sandboxtest.DemoAppID, first.OpenID, ""); !errors.Is(err, sandbox.ErrFollowState) {
		t.Errorf("Subscribe of a follower: %v", err)
	}
	if err := env.Sandbox.DeleteUser(sandboxtest.DemoAppID, first.OpenID); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Sandbox.FollowerCount(sandboxtest.DemoAppID); n != 22999 {
		t.Errorf("FollowerCount after DeleteUser = %d", n)
	}
}

func TestAudienceUserInfo(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{sandbox.DemoAccount(), otherApp}})
	c := newAPI(t, env)
	tag, err := env.Sandbox.CreateTag(sandboxtest.DemoAppID, "广东")
	if err != nil {
		t.Fatal(err)
	}
	u := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "o-qr", UnionID: "u-1", Language: "en",
		SubscribeTime: 1382694957, SubscribeScene: "ADD_SCENE_QR_CODE", QRScene: 98765, TagIDs: []int{tag.ID, 2}, Remark: "vip"})
	gone := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "o-gone", UnionID: "u-2", Unsubscribed: true})
	stranger := env.AddUser(t, otherApp.AppID, sandbox.User{OpenID: "o-elsewhere"})

	a := c.get("/cgi-bin/user/info", url.Values{"openid": {u.OpenID}, "lang": {"zh_CN"}})
	want := `{"groupid":0,"language":"en","openid":"o-qr","qr_scene":98765,"qr_scene_str":"","remark":"vip","subscribe":1,"subscribe_scene":"ADD_SCENE_QR_CODE","subscribe_time":1382694957,"tagid_list":[100,2],"unionid":"u-1"}`
	if got, _ := json.Marshal(a); string(got) != want {
		t.Errorf("user/info = %s\nwant %s", got, want)
	}
	plain := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: "o-plain"})
	a = c.get("/cgi-bin/user/info", url.Values{"openid": {plain.OpenID}})
	if got, _ := json.Marshal(a["tagid_list"]); string(got) != "[]" || a.str("language") != "zh_CN" || a.str("subscribe_scene") != "ADD_SCENE_OTHERS" {
		t.Errorf("user/info of a plain follower = %v", a)
	}
	a = c.get("/cgi-bin/user/info", url.Values{"openid": {gone.OpenID}})
	if got, _ := json.Marshal(a); string(got) != `{"openid":"o-gone","subscribe":0,"unionid":"u-2"}` {
		t.Errorf("user/info of a non-follower = %s", got)
	}

	tests := []struct {
		name  string
		query url.Values
		want  int
	}{
		{"missing openid", url.Values{}, 41009},
		{"unknown openid", url.Values{"openid": {"o-nobody"}}, 40003},
		{"malformed openid", url.Values{"openid": {"o nobody"}}, 40003},
		{"other account's openid", url.Values{"openid": {stranger.OpenID}}, 49003},
		{"bad lang", url.Values{"openid": {u.OpenID}, "lang": {"fr"}}, 40097},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErrcode(t, c.get("/cgi-bin/user/info", tt.query), tt.want)
		})
	}
	wantErrcode(t, c.post("/cgi-bin/user/info", nil), 43001)

	// batchget: request order, non-followers abbreviated, 1 to 100 users.
	a = c.post("/cgi-bin/user/info/batchget", map[string]any{"user_list": []map[string]string{{"openid": gone.OpenID}, {"openid": u.OpenID, "lang": "zh_TW"}}})
	list, _ := a["user_info_list"].([]any)
	if len(list) != 2 || list[0].(map[string]any)["openid"] != gone.OpenID || list[1].(map[string]any)["subscribe"] != 1.0 {
		t.Errorf("batchget = %v", a)
	}
	many := make([]map[string]string, 101)
	for i := range many {
		many[i] = map[string]string{"openid": u.OpenID}
	}
	wantErrcode(t, c.post("/cgi-bin/user/info/batchget", map[string]any{"user_list": many}), 40032)
	wantErrcode(t, c.post("/cgi-bin/user/info/batchget", map[string]any{"user_list": many[:100]}), 0)
	wantErrcode(t, c.post("/cgi-bin/user/info/batchget", map[string]any{"user_list": []any{}}), 40032)
	wantErrcode(t, c.post("/cgi-bin/user/info/batchget", map[string]any{"user_list": []map[string]string{{"openid": "o-nobody"}}}), 40003)
	wantErrcode(t, c.post("/cgi-bin/user/info/batchget", "[1]"), 47001)

	// updateremark: fewer than 30 characters.
	wantErrcode(t, c.post("/cgi-bin/user/info/updateremark", map[string]string{"openid": u.OpenID, "remark": strings.Repeat("备", 29)}), 0)
	if got, _ := env.Sandbox.User(sandboxtest.DemoAppID, u.OpenID); got.Remark != strings.Repeat("备", 29) {
		t.Errorf("remark = %q", got.Remark)
	}
	wantErrcode(t, c.post("/cgi-bin/user/info/updateremark", map[string]string{"openid": u.OpenID, "remark": strings.Repeat("备", 30)}), 40097)
	wantErrcode(t, c.post("/cgi-bin/user/info/updateremark", map[string]string{"openid": "o-nobody", "remark": "x"}), 40003)
	wantErrcode(t, c.post("/cgi-bin/user/info/updateremark", map[string]string{"remark": "x"}), 41009)
}

func TestAudienceTags(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	a := c.post("/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": "广东"}})
	tag, _ := a["tag"].(map[string]any)
	if tag["id"] != 100.0 || tag["name"] != "广东" {
		t.Fatalf("tags/create = %v", a)
	}
	create := func(name string) answer {
		return c.post("/cgi-bin/tags/create", map[string]any{"tag": map[string]string{"name": name}})
	}
	wantErrcode(t, create("广东"), 45157)
	wantErrcode(t, create(" "), 45157)
	wantErrcode(t, create("星标组"), 45157)
	wantErrcode(t, create(strings.Repeat("标", 31)), 45158)
	wantErrcode(t, create(strings.Repeat("标", 30)), 0)
	for i := 2; i < 100; i++ {
		wantErrcode(t, create(fmt.Sprintf("t%d", i)), 0)
	}
	wantErrcode(t, create("one too many"), 45056)

	// Tagging: 1 to 50 openids, at most 20 tags a user, counts follow at once.
	var ids []string
	for i := range 51 {
		ids = append(ids, env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{OpenID: fmt.Sprintf("o-user-%02d", i)}).OpenID)
	}
	tagging := func(path string, tagID int, openids []string) answer {
		return c.post("/cgi-bin/tags/members/"+path, map[string]any{"openid_list": openids, "tagid": tagID})
	}
	wantErrcode(t, tagging("batchtagging", 100, ids), 40032)
	wantErrcode(t, tagging("batchtagging", 100, nil), 40032)
	wantErrcode(t, tagging("batchtagging", 999, ids[:1]), 45159)
	wantErrcode(t, tagging("batchtagging", 100, []string{ids[0], "o-nobody"}), 40003)
	wantErrcode(t, tagging("batchtagging", 100, ids[:50]), 0)
	wantErrcode(t, tagging("batchtagging", 100, ids[:50]), 0) // idempotent
	wantErrcode(t, tagging("batchtagging", 2, ids[:3]), 0)
	for id := 101; id < 120; id++ { // ids[0] carries 100, 2 and 18 more: 20
		if id == 119 {
			wantErrcode(t, tagging("batchtagging", id, ids[:1]), 45059)
			break
		}
		wantErrcode(t, tagging("batchtagging", id, ids[:1]), 0)
	}
	counts := map[float64]float64{}
	for _, v := range c.get("/cgi-bin/tags/get", nil)["tags"].([]any) {
		m := v.(map[string]any)
		counts[m["id"].(float64)] = m["count"].(float64)
	}
	if counts[100] != 50 || counts[2] != 3 || counts[101] != 1 || len(counts) != 101 {
		t.Errorf("tags/get counts: 100→%v 2→%v 101→%v, %d tags", counts[100], counts[2], counts[101], len(counts))
	}
	idl := c.post("/cgi-bin/tags/getidlist", map[string]string{"openid": ids[1]})
	if got, _ := json.Marshal(idl["tagid_list"]); string(got) != "[100,2]" {
		t.Errorf("getidlist = %s", got)
	}
	wantErrcode(t, c.post("/cgi-bin/tags/getidlist", map[string]string{"openid": "o-nobody"}), 40003)
	members := c.post("/cgi-bin/user/tag/get", map[string]any{"tagid": 2, "next_openid": ""})
	if got := members.openids(); !slices.Equal(got, ids[:3]) || members.str("next_openid") != ids[2] {
		t.Errorf("user/tag/get = %v", members)
	}
	wantErrcode(t, c.post("/cgi-bin/user/tag/get", map[string]any{"tagid": 999}), 45159)
	wantErrcode(t, tagging("batchuntagging", 2, ids[:1]), 0)
	if got, _ := env.Sandbox.User(sandboxtest.DemoAppID, ids[0]); slices.Contains(got.TagIDs, 2) {
		t.Errorf("untagged user still carries 2: %v", got.TagIDs)
	}

	// Update and delete; system tags are immutable.
	update := func(id int, name string) answer {
		return c.post("/cgi-bin/tags/update", map[string]any{"tag": map[string]any{"id": id, "name": name}})
	}
	wantErrcode(t, update(100, "广东人"), 0)
	wantErrcode(t, update(2, "x"), 45058)
	wantErrcode(t, update(999, "x"), 45159)
	wantErrcode(t, update(101, "广东人"), 45157)
	wantErrcode(t, update(101, strings.Repeat("x", 31)), 45158)
	del := func(id int) answer {
		return c.post("/cgi-bin/tags/delete", map[string]any{"tag": map[string]any{"id": id}})
	}
	wantErrcode(t, del(1), 45058)
	wantErrcode(t, del(999), 45159)
	wantErrcode(t, del(100), 0)
	if got, _ := env.Sandbox.User(sandboxtest.DemoAppID, ids[1]); slices.Contains(got.TagIDs, 100) {
		t.Errorf("deleted tag still on a user: %v", got.TagIDs)
	}
	wantErrcode(t, create("after a delete"), 0)
}

func TestAudienceBlacklist(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	if _, err := env.Sandbox.GenerateFollowers(sandboxtest.DemoAppID, 1100); err != nil {
		t.Fatal(err)
	}
	all := c.get("/cgi-bin/user/get", nil).openids()
	block := func(path string, ids []string) answer {
		return c.post("/cgi-bin/tags/members/"+path, map[string]any{"openid_list": ids})
	}
	wantErrcode(t, block("batchblacklist", all[:21]), 40032)
	wantErrcode(t, block("batchblacklist", nil), 40032)
	wantErrcode(t, block("batchblacklist", []string{all[0], "o-nobody"}), 40003)
	for i := 0; i < 1020; i += 20 {
		wantErrcode(t, block("batchblacklist", all[i:i+20]), 0)
	}
	first := c.post("/cgi-bin/tags/members/getblacklist", map[string]string{"begin_openid": ""})
	if first.num("total") != 1020 || first.num("count") != 1000 || !slices.Equal(first.openids(), all[:1000]) {
		t.Fatalf("getblacklist first page: total %d count %d", first.num("total"), first.num("count"))
	}
	second := c.post("/cgi-bin/tags/members/getblacklist", map[string]string{"begin_openid": first.str("next_openid")})
	if !slices.Equal(second.openids(), all[1000:1020]) {
		t.Fatalf("getblacklist second page = %v", second.openids())
	}
	if end := c.post("/cgi-bin/tags/members/getblacklist", map[string]string{"begin_openid": second.str("next_openid")}); end.num("count") != 0 || end.str("next_openid") != "" {
		t.Fatalf("after the last page: %v", end)
	}
	wantErrcode(t, c.post("/cgi-bin/tags/members/getblacklist", map[string]string{"begin_openid": "o-nobody"}), 40003)
	// A blocked user stays a follower.
	if got := c.get("/cgi-bin/user/get", nil).num("total"); got != 1100 {
		t.Errorf("followers after blocking = %d", got)
	}
	wantErrcode(t, block("batchunblacklist", all[:20]), 0)
	if got := c.post("/cgi-bin/tags/members/getblacklist", nil); got.num("total") != 1000 || got.openids()[0] != all[20] {
		t.Errorf("after unblocking: total %d first %v", got.num("total"), got.openids()[:1])
	}
	if u, _ := env.Sandbox.User(sandboxtest.DemoAppID, all[20]); !u.Blocked {
		t.Errorf("User.Blocked is false for a blocked user")
	}
}

// qrCreate calls qrcode/create.
func qrCreate(c *api, body string) answer {
	c.t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		c.t.Fatal(err)
	}
	return c.post("/cgi-bin/qrcode/create", v)
}

func TestAudienceQRCodes(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)

	tests := []struct {
		name string
		body string
		want int
	}{
		{"temporary integer", `{"expire_seconds":604800,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":123}}}`, 0},
		{"temporary largest id", `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967295}}}`, 0},
		{"temporary string", `{"expire_seconds":2592000,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"test"}}}`, 0},
		{"permanent integer", `{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100000}}}`, 0},
		{"permanent string", `{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"` + strings.Repeat("s", 64) + `"}}}`, 0},
		{"unknown action", `{"action_name":"QR_FOO","action_info":{"scene":{"scene_id":1}}}`, 40052},
		{"no action", `{"action_info":{"scene":{"scene_id":1}}}`, 40052},
		{"scene id 0", `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":0}}}`, 40053},
		{"scene id over 32 bits", `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967296}}}`, 40053},
		{"permanent id 100001", `{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100001}}}`, 40053},
		{"missing scene", `{"action_name":"QR_LIMIT_SCENE"}`, 40053},
		{"empty scene_str", `{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":""}}}`, 40053},
		{"scene_str of 65", `{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"` + strings.Repeat("s", 65) + `"}}}`, 40053},
		{"expiry over 30 days", `{"expire_seconds":2592001,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}`, 40097},
		{"negative expiry", `{"expire_seconds":-1,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}`, 40097},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := qrCreate(&api{t: t, env: env, token: c.token}, tt.body)
			if a.code() != tt.want {
				t.Fatalf("errcode %d, want %d: %v", a.code(), tt.want, a)
			}
			if tt.want == 0 && (a.str("ticket") == "" || !strings.HasPrefix(a.str("url"), "http://weixin.qq.com/q/")) {
				t.Errorf("answer %v", a)
			}
		})
	}

	// Defaults: 60 s for a temporary code; permanent codes have no expire_seconds and
	// the same scene gives the same ticket.
	tmp := qrCreate(c, `{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":7}}}`)
	if tmp.num("expire_seconds") != 60 {
		t.Errorf("default expire_seconds = %v", tmp["expire_seconds"])
	}
	p1 := qrCreate(c, `{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"shop-1"}}}`)
	p2 := qrCreate(c, `{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"shop-1"}}}`)
	if _, ok := p1["expire_seconds"]; ok || p1.str("ticket") != p2.str("ticket") {
		t.Errorf("permanent codes: %v and %v", p1, p2)
	}

	// showqrcode: a JPEG for a live ticket (URL-encoded), 404 for unknown or expired.
	show := func(ticket string) (*http.Response, []byte) {
		resp, err := env.Client.Get(env.URL + "/cgi-bin/showqrcode?ticket=" + url.QueryEscape(ticket))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp, data
	}
	resp, img := show(tmp.str("ticket"))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("showqrcode: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := jpeg.Decode(bytes.NewReader(img)); err != nil {
		t.Errorf("showqrcode image does not decode: %v", err)
	}
	if resp, _ := show("no-such-ticket"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown ticket: HTTP %d", resp.StatusCode)
	}
	env.Sandbox.Advance(60 * time.Second)
	if resp, _ := show(tmp.str("ticket")); resp.StatusCode != http.StatusNotFound {
		t.Errorf("expired ticket: HTTP %d", resp.StatusCode)
	}
	if resp, _ := show(p1.str("ticket")); resp.StatusCode != http.StatusOK {
		t.Errorf("permanent ticket after 60 s: HTTP %d", resp.StatusCode)
	}
}

func TestAudienceShortKeys(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	a := c.post("/cgi-bin/shorten/gen", map[string]any{"long_data": "loooooong data", "expire_seconds": 86400})
	key := a.str("short_key")
	if a.code() != 0 || len(key) != 15 || strings.Trim(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Fatalf("shorten/gen = %v", a)
	}
	env.Sandbox.Advance(time.Hour)
	f := c.post("/cgi-bin/shorten/fetch", map[string]string{"short_key": key})
	if f.str("long_data") != "loooooong data" || f.num("expire_seconds") != 86400-3600 || f.num("create_time") != start.Unix() {
		t.Errorf("shorten/fetch = %v", f)
	}
	def := c.post("/cgi-bin/shorten/gen", map[string]any{"long_data": strings.Repeat("d", 4096)})
	if f := c.post("/cgi-bin/shorten/fetch", map[string]string{"short_key": def.str("short_key")}); f.num("expire_seconds") != 2592000 {
		t.Errorf("default lifetime: %v", f["expire_seconds"])
	}
	wantErrcode(t, c.post("/cgi-bin/shorten/gen", map[string]any{"long_data": strings.Repeat("d", 4097)}), 40097)
	wantErrcode(t, c.post("/cgi-bin/shorten/gen", map[string]any{"long_data": ""}), 40097)
	wantErrcode(t, c.post("/cgi-bin/shorten/gen", map[string]any{"long_data": "x", "expire_seconds": 2592001}), 40097)
	wantErrcode(t, c.post("/cgi-bin/shorten/fetch", map[string]string{"short_key": "nope"}), 40097)
	env.Sandbox.Advance(23 * time.Hour)
	c.token = fetchToken(t, env) // the first one expired
	wantErrcode(t, c.post("/cgi-bin/shorten/fetch", map[string]string{"short_key": key}), 40097)
}

// pushSink is a callback server that records the pushed XML.
type pushSink struct {
	mu     sync.Mutex
	bodies []string
}

func (p *pushSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	p.mu.Lock()
	p.bodies = append(p.bodies, string(data))
	p.mu.Unlock()
	_, _ = w.Write([]byte("success"))
}

func (p *pushSink) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.bodies) == 0 {
		return ""
	}
	return p.bodies[len(p.bodies)-1]
}

func TestAudienceScanQRCode(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	sink := &pushSink{}
	srv := httptest.NewServer(sink)
	t.Cleanup(srv.Close)
	env.SetCallback(t, sandboxtest.DemoAppID, srv.URL, "tok123", "", sandbox.EncryptPlain)

	code := qrCreate(c, `{"expire_seconds":300,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"campaign-7"}}}`)
	ticket := code.str("ticket")

	// A new user subscribes through the code.
	res, err := env.Admin.ScanQRCode(t.Context(), &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: ticket})
	if err != nil {
		t.Fatal(err)
	}
	openID := res.GetOpenid()
	if res.GetEvent() != "subscribe" || res.GetEventKey() != "qrscene_campaign-7" || !res.GetPushed() || !res.GetDelivered() {
		t.Fatalf("scan = %v", res)
	}
	for _, want := range []string{"<Event><![CDATA[subscribe]]></Event>", "<EventKey><![CDATA[qrscene_campaign-7]]></EventKey>", "<Ticket><![CDATA[" + ticket + "]]></Ticket>", openID} {
		if !strings.Contains(sink.last(), want) {
			t.Errorf("pushed XML lacks %s:\n%s", want, sink.last())
		}
	}
	info := c.get("/cgi-bin/user/info", url.Values{"openid": {openID}})
	if info.str("subscribe_scene") != "ADD_SCENE_QR_CODE" || info.str("qr_scene_str") != "campaign-7" || info.num("subscribe_time") != start.Unix() {
		t.Errorf("user/info after the scan = %v", info)
	}
	if ids := c.get("/cgi-bin/user/get", nil).openids(); !slices.Contains(ids, openID) {
		t.Errorf("the new follower is not in user/get")
	}

	// The follower scans again: SCAN with the bare scene.
	res, err = env.Admin.ScanQRCode(t.Context(), &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: ticket, Openid: openID})
	if err != nil || res.GetEvent() != "SCAN" || res.GetEventKey() != "campaign-7" {
		t.Fatalf("second scan = %v, %v", res, err)
	}
	if !strings.Contains(sink.last(), "<Event><![CDATA[SCAN]]></Event>") || !strings.Contains(sink.last(), "<EventKey><![CDATA[campaign-7]]></EventKey>") {
		t.Errorf("SCAN push:\n%s", sink.last())
	}

	// An integer scene, and the errors.
	idCode := qrCreate(c, `{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":42}}}`)
	scan, err := env.Sandbox.ScanQRCode(t.Context(), sandboxtest.DemoAppID, idCode.str("ticket"), "o-scanner")
	if err != nil || scan.EventKey != "qrscene_42" {
		t.Fatalf("integer scene scan = %+v, %v", scan, err)
	}
	if u, _ := env.Sandbox.User(sandboxtest.DemoAppID, "o-scanner"); u.QRScene != 42 || u.SubscribeScene != "ADD_SCENE_QR_CODE" {
		t.Errorf("scanner = %+v", u)
	}
	env.Sandbox.Advance(300 * time.Second)
	_, err = env.Admin.ScanQRCode(t.Context(), &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: ticket})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("expired ticket: %v", err)
	}
	_, err = env.Admin.ScanQRCode(t.Context(), &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID})
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "ticket") {
		t.Errorf("missing ticket: %v", err)
	}
	_, err = env.Admin.ScanQRCode(t.Context(), &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: idCode.str("ticket"), Openid: "o bad"})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("malformed openid: %v", err)
	}
}

func TestAudienceAdmin(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	ctx := t.Context()
	gen, err := env.Admin.GenerateFollowers(ctx, &sandboxv1.GenerateFollowersRequest{AppId: sandboxtest.DemoAppID, Count: 5})
	if err != nil || gen.GetTotal() != 5 {
		t.Fatalf("GenerateFollowers = %v, %v", gen, err)
	}
	sub, err := env.Admin.SubscribeUser(ctx, &sandboxv1.SubscribeUserRequest{AppId: sandboxtest.DemoAppID, SubscribeScene: "ADD_SCENE_SEARCH"})
	if err != nil || sub.GetPushed() {
		t.Fatalf("SubscribeUser without a callback = %v, %v", sub, err)
	}
	if u, _ := env.Sandbox.User(sandboxtest.DemoAppID, sub.GetOpenid()); u.SubscribeScene != "ADD_SCENE_SEARCH" || u.Unsubscribed {
		t.Errorf("subscribed user = %+v", u)
	}
	if _, err := env.Admin.UnsubscribeUser(ctx, &sandboxv1.UnsubscribeUserRequest{AppId: sandboxtest.DemoAppID, Openid: sub.GetOpenid()}); err != nil {
		t.Fatal(err)
	}
	if n, _ := env.Sandbox.FollowerCount(sandboxtest.DemoAppID); n != 5 {
		t.Errorf("followers = %d, want 5", n)
	}

	tests := []struct {
		name string
		call func() error
		want connect.Code
	}{
		{"generate 0", func() error {
			_, err := env.Admin.GenerateFollowers(ctx, &sandboxv1.GenerateFollowersRequest{AppId: sandboxtest.DemoAppID})
			return err
		}, connect.CodeInvalidArgument},
		{"generate without app", func() error {
			_, err := env.Admin.GenerateFollowers(ctx, &sandboxv1.GenerateFollowersRequest{Count: 1})
			return err
		}, connect.CodeInvalidArgument},
		{"generate for unknown app", func() error {
			_, err := env.Admin.GenerateFollowers(ctx, &sandboxv1.GenerateFollowersRequest{AppId: "wx9999999999999999", Count: 1})
			return err
		}, connect.CodeNotFound},
		{"scan unknown ticket", func() error {
			_, err := env.Admin.ScanQRCode(ctx, &sandboxv1.ScanQRCodeRequest{AppId: sandboxtest.DemoAppID, Ticket: "nope"})
			return err
		}, connect.CodeNotFound},
		{"subscribe a follower", func() error {
			_, err := env.Admin.SubscribeUser(ctx, &sandboxv1.SubscribeUserRequest{AppId: sandboxtest.DemoAppID, Openid: firstFollower(t, env)})
			return err
		}, connect.CodeFailedPrecondition},
		{"subscribe with an unknown scene", func() error {
			_, err := env.Admin.SubscribeUser(ctx, &sandboxv1.SubscribeUserRequest{AppId: sandboxtest.DemoAppID, SubscribeScene: "ADD_SCENE_MOON"})
			return err
		}, connect.CodeInvalidArgument},
		{"unsubscribe a non-follower", func() error {
			_, err := env.Admin.UnsubscribeUser(ctx, &sandboxv1.UnsubscribeUserRequest{AppId: sandboxtest.DemoAppID, Openid: sub.GetOpenid()})
			return err
		}, connect.CodeFailedPrecondition},
		{"unsubscribe an unknown user", func() error {
			_, err := env.Admin.UnsubscribeUser(ctx, &sandboxv1.UnsubscribeUserRequest{AppId: sandboxtest.DemoAppID, Openid: "o-nobody"})
			return err
		}, connect.CodeNotFound},
		{"unsubscribe without openid", func() error {
			_, err := env.Admin.UnsubscribeUser(ctx, &sandboxv1.UnsubscribeUserRequest{AppId: sandboxtest.DemoAppID})
			return err
		}, connect.CodeInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); connect.CodeOf(err) != tt.want {
				t.Errorf("error %v, want code %v", err, tt.want)
			}
		})
	}
}

// firstFollower returns the demo account's first follower.
func firstFollower(t *testing.T, env *sandboxtest.Env) string {
	t.Helper()
	users, err := env.Sandbox.Users(sandboxtest.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if !u.Unsubscribed {
			return u.OpenID
		}
	}
	t.Fatal("no follower")
	return ""
}

// TestAudienceFollowerChurn unfollows most followers (the follower list compacts its
// stale entries) and checks that paging still returns exactly the followers, in order.
func TestAudienceFollowerChurn(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	c := newAPI(t, env)
	env.GenerateFollowers(t, sandboxtest.DemoAppID, 3000)
	all := c.get("/cgi-bin/user/get", nil).openids()
	var kept []string
	for i, id := range all {
		if i%3 == 0 {
			kept = append(kept, id)
			continue
		}
		if _, err := env.Sandbox.Unsubscribe(t.Context(), sandboxtest.DemoAppID, id); err != nil {
			t.Fatal(err)
		}
	}
	back := env.Subscribe(t, sandboxtest.DemoAppID, all[1], "ADD_SCENE_SEARCH")
	kept = append(kept, back.OpenID)
	a := c.get("/cgi-bin/user/get", nil)
	if a.num("total") != int64(len(kept)) || !slices.Equal(a.openids(), kept) {
		t.Fatalf("after churn: total %d, %d openids; want %d in subscription order", a.num("total"), len(a.openids()), len(kept))
	}
	// A cursor that unfollowed is unknown.
	wantErrcode(t, c.get("/cgi-bin/user/get", url.Values{"next_openid": {all[2]}}), 40003)
	if got := c.get("/cgi-bin/user/get", url.Values{"next_openid": {kept[0]}}).openids(); !slices.Equal(got, kept[1:]) {
		t.Errorf("page after the first follower = %d openids", len(got))
	}
	if info := c.get("/cgi-bin/user/info", url.Values{"openid": {all[2]}}); info.num("subscribe") != 0 {
		t.Errorf("an unfollowed user: %v", info)
	}
}
