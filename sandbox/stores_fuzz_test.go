package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// FuzzStoresRequests feeds arbitrary bodies to every stores endpoint (POI, store
// mini-program, 一物一码) of an account that already holds a store, an approved store
// mini-program, a store and a finished code application: no body panics, and every
// answer is the errcode envelope or a JSON payload.
func FuzzStoresRequests(f *testing.F) {
	m := make(map[string]endpoint)
	registerStores(m)
	paths := make([]string, 0, len(m))
	for p := range m {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	seeds := []string{
		`{"business":{"base_info":{"business_name":"店","province":"p","city":"c","address":"a","telephone":"1","categories":["美食,川菜"],"offset_type":1}}}`,
		`{"poi_id":"271262077"}`, `{"poi_id":271262077}`, `{"poi_id":null}`, `{"begin":0,"limit":50}`,
		`{"business":{"base_info":{"poi_id":"271262077","telephone":"2","photo_list":[{"photo_url":"x"}]}}}`,
		`{"first_catid":278,"second_catid":279,"headimg_mediaid":"m","nickname":"abcd","intro":"i"}`,
		`{"districtid":440105,"keyword":"麦"}`, `{"map_poi_id":"3149421079434588470","pic_list":"{\"list\":[]}"}`,
		`{"offset":0,"limit":0}`, `{"code_count":10000,"isv_application_id":"x"}`,
		`{"application_id":581865877,"code_start":0,"code_end":9999}`, `{"code":"001000000"}`,
		`{"code_url":"0000000000000000000001000000"}`, `{"openid":"o","code_ticket":"t"}`,
		``, `[]`, `{`, `{"poi_id":"99999999999999999999"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		s := New(Options{Accounts: []Account{DemoAccount()}, NoRID: true})
		a := s.accounts[DemoAppID]
		s.mu.Lock()
		defer s.mu.Unlock()
		call := func(path, b string) answer {
			r, _ := http.NewRequest(http.MethodPost, path, strings.NewReader(b))
			return m[path].serve(s, &apiCall{r: r, body: []byte(b), a: a, now: s.Now()})
		}
		// Some state for the fuzzed call to work on.
		call("/cgi-bin/poi/addpoi", seeds[0])
		a.stores.wxa.merchantStatus = storesMerchantApproved
		call("/wxa/add_store", `{"map_poi_id":"3149421079434588470","pic_list":"{\"list\":[\"http://mmbiz.qpic.cn/a/0\"]}","contract_phone":"1","hour":"09:00-10:00","credential":"c"}`)
		call("/intp/marketcode/applycode", seeds[10])
		for _, app := range a.stores.marketCode.apps {
			app.created = app.created.Add(-2 * marketCodeGenerate)
		}
		path := paths[int(which)%len(paths)]
		r, _ := http.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		ans := m[path].serve(s, &apiCall{r: r, body: body, a: a, now: s.Now()})
		if ans.body == nil {
			if ans.errcode == codeOK {
				t.Fatalf("%s: an envelope answer without errcode", path)
			}
			return
		}
		if _, err := json.Marshal(ans.body); err != nil {
			t.Fatalf("%s: answer does not encode: %v", path, err)
		}
	})
}
