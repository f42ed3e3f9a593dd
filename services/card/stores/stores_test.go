package stores_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/card/stores"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
	"github.com/wxsuite/wxsuite/services/messaging"
)

// env is a sandbox and one wxsuite process (token and stores) pointed at it.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	url      string
	pois     cardv1connect.PoiServiceClient
	stores   cardv1connect.StoreServiceClient
	codes    cardv1connect.MarketCodeServiceClient
	events   messagingv1connect.EventServiceClient
	cbToken  string
	grpcConn *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env { t.Helper(); return newEnvAuth(t, "auth: {disabled: true}") }

func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	return newEnvOpts(t, authYAML, false)
}

// newEnvOpts starts the env; withEvents adds the messaging service (the callback that
// receives the sandbox's pushes, and EventService).
func newEnvOpts(t *testing.T, authYAML string, withEvents bool) *env {
	t.Helper()
	e := &env{appID: "wxs" + randomHex(6), cbToken: "cb" + randomHex(6)}
	modules := []fx.Option{stores.Module}
	if withEvents {
		modules = append(modules, messaging.Module)
	}
	st := servicetest.Start(t, servicetest.Options{
		Accounts:      []sandbox.Account{{AppID: e.appID, AppSecret: "secret" + randomHex(6)}},
		CallbackToken: e.cbToken,
		Auth:          authYAML,
		Modules:       modules,
	})
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	e.pois = cardv1connect.NewPoiServiceClient(http.DefaultClient, e.url)
	e.stores = cardv1connect.NewStoreServiceClient(http.DefaultClient, e.url)
	e.codes = cardv1connect.NewMarketCodeServiceClient(http.DefaultClient, e.url)
	e.events = messagingv1connect.NewEventServiceClient(http.DefaultClient, e.url)
	return e
}

// calls counts the sandbox's calls of path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// rest calls the REST surface and returns the status and body.
func (e *env) rest(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// wantWeChatCode fails unless err has code and a WECHAT_ERRCODE detail with errcode.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	info, ok := wechat.ErrorInfoFrom(err)
	if !ok || info.GetMetadata()["errcode"] != strconv.Itoa(errcode) {
		t.Fatalf("error %v: detail %v, want errcode %d", err, info, errcode)
	}
}

// wantArgument fails unless err is InvalidArgument naming field and nothing reached
// path since before.
func (e *env) wantArgument(t *testing.T, err error, field, path string, before int) {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || !strings.HasPrefix(ce.Message(), field+":") {
		t.Errorf("error %v, want InvalidArgument on %s", err, field)
	}
	if n := e.calls(path) - before; n != 0 {
		t.Errorf("%d calls of %s reached the sandbox", n, path)
	}
}

func testPoi() *cardv1.Poi {
	return &cardv1.Poi{Sid: "A001", BusinessName: "麦当劳", BranchName: "艺苑路店", Province: "广东省", City: "广州市",
		District: "海珠区", Address: "艺苑路11号", Telephone: "020-12345678", Categories: []string{"美食,快餐小吃"},
		OffsetType: 1, Longitude: 113.32, Latitude: 23.09, PhotoUrls: []string{"http://mmbiz.qpic.cn/mmbiz_jpg/a/0"},
		OpenTime: "8:00-20:00", AvgPrice: 35}
}

func TestPoiService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	// Refused before sending.
	before := e.calls("/cgi-bin/poi/addpoi")
	bad := testPoi()
	bad.BusinessName = "麦当劳(艺苑)"
	_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: bad})
	e.wantArgument(t, err, "poi.business_name", "/cgi-bin/poi/addpoi", before)
	bad = testPoi()
	bad.Categories = []string{""}
	_, err = e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: bad})
	e.wantArgument(t, err, "poi.categories[0]", "/cgi-bin/poi/addpoi", before)
	_, err = e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: "wxnobody", Poi: testPoi()})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown app_id: %v", err)
	}
	// The platform's verdict keeps its errcode.
	bad = testPoi()
	bad.Categories = []string{"美食,火星菜"}
	_, err = e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: bad})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 65104)

	added, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: testPoi()})
	if err != nil {
		t.Fatal(err)
	}
	poiID := added.GetPoiId()
	// gRPC read.
	g := cardv1.NewPoiServiceClient(e.grpcConn)
	got, err := g.GetPoi(ctx, &cardv1.GetPoiRequest{AppId: e.appID, PoiId: poiID})
	if err != nil || got.GetPoi().GetAvailableState() != cardv1.PoiAvailableState_POI_AVAILABLE_STATE_REVIEWING ||
		got.GetPoi().GetBusinessName() != "麦当劳" || got.GetPoi().GetPoiId() != poiID || len(got.GetPoi().GetPhotoUrls()) != 1 {
		t.Fatalf("GetPoi over gRPC = %v, %v", got, err)
	}
	_, err = e.pois.UpdatePoi(ctx, &cardv1.UpdatePoiRequest{AppId: e.appID, PoiId: poiID, Telephone: "020-1"})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 65106)

	id, _ := strconv.ParseInt(poiID, 10, 64)
	if _, err := e.sb.Sandbox.ReviewPoi(ctx, e.appID, id, true, ""); err != nil {
		t.Fatal(err)
	}
	before = e.calls("/cgi-bin/poi/updatepoi")
	_, err = e.pois.UpdatePoi(ctx, &cardv1.UpdatePoiRequest{AppId: e.appID, PoiId: poiID})
	e.wantArgument(t, err, "poi_id", "/cgi-bin/poi/updatepoi", before)
	if _, err := e.pois.UpdatePoi(ctx, &cardv1.UpdatePoiRequest{AppId: e.appID, PoiId: poiID, Telephone: "020-1",
		PhotoUrls: []string{"http://mmbiz.qpic.cn/mmbiz_jpg/b/0"}}); err != nil {
		t.Fatal(err)
	}
	got, err = e.pois.GetPoi(ctx, &cardv1.GetPoiRequest{AppId: e.appID, PoiId: poiID})
	if err != nil || got.GetPoi().GetTelephone() != "020-1" || got.GetPoi().GetUpdateStatus() != 1 ||
		got.GetPoi().GetAvailableState() != cardv1.PoiAvailableState_POI_AVAILABLE_STATE_APPROVED {
		t.Errorf("GetPoi after update = %v, %v", got, err)
	}

	// REST list.
	code, body := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/pois?begin=0&limit=10", "")
	if code != http.StatusOK || !strings.Contains(body, poiID) {
		t.Errorf("REST ListPois: %d %s", code, body)
	}
	list, err := e.pois.ListPois(ctx, &cardv1.ListPoisRequest{AppId: e.appID})
	if err != nil || list.GetTotalCount() != 1 || len(list.GetPois()) != 1 {
		t.Errorf("ListPois = %v, %v", list, err)
	}
	_, err = e.pois.ListPois(ctx, &cardv1.ListPoisRequest{AppId: e.appID, Limit: 51})
	e.wantArgument(t, err, "limit", "/cgi-bin/poi/getpoilist", e.calls("/cgi-bin/poi/getpoilist"))

	cats, err := e.pois.ListPoiCategories(ctx, &cardv1.ListPoiCategoriesRequest{AppId: e.appID})
	if err != nil || len(cats.GetCategories()) == 0 {
		t.Errorf("ListPoiCategories = %v, %v", cats, err)
	}

	if _, err := e.pois.DeletePoi(ctx, &cardv1.DeletePoiRequest{AppId: e.appID, PoiId: poiID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.pois.GetPoi(ctx, &cardv1.GetPoiRequest{AppId: e.appID, PoiId: poiID})
	wantWeChatCode(t, err, connect.CodeNotFound, 65116)
	_, err = g.DeletePoi(ctx, &cardv1.DeletePoiRequest{AppId: e.appID, PoiId: "12"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("DeletePoi of an unknown store over gRPC: %v", err)
	}
	before = e.calls("/cgi-bin/poi/getpoi")
	_, err = e.pois.GetPoi(ctx, &cardv1.GetPoiRequest{AppId: e.appID, PoiId: "12a"})
	e.wantArgument(t, err, "poi_id", "/cgi-bin/poi/getpoi", before)
}

func TestStoreService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	cats, err := e.stores.ListStoreMerchantCategories(ctx, &cardv1.ListStoreMerchantCategoriesRequest{AppId: e.appID})
	if err != nil || len(cats.GetCategories()) < 3 {
		t.Fatalf("ListStoreMerchantCategories = %v, %v", cats, err)
	}
	var sensitive *cardv1.StoreMerchantCategory
	for _, c := range cats.GetCategories() {
		if c.GetSensitiveType() == 1 {
			sensitive = c
		}
	}
	if sensitive == nil || len(sensitive.GetQualifications()) == 0 {
		t.Errorf("no sensitive category with qualifications in %v", cats)
	}
	before := e.calls("/wxa/apply_merchant")
	_, err = e.stores.ApplyStoreMerchant(ctx, &cardv1.ApplyStoreMerchantRequest{AppId: e.appID, FirstCatid: 278, SecondCatid: 279,
		HeadimgMediaid: "m", Nickname: "abc", Intro: "i"})
	e.wantArgument(t, err, "nickname", "/wxa/apply_merchant", before)
	_, err = e.stores.ModifyStoreMerchant(ctx, &cardv1.ModifyStoreMerchantRequest{AppId: e.appID, Intro: "新"})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 65118)
	if _, err := e.stores.ApplyStoreMerchant(ctx, &cardv1.ApplyStoreMerchantRequest{AppId: e.appID, FirstCatid: 278,
		SecondCatid: 279, HeadimgMediaid: "m", Nickname: "小店小店", Intro: "i"}); err != nil {
		t.Fatal(err)
	}
	audit, err := e.stores.GetStoreMerchantAuditInfo(ctx, &cardv1.GetStoreMerchantAuditInfoRequest{AppId: e.appID})
	if err != nil || audit.GetStatus() != cardv1.StoreMerchantAuditStatus_STORE_MERCHANT_AUDIT_STATUS_REVIEWING || audit.GetAuditId() == 0 {
		t.Fatalf("GetStoreMerchantAuditInfo = %v, %v", audit, err)
	}
	if err := e.sb.Sandbox.ReviewStoreMerchant(e.appID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := e.stores.ModifyStoreMerchant(ctx, &cardv1.ModifyStoreMerchantRequest{AppId: e.appID, Intro: "新"}); err != nil {
		t.Errorf("ModifyStoreMerchant: %v", err)
	}

	g := cardv1.NewStoreServiceClient(e.grpcConn)
	ds, err := g.ListStoreDistricts(ctx, &cardv1.ListStoreDistrictsRequest{AppId: e.appID})
	if err != nil || len(ds.GetProvinces()) == 0 || len(ds.GetDistricts()) == 0 || len(ds.GetProvinces()[0].GetChildIndex()) != 2 {
		t.Fatalf("ListStoreDistricts over gRPC = %v, %v", ds, err)
	}
	code, body := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/store-map-pois:search", `{"districtid":440105,"keyword":"麦当劳"}`)
	if code != http.StatusOK || !strings.Contains(body, "3149421079434588470") {
		t.Fatalf("REST SearchStoreMapPois: %d %s", code, body)
	}
	created, err := e.stores.CreateStoreMapPoi(ctx, &cardv1.CreateStoreMapPoiRequest{AppId: e.appID, Name: "新店", Longitude: 113.3,
		Latitude: 23.1, Province: "广东省", City: "广州市", District: "天河区", Address: "天河路1号", Category: "美食:中餐厅",
		Telephone: "020-1", Photo: "http://mmbiz.qpic.cn/a/0", License: "http://mmbiz.qpic.cn/b/0", Introduct: "好", Districtid: 440106})
	if err != nil || created.GetBaseId() == "" {
		t.Fatalf("CreateStoreMapPoi = %v, %v", created, err)
	}
	found, err := e.stores.SearchStoreMapPois(ctx, &cardv1.SearchStoreMapPoisRequest{AppId: e.appID, Districtid: 440106, Keyword: "新店"})
	if err != nil || len(found.GetItems()) != 1 || found.GetItems()[0].GetSosomapPoiUid() != created.GetBaseId() {
		t.Errorf("SearchStoreMapPois = %v, %v", found, err)
	}

	addReq := &cardv1.AddStoreRequest{AppId: e.appID, MapPoiId: created.GetBaseId(), PicUrls: []string{"http://mmbiz.qpic.cn/p/0"},
		ContractPhone: "13800000000", Hour: "9-21", Credential: "91440101MA59"}
	before = e.calls("/wxa/add_store")
	_, err = e.stores.AddStore(ctx, addReq)
	e.wantArgument(t, err, "hour", "/wxa/add_store", before)
	addReq.Hour = "09:00-21:00"
	added, err := e.stores.AddStore(ctx, addReq)
	if err != nil || added.GetAuditId() == 0 {
		t.Fatalf("AddStore = %v, %v", added, err)
	}
	list, err := e.stores.ListStores(ctx, &cardv1.ListStoresRequest{AppId: e.appID})
	if err != nil || list.GetTotalCount() != 1 || len(list.GetStores()) != 1 || list.GetStores()[0].GetStatus() != 2 {
		t.Fatalf("ListStores = %v, %v", list, err)
	}
	poiID := list.GetStores()[0].GetPoiId()
	upd := &cardv1.UpdateStoreRequest{AppId: e.appID, PoiId: poiID, Hour: "10:00-22:00", ContractPhone: "1",
		PicUrls: []string{"http://mmbiz.qpic.cn/q/0"}}
	_, err = e.stores.UpdateStore(ctx, upd)
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 65118)
	id, _ := strconv.ParseInt(poiID, 10, 64)
	if err := e.sb.Sandbox.ReviewStore(e.appID, id, true); err != nil {
		t.Fatal(err)
	}
	res, err := e.stores.UpdateStore(ctx, upd)
	if err != nil || !res.GetHasAuditId() || res.GetAuditId() == 0 {
		t.Fatalf("UpdateStore = %v, %v", res, err)
	}
	st, err := e.stores.GetStore(ctx, &cardv1.GetStoreRequest{AppId: e.appID, PoiId: poiID})
	if err != nil || st.GetStore().GetHour() != "10:00-22:00" || st.GetStore().GetBusinessName() != "新店" ||
		st.GetStore().GetMapPoiId() != created.GetBaseId() || st.GetStore().GetStatus() != 1 {
		t.Errorf("GetStore = %v, %v", st, err)
	}
	_, err = e.stores.ListStores(ctx, &cardv1.ListStoresRequest{AppId: e.appID, Offset: 5})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	if _, err := e.stores.DeleteStore(ctx, &cardv1.DeleteStoreRequest{AppId: e.appID, PoiId: poiID}); err != nil {
		t.Fatal(err)
	}
	_, err = e.stores.GetStore(ctx, &cardv1.GetStoreRequest{AppId: e.appID, PoiId: poiID})
	wantWeChatCode(t, err, connect.CodeNotFound, 65115)
}

func TestMarketCodeService(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()

	before := e.calls("/intp/marketcode/applycode")
	_, err := e.codes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 15000, IsvApplicationId: "o1"})
	e.wantArgument(t, err, "code_count", "/intp/marketcode/applycode", before)
	_, err = e.codes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 10000, IsvApplicationId: "o 1"})
	e.wantArgument(t, err, "isv_application_id", "/intp/marketcode/applycode", before)

	applied, err := e.codes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 20000, IsvApplicationId: "order-1"})
	if err != nil || applied.GetApplicationId() == 0 {
		t.Fatalf("ApplyMarketCode = %v, %v", applied, err)
	}
	again, err := e.codes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 20000, IsvApplicationId: "order-1"})
	if err != nil || again.GetApplicationId() != applied.GetApplicationId() {
		t.Errorf("second ApplyMarketCode = %v, %v", again, err)
	}
	appID := applied.GetApplicationId()
	q, err := e.codes.GetMarketCodeApplication(ctx, &cardv1.GetMarketCodeApplicationRequest{AppId: e.appID, ApplicationId: appID})
	if err != nil || q.GetStatus() != "PROCESSING" || len(q.GetCodeGenerateList()) != 0 {
		t.Fatalf("GetMarketCodeApplication before generation = %v, %v", q, err)
	}
	_, err = e.codes.DownloadMarketCodes(ctx, &cardv1.DownloadMarketCodesRequest{AppId: e.appID, ApplicationId: appID, CodeEnd: 9})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	e.sb.Sandbox.Advance(2 * time.Minute)
	g := cardv1.NewMarketCodeServiceClient(e.grpcConn)
	q, err = g.GetMarketCodeApplication(ctx, &cardv1.GetMarketCodeApplicationRequest{AppId: e.appID, IsvApplicationId: "order-1"})
	if err != nil || q.GetStatus() != "FINISH" || len(q.GetCodeGenerateList()) != 2 || q.GetCodeGenerateList()[1].GetCodeEnd() != 19999 {
		t.Fatalf("GetMarketCodeApplication over gRPC = %v, %v", q, err)
	}
	_, err = e.codes.GetMarketCodeApplication(ctx, &cardv1.GetMarketCodeApplicationRequest{AppId: e.appID, ApplicationId: appID, IsvApplicationId: "order-1"})
	e.wantArgument(t, err, "application_id", "/intp/marketcode/applycodequery", e.calls("/intp/marketcode/applycodequery"))

	dl, err := e.codes.DownloadMarketCodes(ctx, &cardv1.DownloadMarketCodesRequest{AppId: e.appID, ApplicationId: appID, CodeStart: 0, CodeEnd: 9})
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.sb.Sandbox.MarketCodeKey(e.appID)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := sandbox.DecryptMarketCodes(key, dl.GetBuffer())
	if err != nil || len(pkg) != 10 {
		t.Fatalf("package: %v, %v", pkg, err)
	}

	before = e.calls("/intp/marketcode/codeactive")
	act := &cardv1.MarketCodeActivation{ActivityName: "春节", ProductBrand: "品牌", ProductTitle: "商品", ProductCode: "6901234567892",
		WxaAppid: "wxa1", WxaPath: "pages/index", WxaType: cardv1.MarketCodeWxaType_MARKET_CODE_WXA_TYPE_TRIAL}
	_, err = e.codes.ActivateMarketCodes(ctx, &cardv1.ActivateMarketCodesRequest{AppId: e.appID, ApplicationId: appID, CodeStart: 5, CodeEnd: 4, Activation: act})
	e.wantArgument(t, err, "code_end", "/intp/marketcode/codeactive", before)
	if _, err := e.codes.ActivateMarketCodes(ctx, &cardv1.ActivateMarketCodesRequest{AppId: e.appID, ApplicationId: appID,
		CodeStart: 0, CodeEnd: 4, Activation: act}); err != nil {
		t.Fatal(err)
	}

	// REST query by code_url.
	code, body := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/market-codes:query?code_url="+url.QueryEscape(pkg[3].CodeURL), "")
	if code != http.StatusOK || !strings.Contains(body, pkg[3].Code) || !strings.Contains(body, "春节") {
		t.Errorf("REST GetMarketCodeActivation: %d %s", code, body)
	}
	info, err := e.codes.GetMarketCodeActivation(ctx, &cardv1.GetMarketCodeActivationRequest{AppId: e.appID, ApplicationId: appID, CodeIndex: 7})
	if err != nil || info.GetInfo().GetActivated() || info.GetInfo().GetCode() != pkg[7].Code {
		t.Errorf("inactive code = %v, %v", info, err)
	}
	info, err = e.codes.GetMarketCodeActivation(ctx, &cardv1.GetMarketCodeActivationRequest{AppId: e.appID, Code: pkg[2].Code})
	if err != nil || !info.GetInfo().GetActivated() || info.GetInfo().GetCodeEnd() != 4 ||
		info.GetInfo().GetActivation().GetWxaType() != cardv1.MarketCodeWxaType_MARKET_CODE_WXA_TYPE_TRIAL {
		t.Errorf("active code = %v, %v", info, err)
	}

	ticket, err := e.sb.Sandbox.ScanMarketCode(e.appID, "o-user", pkg[1].Code)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := e.codes.ConvertMarketCodeTicket(ctx, &cardv1.ConvertMarketCodeTicketRequest{AppId: e.appID, Openid: "o-user", CodeTicket: ticket})
	if err != nil || conv.GetInfo().GetCode() != pkg[1].Code || conv.GetInfo().GetActivation().GetProductCode() != "6901234567892" {
		t.Errorf("ConvertMarketCodeTicket = %v, %v", conv, err)
	}
	_, err = e.codes.ConvertMarketCodeTicket(ctx, &cardv1.ConvertMarketCodeTicketRequest{AppId: e.appID, Openid: "o-other", CodeTicket: ticket})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40003)
}

const (
	readerKey = "wxsk_test_stores_reader_0123456789abcdef"
	writerKey = "wxsk_test_stores_writer_0123456789abcdef"
)

// TestScopes checks the policies through the real auth layer for each service: card.read
// reads, card.write changes.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [card.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [card.write]}`, readerKey, writerKey))
	ctx := t.Context()
	readPois := cardv1connect.NewPoiServiceClient(http.DefaultClient, e.url, authtest.Bearer(readerKey))
	writePois := cardv1connect.NewPoiServiceClient(http.DefaultClient, e.url, authtest.Bearer(writerKey))
	if _, err := readPois.ListPoiCategories(ctx, &cardv1.ListPoiCategoriesRequest{AppId: e.appID}); err != nil {
		t.Errorf("reader ListPoiCategories: %v", err)
	}
	if _, err := readPois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: testPoi()}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reader AddPoi: %v", err)
	}
	if _, err := writePois.ListPoiCategories(ctx, &cardv1.ListPoiCategoriesRequest{AppId: e.appID}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("writer ListPoiCategories: %v", err)
	}
	readStores := cardv1connect.NewStoreServiceClient(http.DefaultClient, e.url, authtest.Bearer(readerKey))
	if _, err := readStores.ListStoreDistricts(ctx, &cardv1.ListStoreDistrictsRequest{AppId: e.appID}); err != nil {
		t.Errorf("reader ListStoreDistricts: %v", err)
	}
	if _, err := readStores.DeleteStore(ctx, &cardv1.DeleteStoreRequest{AppId: e.appID, PoiId: "1"}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reader DeleteStore: %v", err)
	}
	readCodes := cardv1connect.NewMarketCodeServiceClient(http.DefaultClient, e.url, authtest.Bearer(readerKey))
	writeCodes := cardv1connect.NewMarketCodeServiceClient(http.DefaultClient, e.url, authtest.Bearer(writerKey))
	if _, err := readCodes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 10000, IsvApplicationId: "x"}); connect.CodeOf(err) != connect.CodePermissionDenied {
		t.Errorf("reader ApplyMarketCode: %v", err)
	}
	if _, err := writeCodes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 10000, IsvApplicationId: "x"}); err != nil {
		t.Errorf("writer ApplyMarketCode: %v", err)
	}
	if _, err := e.codes.GetMarketCodeApplication(ctx, &cardv1.GetMarketCodeApplicationRequest{AppId: e.appID, IsvApplicationId: "x"}); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Errorf("no key: %v", err)
	}
}

// TestRefusedBeforeSending checks the validation of every RPC family: the error is
// InvalidArgument naming the field, and nothing reaches the sandbox.
func TestRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	poi := func(change func(p *cardv1.Poi)) *cardv1.Poi { p := testPoi(); change(p); return p }
	act := func() *cardv1.MarketCodeActivation {
		return &cardv1.MarketCodeActivation{ActivityName: "a", ProductBrand: "b", ProductTitle: "t", ProductCode: "c",
			WxaAppid: "wxa", WxaPath: "p"}
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"no app_id", func() error { _, err := e.pois.ListPoiCategories(ctx, &cardv1.ListPoiCategoriesRequest{}); return err }, "app_id"},
		{"no poi", func() error { _, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID}); return err }, "poi"},
		{"long name", func() error {
			_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: poi(func(p *cardv1.Poi) { p.BusinessName = "麦当劳麦当劳麦当劳麦当劳麦当劳麦" })})
			return err
		}, "poi.business_name"},
		{"no telephone", func() error {
			_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: poi(func(p *cardv1.Poi) { p.Telephone = " " })})
			return err
		}, "poi.telephone"},
		{"offset type", func() error {
			_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: poi(func(p *cardv1.Poi) { p.OffsetType = 3 })})
			return err
		}, "poi.offset_type"},
		{"latitude", func() error {
			_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: poi(func(p *cardv1.Poi) { p.Latitude = 91 })})
			return err
		}, "poi.latitude"},
		{"photo url", func() error {
			_, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: poi(func(p *cardv1.Poi) { p.PhotoUrls = []string{"mmbiz.qpic.cn/x"} })})
			return err
		}, "poi.photo_urls[0]"},
		{"negative begin", func() error {
			_, err := e.pois.ListPois(ctx, &cardv1.ListPoisRequest{AppId: e.appID, Begin: -1})
			return err
		}, "begin"},
		{"delete without id", func() error { _, err := e.pois.DeletePoi(ctx, &cardv1.DeletePoiRequest{AppId: e.appID}); return err }, "poi_id"},
		{"second category", func() error {
			_, err := e.stores.ApplyStoreMerchant(ctx, &cardv1.ApplyStoreMerchantRequest{AppId: e.appID, FirstCatid: 278, HeadimgMediaid: "m", Nickname: "小店小店", Intro: "i"})
			return err
		}, "second_catid"},
		{"six qualifications", func() error {
			_, err := e.stores.ApplyStoreMerchant(ctx, &cardv1.ApplyStoreMerchantRequest{AppId: e.appID, FirstCatid: 278, SecondCatid: 280,
				HeadimgMediaid: "m", Nickname: "小店小店", Intro: "i", QualificationMediaIds: []string{"1", "2", "3", "4", "5", "6"}})
			return err
		}, "qualification_media_ids"},
		{"media id with bar", func() error {
			_, err := e.stores.ApplyStoreMerchant(ctx, &cardv1.ApplyStoreMerchantRequest{AppId: e.appID, FirstCatid: 278, SecondCatid: 280,
				HeadimgMediaid: "m", Nickname: "小店小店", Intro: "i", OtherFileMediaIds: []string{"a|b"}})
			return err
		}, "other_file_media_ids[0]"},
		{"modify nothing", func() error {
			_, err := e.stores.ModifyStoreMerchant(ctx, &cardv1.ModifyStoreMerchantRequest{AppId: e.appID})
			return err
		}, "headimg_mediaid"},
		{"no keyword", func() error {
			_, err := e.stores.SearchStoreMapPois(ctx, &cardv1.SearchStoreMapPoisRequest{AppId: e.appID, Districtid: 440105})
			return err
		}, "keyword"},
		{"map poi without license", func() error {
			_, err := e.stores.CreateStoreMapPoi(ctx, &cardv1.CreateStoreMapPoiRequest{AppId: e.appID, Name: "n", Province: "p", City: "c",
				District: "d", Address: "a", Category: "c", Telephone: "t", Introduct: "i", Districtid: 1, Photo: "http://x/y"})
			return err
		}, "license"},
		{"store without pictures", func() error {
			_, err := e.stores.AddStore(ctx, &cardv1.AddStoreRequest{AppId: e.appID, MapPoiId: "1", ContractPhone: "1", Hour: "09:00-10:00", Credential: "c"})
			return err
		}, "pic_urls"},
		{"update store hour", func() error {
			_, err := e.stores.UpdateStore(ctx, &cardv1.UpdateStoreRequest{AppId: e.appID, PoiId: "1", Hour: "25:00-26:00", ContractPhone: "1", PicUrls: []string{"http://x/y"}})
			return err
		}, "hour"},
		{"store list limit", func() error {
			_, err := e.stores.ListStores(ctx, &cardv1.ListStoresRequest{AppId: e.appID, Limit: 51})
			return err
		}, "limit"},
		{"code count too big", func() error {
			_, err := e.codes.ApplyMarketCode(ctx, &cardv1.ApplyMarketCodeRequest{AppId: e.appID, CodeCount: 20010000, IsvApplicationId: "x"})
			return err
		}, "code_count"},
		{"query without id", func() error {
			_, err := e.codes.GetMarketCodeApplication(ctx, &cardv1.GetMarketCodeApplicationRequest{AppId: e.appID})
			return err
		}, "isv_application_id"},
		{"download without application", func() error {
			_, err := e.codes.DownloadMarketCodes(ctx, &cardv1.DownloadMarketCodesRequest{AppId: e.appID, CodeEnd: 1})
			return err
		}, "application_id"},
		{"activation without path", func() error {
			a := act()
			a.WxaPath = ""
			_, err := e.codes.ActivateMarketCodes(ctx, &cardv1.ActivateMarketCodesRequest{AppId: e.appID, ApplicationId: 1, CodeEnd: 1, Activation: a})
			return err
		}, "activation.wxa_path"},
		{"activation wxa_type", func() error {
			a := act()
			a.WxaType = 7
			_, err := e.codes.ActivateMarketCodes(ctx, &cardv1.ActivateMarketCodesRequest{AppId: e.appID, ApplicationId: 1, CodeEnd: 1, Activation: a})
			return err
		}, "activation.wxa_type"},
		{"two ways to a code", func() error {
			_, err := e.codes.GetMarketCodeActivation(ctx, &cardv1.GetMarketCodeActivationRequest{AppId: e.appID, Code: "001000000", CodeUrl: strings.Repeat("a", 28)})
			return err
		}, "application_id"},
		{"short code", func() error {
			_, err := e.codes.GetMarketCodeActivation(ctx, &cardv1.GetMarketCodeActivationRequest{AppId: e.appID, Code: "0010"})
			return err
		}, "code"},
		{"bad openid", func() error {
			_, err := e.codes.ConvertMarketCodeTicket(ctx, &cardv1.ConvertMarketCodeTicketRequest{AppId: e.appID, Openid: "o user", CodeTicket: "t"})
			return err
		}, "openid"},
	}
	before := len(e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var ce *connect.Error
			if !errors.As(err, &ce) || ce.Code() != connect.CodeInvalidArgument || !strings.HasPrefix(ce.Message(), tt.field+":") {
				t.Errorf("error %v, want InvalidArgument on %s", err, tt.field)
			}
		})
	}
	if n := len(e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID})) - before; n != 0 {
		t.Errorf("%d calls reached the sandbox", n)
	}
}

// TestPoiReviewEvent follows a store's review end to end: the sandbox's reviewers
// approve it, the platform pushes poi_check_notify to wxsuite's callback, and the event
// is in EventService with the store's sid and poi_id.
func TestPoiReviewEvent(t *testing.T) {
	t.Parallel()
	e := newEnvOpts(t, "auth: {disabled: true}", true)
	ctx := t.Context()
	e.sb.SetCallback(t, e.appID, e.url+"/wechat/callback/"+e.appID, e.cbToken, "", sandbox.EncryptPlain)
	added, err := e.pois.AddPoi(ctx, &cardv1.AddPoiRequest{AppId: e.appID, Poi: testPoi()})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := strconv.ParseInt(added.GetPoiId(), 10, 64)
	rev, err := e.sb.Sandbox.ReviewPoi(ctx, e.appID, id, false, "电话无人接听")
	if err != nil || !rev.Pushed || !rev.Push.Delivered {
		t.Fatalf("ReviewPoi = %+v, %v", rev, err)
	}
	evs, err := e.events.ListEvents(ctx, &messagingv1.ListEventsRequest{AppId: e.appID})
	if err != nil || len(evs.GetEvents()) != 1 {
		t.Fatalf("ListEvents = %v, %v", evs, err)
	}
	n := evs.GetEvents()[0].GetPoiCheckNotify()
	if n.GetUniqId() != "A001" || n.GetPoiId() != added.GetPoiId() || n.GetResult() != "fail" || n.GetMsg() != "电话无人接听" {
		t.Errorf("poi_check_notify = %v", n)
	}
	got, err := e.pois.GetPoi(ctx, &cardv1.GetPoiRequest{AppId: e.appID, PoiId: added.GetPoiId()})
	if err != nil || got.GetPoi().GetAvailableState() != cardv1.PoiAvailableState_POI_AVAILABLE_STATE_REJECTED {
		t.Errorf("GetPoi after rejection = %v, %v", got, err)
	}
}
