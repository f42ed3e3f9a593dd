package sandbox

// This file holds what the stores endpoints share: the account state, the errcodes and
// their texts, and the registration of every path. The endpoints themselves are in
// stores_poi.go (微信门店, /cgi-bin/poi/*), stores_wxa.go (门店小程序, /wxa/*) and
// stores_marketcode.go (一物一码, /intp/marketcode/*).
//
// The platform digest (seed, "## 微信门店" and "## 一物一码") lists the paths only; field
// names and shapes follow the platform's per-API pages as the SDKs carry them. Where
// the platform gives no errcode for a case the sandbox answers with the conventions of
// behaviour.md §0 (44002 empty body, 47001 bad JSON shape, 41011 missing field, 40097
// invalid args) and says so at the check.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Errcodes of the stores endpoints, with the English errmsg texts of the platform's
// return-code list (WxJava WxMpErrorMsgEnum carries them).
const (
	codeStoresInvalidCategories = 65104 // invalid categories
	codeStoresInvalidPhotoURL   = 65105 // invalid photo url
	codeStoresPoiNotApproved    = 65106 // poi audit state must be approved
	codeStoresPoiNoModify       = 65107 // poi not allowed modify now
	codeStoresInvalidName       = 65109 // invalid business name
	codeStoresInvalidAddress    = 65110 // invalid address
	codeStoresInvalidTelephone  = 65111 // invalid telephone
	codeStoresInvalidCity       = 65112 // invalid city
	codeStoresInvalidProvince   = 65113 // invalid province
	codeStoresPhotoListEmpty    = 65114 // photo list empty
	codeStoresPoiNotExist       = 65115 // poi_id is not exist
	codeStoresPoiDeleted        = 65116 // poi has been deleted
	codeStoresStatusInvalid     = 65118 // store status is invalid
	codeStoresCategoryNotFound  = 65120 // category info is not found
)

// storesErrmsgs are the errmsg texts of the stores errcodes (the shared table in
// errcodes.go belongs to every domain; these are answered through storesFail).
var storesErrmsgs = map[int]string{
	codeStoresInvalidCategories: "invalid categories",
	codeStoresInvalidPhotoURL:   "invalid photo url",
	codeStoresPoiNotApproved:    "poi audit state must be approved",
	codeStoresPoiNoModify:       "poi not allowed modify now",
	codeStoresInvalidName:       "invalid business name",
	codeStoresInvalidAddress:    "invalid address",
	codeStoresInvalidTelephone:  "invalid telephone",
	codeStoresInvalidCity:       "invalid city",
	codeStoresInvalidProvince:   "invalid province",
	codeStoresPhotoListEmpty:    "photo list empty",
	codeStoresPoiNotExist:       "poi_id is not exist",
	codeStoresPoiDeleted:        "poi has been deleted",
	codeStoresStatusInvalid:     "store status is invalid",
	codeStoresCategoryNotFound:  "category info is not found",
}

// storesFail is fail with the stores errmsg texts.
func storesFail(code int) answer {
	if msg, ok := storesErrmsgs[code]; ok {
		return answer{errcode: code, errmsg: msg}
	}
	return fail(code)
}

// storesFailMsg is an errcode answer with an explaining errmsg (for 40097 and 41011,
// whose generic text would not tell which field is wrong).
func storesFailMsg(code int, msg string) answer {
	return answer{errcode: code, errmsg: errmsgFor(code) + ": " + msg}
}

// storesState is an account's stores (POI), store mini-program and 一物一码 state.
// Guarded by Sandbox.mu; the zero value is an account with none of them.
type storesState struct {
	poi        storesPoiState
	wxa        storesWxaState
	marketCode storesMarketCodeState
}

// registerStores adds the stores (POI), store mini-programs and 一物一码 codes endpoints to m.
func registerStores(m map[string]endpoint) {
	post := func(serve func(s *Sandbox, c *apiCall) answer) endpoint {
		return endpoint{method: http.MethodPost, serve: serve}
	}
	get := func(serve func(s *Sandbox, c *apiCall) answer) endpoint {
		return endpoint{method: http.MethodGet, serve: serve}
	}
	m["/cgi-bin/poi/addpoi"] = post((*Sandbox).serveStoresAddPoi)
	m["/cgi-bin/poi/getpoi"] = post((*Sandbox).serveStoresGetPoi)
	m["/cgi-bin/poi/getpoilist"] = post((*Sandbox).serveStoresGetPoiList)
	m["/cgi-bin/poi/updatepoi"] = post((*Sandbox).serveStoresUpdatePoi)
	m["/cgi-bin/poi/delpoi"] = post((*Sandbox).serveStoresDelPoi)
	m["/cgi-bin/poi/getwxcategory"] = get((*Sandbox).serveStoresPoiCategories)

	m["/wxa/get_merchant_category"] = get((*Sandbox).serveStoresMerchantCategory)
	m["/wxa/apply_merchant"] = post((*Sandbox).serveStoresApplyMerchant)
	m["/wxa/get_merchant_audit_info"] = get((*Sandbox).serveStoresMerchantAudit)
	m["/wxa/modify_merchant"] = post((*Sandbox).serveStoresModifyMerchant)
	m["/wxa/get_district"] = get((*Sandbox).serveStoresDistrict)
	m["/wxa/search_map_poi"] = post((*Sandbox).serveStoresSearchMapPoi)
	m["/wxa/create_map_poi"] = post((*Sandbox).serveStoresCreateMapPoi)
	m["/wxa/add_store"] = post((*Sandbox).serveStoresAddStore)
	m["/wxa/update_store"] = post((*Sandbox).serveStoresUpdateStore)
	m["/wxa/get_store_info"] = post((*Sandbox).serveStoresGetStore)
	m["/wxa/get_store_list"] = post((*Sandbox).serveStoresGetStoreList)
	m["/wxa/del_store"] = post((*Sandbox).serveStoresDelStore)

	m["/intp/marketcode/applycode"] = post((*Sandbox).serveMarketCodeApply)
	m["/intp/marketcode/applycodequery"] = post((*Sandbox).serveMarketCodeQuery)
	m["/intp/marketcode/applycodedownload"] = post((*Sandbox).serveMarketCodeDownload)
	m["/intp/marketcode/codeactive"] = post((*Sandbox).serveMarketCodeActive)
	m["/intp/marketcode/codeactivequery"] = post((*Sandbox).serveMarketCodeActiveQuery)
	m["/intp/marketcode/tickettocode"] = post((*Sandbox).serveMarketCodeTicketToCode)
}

// storesID parses an id the platform takes as a JSON number or a string of digits
// (poi_id, application_id); ok is false for anything else, including a missing field.
func storesID(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return 0, false
	}
	var s string
	if raw[0] == '"' {
		if json.Unmarshal(raw, &s) != nil {
			return 0, false
		}
	} else {
		s = string(raw)
	}
	if s == "" || strings.Trim(s, "0123456789") != "" || len(s) > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// storesPresent reports whether raw is a present, non-null JSON value.
func storesPresent(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// storesWidth is the platform's length of a name: a character outside ASCII counts 2
// ("15个汉字或30个英文字符").
func storesWidth(s string) int {
	n := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			n++
		} else {
			n += 2
		}
	}
	return n
}

// storesPhotoURL reports whether u is an image URL of the platform's own domain, the
// only kind the store endpoints accept ("上传的图片url必须为微信自己域名的url").
func storesPhotoURL(u string) bool {
	for _, p := range []string{"http://mmbiz.qpic.cn/", "https://mmbiz.qpic.cn/", "http://mmbiz.qlogo.cn/", "https://mmbiz.qlogo.cn/"} {
		if strings.HasPrefix(u, p) && len(u) > len(p) {
			return true
		}
	}
	return false
}
