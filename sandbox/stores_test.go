package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// storesPost posts body to a stores path with a demo-account token. It decodes the
// answer itself: the shared reply type reads "status" as the HTTP status, and
// applycodequery answers a string status.
func storesPost(t *testing.T, env *sandboxtest.Env, token, path, body string) reply {
	t.Helper()
	resp, err := env.Client.Post(env.URL+path+"?access_token="+url.QueryEscape(token), "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := reply{Status: resp.StatusCode, Raw: string(data)}
	var env2 struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &env2); err != nil {
		t.Fatalf("POST %s: answer %q is not JSON: %v", path, data, err)
	}
	r.Errcode, r.Errmsg = env2.Errcode, env2.Errmsg
	_ = json.Unmarshal(data, &r.Fields)
	return r
}

// storesField decodes the member path (dot-separated) of r into v.
func storesField(t *testing.T, r reply, path string, v any) {
	t.Helper()
	var cur any
	if err := json.Unmarshal([]byte(r.Raw), &cur); err != nil {
		t.Fatal(err)
	}
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%s: no %s in %s", path, k, r.Raw)
		}
		cur = m[k]
	}
	data, _ := json.Marshal(cur)
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s of %s: %v", path, r.Raw, err)
	}
}

const storesPoiBody = `{"business":{"base_info":{"sid":"A001","business_name":"麦当劳","branch_name":"艺苑路店",
"province":"广东省","city":"广州市","district":"海珠区","address":"艺苑路11号","telephone":"020-12345678",
"categories":["美食,快餐小吃"],"offset_type":1,"longitude":113.32,"latitude":23.09,
"photo_list":[{"photo_url":"http://mmbiz.qpic.cn/mmbiz_jpg/abc/0"}],"open_time":"8:00-20:00","avg_price":35}}}`

func TestStoresPoiLifecycle(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		pushed []string
	)
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		mu.Lock()
		pushed = append(pushed, string(data))
		mu.Unlock()
		_, _ = io.WriteString(w, "success")
	}))
	t.Cleanup(cb.Close)
	acc := sandbox.DemoAccount()
	acc.CallbackURL, acc.CallbackToken = cb.URL, "cbtoken"
	env := startFrozen(t, sandbox.Options{Accounts: []sandbox.Account{acc}})
	tok := fetchToken(t, env)

	r := storesPost(t, env, tok, "/cgi-bin/poi/addpoi", storesPoiBody)
	var poiID int64
	storesField(t, r, "poi_id", &poiID)
	if r.Errcode != 0 || poiID == 0 {
		t.Fatalf("addpoi: %s", r.Raw)
	}
	idBody := fmt.Sprintf(`{"poi_id":"%d"}`, poiID)
	r = storesPost(t, env, tok, "/cgi-bin/poi/getpoi", idBody)
	var state int
	storesField(t, r, "business.base_info.available_state", &state)
	if state != 2 {
		t.Fatalf("new store state %d, want 2 (reviewing): %s", state, r.Raw)
	}
	// Not approved yet: no update.
	upd := fmt.Sprintf(`{"business":{"base_info":{"poi_id":"%d","telephone":"020-1"}}}`, poiID)
	if r := storesPost(t, env, tok, "/cgi-bin/poi/updatepoi", upd); r.Errcode != 65106 {
		t.Fatalf("update before approval: %s", r.Raw)
	}
	rev, err := env.Sandbox.ReviewPoi(t.Context(), sandboxtest.DemoAppID, poiID, true, "")
	if err != nil || !rev.Pushed || !rev.Push.Delivered {
		t.Fatalf("ReviewPoi = %+v, %v", rev, err)
	}
	mu.Lock()
	got := strings.Join(pushed, "")
	mu.Unlock()
	for _, want := range []string{"poi_check_notify", "<UniqId><![CDATA[A001]]></UniqId>", fmt.Sprintf("<PoiId>%d</PoiId>", poiID), "<Result><![CDATA[succ]]></Result>"} {
		if !strings.Contains(got, want) {
			t.Errorf("push %q lacks %q", got, want)
		}
	}
	// Only the service fields change.
	if r := storesPost(t, env, tok, "/cgi-bin/poi/updatepoi", fmt.Sprintf(`{"business":{"base_info":{"poi_id":"%d","address":"x"}}}`, poiID)); r.Errcode != 40097 {
		t.Errorf("address update: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/updatepoi", upd); r.Errcode != 0 {
		t.Fatalf("update: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/updatepoi", upd); r.Errcode != 65107 {
		t.Errorf("second update while reviewed: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/cgi-bin/poi/getpoilist", `{"begin":0,"limit":10}`)
	var total string
	storesField(t, r, "total_count", &total)
	var tel string
	storesField(t, r, "business_list", &[]any{})
	if total != "1" {
		t.Errorf("getpoilist: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/cgi-bin/poi/getpoi", idBody)
	storesField(t, r, "business.base_info.telephone", &tel)
	if tel != "020-1" {
		t.Errorf("telephone after update = %q", tel)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/getpoilist", `{"begin":0,"limit":51}`); r.Errcode != 40097 {
		t.Errorf("limit 51: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/delpoi", idBody); r.Errcode != 0 {
		t.Fatalf("delpoi: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/getpoi", idBody); r.Errcode != 65116 {
		t.Errorf("getpoi after delete: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/getpoi", `{"poi_id":"1"}`); r.Errcode != 65115 {
		t.Errorf("getpoi of an unknown id: %s", r.Raw)
	}
	r = get(t, env, "/cgi-bin/poi/getwxcategory", url.Values{"access_token": {tok}})
	var cats []string
	storesField(t, r, "category_list", &cats)
	if len(cats) == 0 || cats[0] == "" {
		t.Errorf("getwxcategory: %s", r.Raw)
	}
}

func TestStoresAddPoiRefusals(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	tests := []struct {
		name string
		give string // replaced in storesPoiBody
		with string
		want int
	}{
		{"empty name", `"business_name":"麦当劳"`, `"business_name":""`, 65109},
		{"name with brackets", `"business_name":"麦当劳"`, `"business_name":"麦当劳(艺苑)"`, 65109},
		{"no province", `"province":"广东省"`, `"province":""`, 65113},
		{"no city", `"city":"广州市"`, `"city":""`, 65112},
		{"no address", `"address":"艺苑路11号"`, `"address":" "`, 65110},
		{"no telephone", `"telephone":"020-12345678"`, `"telephone":""`, 65111},
		{"unknown category", `"美食,快餐小吃"`, `"美食,火星菜"`, 65104},
		{"foreign photo", `http://mmbiz.qpic.cn/mmbiz_jpg/abc/0`, `https://example.com/a.jpg`, 65105},
		{"offset type 2", `"offset_type":1`, `"offset_type":2`, 40097},
		{"bad JSON shape", `"avg_price":35`, `"avg_price":"35"`, 47001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := strings.Replace(storesPoiBody, tt.give, tt.with, 1)
			if body == storesPoiBody {
				t.Fatal("replacement did not apply")
			}
			if r := storesPost(t, env, tok, "/cgi-bin/poi/addpoi", body); r.Errcode != tt.want {
				t.Errorf("errcode %d, want %d: %s", r.Errcode, tt.want, r.Raw)
			}
		})
	}
	if r := storesPost(t, env, tok, "/cgi-bin/poi/addpoi", ""); r.Errcode != 44002 {
		t.Errorf("empty body: %s", r.Raw)
	}
	if r := get(t, env, "/cgi-bin/poi/addpoi", url.Values{"access_token": {tok}}); r.Errcode != 43002 {
		t.Errorf("GET addpoi: %s", r.Raw)
	}
}

func TestStoresMerchantAndStores(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	q := url.Values{"access_token": {tok}}

	r := get(t, env, "/wxa/get_merchant_category", q)
	var cats []map[string]any
	storesField(t, r, "data.all_category_info.categories", &cats)
	if len(cats) < 3 {
		t.Fatalf("categories: %s", r.Raw)
	}
	// A store needs an approved store mini-program.
	addStore := `{"map_poi_id":"3149421079434588470","pic_list":"{\"list\":[\"http://mmbiz.qpic.cn/mmbiz_jpg/p/0\"]}","contract_phone":"13800000000","hour":"09:00-21:00","credential":"91440101MA59"}`
	if r := storesPost(t, env, tok, "/wxa/add_store", addStore); r.Errcode != 65118 {
		t.Fatalf("add_store without merchant: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/apply_merchant", `{"first_catid":278,"second_catid":270,"headimg_mediaid":"m","nickname":"小店小店","intro":"i"}`); r.Errcode != 65120 {
		t.Errorf("category of another parent: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/apply_merchant", `{"first_catid":278,"second_catid":279,"headimg_mediaid":"m","nickname":"abc","intro":"i"}`); r.Errcode != 40097 {
		t.Errorf("short nickname: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/apply_merchant", `{"first_catid":278,"second_catid":279,"headimg_mediaid":"m","nickname":"小店小店","intro":"i"}`); r.Errcode != 0 {
		t.Fatalf("apply_merchant: %s", r.Raw)
	}
	r = get(t, env, "/wxa/get_merchant_audit_info", q)
	var status int
	storesField(t, r, "data.status", &status)
	if status != 2 {
		t.Fatalf("audit: %s", r.Raw)
	}
	if err := env.Sandbox.ReviewStoreMerchant(sandboxtest.DemoAppID, true, ""); err != nil {
		t.Fatal(err)
	}
	if r := storesPost(t, env, tok, "/wxa/modify_merchant", `{"intro":"新介绍"}`); r.Errcode != 0 {
		t.Errorf("modify_merchant: %s", r.Raw)
	}

	// Map: districts, search, create.
	r = get(t, env, "/wxa/get_district", q)
	var result [][]map[string]any
	storesField(t, r, "result", &result)
	if len(result) != 3 || len(result[2]) == 0 {
		t.Fatalf("get_district: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/search_map_poi", `{"districtid":440105,"keyword":"麦当劳"}`)
	var items []map[string]any
	storesField(t, r, "data.item", &items)
	if len(items) != 1 || items[0]["sosomap_poi_uid"] != "3149421079434588470" {
		t.Fatalf("search_map_poi: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/create_map_poi", `{"name":"新店","longitude":113.3,"latitude":23.1,"province":"广东省","city":"广州市","district":"天河区","address":"天河路1号","category":"美食:中餐厅","telephone":"020-1","photo":"http://mmbiz.qpic.cn/a/0","license":"http://mmbiz.qpic.cn/b/0","introduct":"好","districtid":440106}`)
	var baseID string
	storesField(t, r, "data.base_id", &baseID)
	if r.Errcode != 0 || baseID == "" {
		t.Fatalf("create_map_poi: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/search_map_poi", `{"districtid":440106,"keyword":"新店"}`)
	storesField(t, r, "data.item", &items)
	if len(items) != 1 || items[0]["sosomap_poi_uid"] != baseID {
		t.Errorf("created place not found: %s", r.Raw)
	}

	// Stores.
	if r := storesPost(t, env, tok, "/wxa/add_store", strings.Replace(addStore, "09:00-21:00", "9-21", 1)); r.Errcode != 40097 {
		t.Errorf("bad hour: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/add_store", addStore); r.Errcode != 0 {
		t.Fatalf("add_store: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/get_store_list", `{"offset":0,"limit":0}`)
	var list []map[string]any
	storesField(t, r, "business_list", &list)
	if len(list) != 1 {
		t.Fatalf("get_store_list: %s", r.Raw)
	}
	poiID := list[0]["poi_id"].(string)
	if r := storesPost(t, env, tok, "/wxa/get_store_list", `{"offset":1,"limit":10}`); r.Errcode != 40097 {
		t.Errorf("offset past the end: %s", r.Raw)
	}
	upd := `{"poi_id":"` + poiID + `","hour":"10:00-22:00","contract_phone":"1","pic_list":"{\"list\":[\"http://mmbiz.qpic.cn/x/0\"]}"}`
	if r := storesPost(t, env, tok, "/wxa/update_store", upd); r.Errcode != 65118 {
		t.Errorf("update under review: %s", r.Raw)
	}
	var id int64
	fmt.Sscan(poiID, &id)
	if err := env.Sandbox.ReviewStore(sandboxtest.DemoAppID, id, true); err != nil {
		t.Fatal(err)
	}
	r = storesPost(t, env, tok, "/wxa/update_store", upd)
	var has int
	storesField(t, r, "data.has_audit_id", &has)
	if r.Errcode != 0 || has != 1 {
		t.Errorf("update_store: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/wxa/get_store_info", `{"poi_id":"`+poiID+`"}`)
	var hour string
	storesField(t, r, "business.base_info.hour", &hour)
	if hour != "10:00-22:00" {
		t.Errorf("get_store_info: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/del_store", `{"poi_id":"`+poiID+`"}`); r.Errcode != 0 {
		t.Errorf("del_store: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/wxa/get_store_info", `{"poi_id":"`+poiID+`"}`); r.Errcode != 65115 {
		t.Errorf("get after delete: %s", r.Raw)
	}
}

func TestStoresMarketCode(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)

	for _, body := range []string{`{"code_count":15000,"isv_application_id":"a"}`, `{"code_count":0,"isv_application_id":"a"}`, `{"code_count":20010000,"isv_application_id":"a"}`} {
		if r := storesPost(t, env, tok, "/intp/marketcode/applycode", body); r.Errcode != 40097 {
			t.Errorf("%s: %s", body, r.Raw)
		}
	}
	r := storesPost(t, env, tok, "/intp/marketcode/applycode", `{"code_count":20000,"isv_application_id":"order-1"}`)
	var appID int64
	storesField(t, r, "application_id", &appID)
	if r.Errcode != 0 || appID == 0 {
		t.Fatalf("applycode: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/applycode", `{"code_count":20000,"isv_application_id":"order-1"}`)
	var again int64
	storesField(t, r, "application_id", &again)
	if again != appID {
		t.Errorf("same isv_application_id gave %d, want %d", again, appID)
	}
	q := fmt.Sprintf(`{"application_id":%d}`, appID)
	r = storesPost(t, env, tok, "/intp/marketcode/applycodequery", q)
	var status string
	storesField(t, r, "status", &status)
	if status != "PROCESSING" {
		t.Fatalf("status before generation: %s", r.Raw)
	}
	dl := fmt.Sprintf(`{"application_id":%d,"code_start":0,"code_end":9}`, appID)
	if r := storesPost(t, env, tok, "/intp/marketcode/applycodedownload", dl); r.Errcode != 40097 {
		t.Errorf("download before FINISH: %s", r.Raw)
	}
	env.Sandbox.Advance(2 * time.Minute)
	r = storesPost(t, env, tok, "/intp/marketcode/applycodequery", `{"isv_application_id":"order-1"}`)
	var ranges []struct{ CodeStart, CodeEnd int64 }
	storesField(t, r, "status", &status)
	storesField(t, r, "code_generate_list", &ranges)
	if status != "FINISH" || len(ranges) != 2 {
		t.Fatalf("applycodequery: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/applycodedownload", dl)
	var buf string
	storesField(t, r, "buffer", &buf)
	pkg, err := base64.StdEncoding.DecodeString(buf)
	if err != nil {
		t.Fatal(err)
	}
	key, err := env.Sandbox.MarketCodeKey(sandboxtest.DemoAppID)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := sandbox.DecryptMarketCodes(key, pkg)
	if err != nil || len(codes) != 10 || codes[3].Index != 3 || len(codes[3].Code) != 9 || len(codes[3].CodeURL) != 28 {
		t.Fatalf("package: %+v, %v", codes, err)
	}
	if _, err := sandbox.DecryptMarketCodes(make([]byte, 32), pkg); err == nil {
		// A wrong key fails the padding check with overwhelming probability.
		t.Log("a wrong key decrypted; padding happened to match")
	}
	if _, err := env.Sandbox.ScanMarketCode(sandboxtest.DemoAppID, "o-user", codes[3].Code); err == nil {
		t.Error("scan of an inactive code succeeded")
	}
	act := fmt.Sprintf(`{"application_id":%d,"activity_name":"春节","product_brand":"品牌","product_title":"商品","product_code":"6901234567892","wxa_appid":"wxa1","wxa_path":"pages/index","code_start":0,"code_end":4}`, appID)
	if r := storesPost(t, env, tok, "/intp/marketcode/codeactive", strings.Replace(act, `"wxa_path":"pages/index",`, "", 1)); r.Errcode != 41011 {
		t.Errorf("codeactive without wxa_path: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/intp/marketcode/codeactive", act); r.Errcode != 0 {
		t.Fatalf("codeactive: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/codeactivequery", `{"code_url":"`+codes[3].CodeURL+`"}`)
	var code, activity string
	storesField(t, r, "code", &code)
	storesField(t, r, "activity_name", &activity)
	if code != codes[3].Code || activity != "春节" {
		t.Errorf("codeactivequery: %s", r.Raw)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/codeactivequery", fmt.Sprintf(`{"application_id":%d,"code_index":7}`, appID))
	if _, ok := r.Fields["activity_name"]; ok || r.Errcode != 0 {
		t.Errorf("inactive code query: %s", r.Raw)
	}
	ticket, err := env.Sandbox.ScanMarketCode(sandboxtest.DemoAppID, "o-user", codes[3].Code)
	if err != nil {
		t.Fatal(err)
	}
	r = storesPost(t, env, tok, "/intp/marketcode/tickettocode", `{"openid":"o-user","code_ticket":"`+ticket+`"}`)
	storesField(t, r, "code", &code)
	if code != codes[3].Code {
		t.Errorf("tickettocode: %s", r.Raw)
	}
	if r := storesPost(t, env, tok, "/intp/marketcode/tickettocode", `{"openid":"o-other","code_ticket":"`+ticket+`"}`); r.Errcode != 40003 {
		t.Errorf("ticket of another user: %s", r.Raw)
	}
	env.Sandbox.Advance(31 * time.Minute)
	if r := storesPost(t, env, tok, "/intp/marketcode/tickettocode", `{"openid":"o-user","code_ticket":"`+ticket+`"}`); r.Errcode != 40097 {
		t.Errorf("expired ticket: %s", r.Raw)
	}
}

func TestStoresReviewPoiRejectWithoutCallback(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{})
	tok := fetchToken(t, env)
	r := storesPost(t, env, tok, "/cgi-bin/poi/addpoi", storesPoiBody)
	var poiID int64
	storesField(t, r, "poi_id", &poiID)
	rev, err := env.Sandbox.ReviewPoi(t.Context(), sandboxtest.DemoAppID, poiID, false, "电话无人接听")
	if err != nil || rev.Pushed {
		t.Fatalf("ReviewPoi = %+v, %v (no callback: nothing to push)", rev, err)
	}
	r = storesPost(t, env, tok, "/cgi-bin/poi/getpoi", fmt.Sprintf(`{"poi_id":%d}`, poiID))
	var state int
	storesField(t, r, "business.base_info.available_state", &state)
	if state != 4 {
		t.Errorf("rejected store state %d, want 4: %s", state, r.Raw)
	}
	var argErr *sandbox.ArgumentError
	if _, err := env.Sandbox.ReviewPoi(t.Context(), sandboxtest.DemoAppID, poiID, true, ""); !errors.As(err, &argErr) {
		t.Errorf("second review: %v, want an ArgumentError", err)
	}
	if _, err := env.Sandbox.ReviewPoi(t.Context(), "wxnobody", poiID, true, ""); !errors.Is(err, sandbox.ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
	if err := env.Sandbox.ReviewStore(sandboxtest.DemoAppID, 1, true); !errors.As(err, &argErr) {
		t.Errorf("ReviewStore of an unknown store: %v", err)
	}
	if err := env.Sandbox.ReviewStoreMerchant(sandboxtest.DemoAppID, true, ""); !errors.As(err, &argErr) {
		t.Errorf("ReviewStoreMerchant without an application: %v", err)
	}
}
