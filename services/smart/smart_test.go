package smart_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1/smartv1connect"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
	"github.com/wxsuite/wxsuite/services/smart"
)

// env is a sandbox and one wxsuite process (token and smart services) pointed at it,
// with Connect and gRPC clients.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	url      string
	lang     smartv1connect.LanguageServiceClient
	vision   smartv1connect.VisionServiceClient
	grpcConn *grpc.ClientConn
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env { return newEnvAuth(t, "auth: {disabled: true}") }

// newEnvAuth is newEnv with the given auth section.
func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{appID: "wxs" + randomHex(6)}
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{{AppID: e.appID, AppSecret: "secret" + randomHex(6)}},
		Auth:     authYAML,
		WeChat:   "max_retries: 0",
		Modules:  []fx.Option{smart.Module},
	})
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	e.lang = smartv1connect.NewLanguageServiceClient(http.DefaultClient, e.url)
	e.vision = smartv1connect.NewVisionServiceClient(http.DefaultClient, e.url)
	return e
}

// calls counts the sandbox's calls of path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// image registers a fixture of kind for the image url or data.
func (e *env) image(t *testing.T, kind, url string, data []byte, result string) {
	t.Helper()
	if err := e.sb.Sandbox.SetSmartImageResult(e.appID, kind, url, data, []byte(result)); err != nil {
		t.Fatal(err)
	}
}

// rest posts body as JSON to the REST path and returns the status and decoded answer.
func (e *env) rest(t *testing.T, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.url+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("REST %s: %q: %v", path, data, err)
	}
	return resp.StatusCode, out
}

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

// wantArgument fails unless err is InvalidArgument naming field first.
func wantArgument(t *testing.T, err error, field string) {
	t.Helper()
	var ce *connect.Error
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !asConnect(err, &ce) || !strings.HasPrefix(ce.Message(), field+":") {
		t.Fatalf("error %v, want InvalidArgument on %s", err, field)
	}
}

func asConnect(err error, ce **connect.Error) bool {
	c, ok := err.(*connect.Error)
	*ce = c
	return ok
}

const quadJSON = `{"left_top":{"x":1,"y":2},"right_top":{"x":3,"y":4},"right_bottom":{"x":5,"y":6},"left_bottom":{"x":7,"y":8}}`

func wantQuad(t *testing.T, name string, q *smartv1.Quad) {
	t.Helper()
	want := &smartv1.Quad{LeftTop: &smartv1.Point{X: 1, Y: 2}, RightTop: &smartv1.Point{X: 3, Y: 4},
		RightBottom: &smartv1.Point{X: 5, Y: 6}, LeftBottom: &smartv1.Point{X: 7, Y: 8}}
	if !proto.Equal(q, want) {
		t.Errorf("%s = %v, want %v", name, q, want)
	}
}

func TestVision(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	jpg, png := sandboxtest.JPEG(3000), sandboxtest.PNG(3000)
	const u = "https://img.example.com/a.jpg"
	e.image(t, "idcard", u, nil, `{"type":"Front","name":"张三","id":"110101199001011234","addr":"北京市","gender":"男","nationality":"汉"}`)
	e.image(t, "idcard", "", jpg, `{"type":"Back","valid_date":"20070105-20270105"}`)
	e.image(t, "bankcard", "", png, `{"number":"6222000011112222"}`)
	e.image(t, "drivinglicense", u, nil, `{"id_num":"110101199001011234","name":"李四","sex":"女","nationality":"中国","address":"上海","birth_date":"1990-01-01","issue_date":"2010-01-01","car_class":"C1","valid_from":"2010-01-01","valid_to":"2030-01-01","official_seal":"上海市公安局交通警察总队"}`)
	e.image(t, "bizlicense", u, nil, `{"reg_num":"123","enterprise_name":"某公司","legal_representative":"王五","cert_position":{"pos":`+quadJSON+`},"img_size":{"w":800,"h":600}}`)
	e.image(t, "comm", "", jpg, `{"items":[{"text":"第一行","pos":`+quadJSON+`},{"text":"second"}],"img_size":{"w":10,"h":20}}`)
	e.image(t, "platenum", u, nil, `{"number":"粤A12345"}`)
	e.image(t, "menu", u, nil, `{"content":{"menu_items":[{"name":"宫保鸡丁","price":38.5}]}}`)
	e.image(t, "qrcode", "", jpg, `{"code_results":[{"type_name":"QR_CODE","data":"https://example.com","pos":`+quadJSON+`}],"img_size":{"w":100,"h":100}}`)
	e.image(t, "aicrop", u, nil, `{"results":[{"crop_left":1,"crop_top":2,"crop_right":30,"crop_bottom":40},{"crop_left":0,"crop_top":0,"crop_right":10,"crop_bottom":10}],"img_size":{"w":50,"h":60}}`)

	front, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: e.appID, Image: &smartv1.RecognizeIDCardRequest_ImgUrl{ImgUrl: u}, Mode: smartv1.RecognitionMode_RECOGNITION_MODE_PHOTO})
	if err != nil {
		t.Fatal(err)
	}
	if front.GetSide() != smartv1.IDCardSide_ID_CARD_SIDE_FRONT || front.GetName() != "张三" || front.GetId() != "110101199001011234" ||
		front.GetAddr() != "北京市" || front.GetGender() != "男" || front.GetNationality() != "汉" {
		t.Errorf("RecognizeIDCard front = %v", front)
	}
	calls := e.sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cv/ocr/idcard", AppID: e.appID})
	if len(calls) != 1 || calls[0].Method != http.MethodPost {
		t.Errorf("sandbox calls = %+v", calls)
	}
	back, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: e.appID, Image: &smartv1.RecognizeIDCardRequest_Img{Img: jpg}, Mode: smartv1.RecognitionMode_RECOGNITION_MODE_SCAN})
	if err != nil || back.GetSide() != smartv1.IDCardSide_ID_CARD_SIDE_BACK || back.GetValidDate() != "20070105-20270105" {
		t.Errorf("RecognizeIDCard back = %v, %v", back, err)
	}
	bank, err := e.vision.RecognizeBankCard(ctx, &smartv1.RecognizeBankCardRequest{AppId: e.appID, Image: &smartv1.RecognizeBankCardRequest_Img{Img: png}})
	if err != nil || bank.GetNumber() != "6222000011112222" {
		t.Errorf("RecognizeBankCard = %v, %v", bank, err)
	}
	dl, err := e.vision.RecognizeDrivingLicense(ctx, &smartv1.RecognizeDrivingLicenseRequest{AppId: e.appID, Image: &smartv1.RecognizeDrivingLicenseRequest_ImgUrl{ImgUrl: u}})
	if err != nil || dl.GetIdNum() != "110101199001011234" || dl.GetName() != "李四" || dl.GetSex() != "女" || dl.GetCarClass() != "C1" ||
		dl.GetValidTo() != "2030-01-01" || dl.GetOfficialSeal() != "上海市公安局交通警察总队" || dl.GetBirthDate() != "1990-01-01" || dl.GetNationality() != "中国" {
		t.Errorf("RecognizeDrivingLicense = %v, %v", dl, err)
	}
	biz, err := e.vision.RecognizeBizLicense(ctx, &smartv1.RecognizeBizLicenseRequest{AppId: e.appID, Image: &smartv1.RecognizeBizLicenseRequest_ImgUrl{ImgUrl: u}})
	if err != nil || biz.GetRegNum() != "123" || biz.GetEnterpriseName() != "某公司" || biz.GetLegalRepresentative() != "王五" ||
		biz.GetImgSize().GetW() != 800 || biz.GetImgSize().GetH() != 600 || biz.GetSerial() != "" {
		t.Errorf("RecognizeBizLicense = %v, %v", biz, err)
	}
	wantQuad(t, "biz cert_position", biz.GetCertPosition())
	comm, err := e.vision.RecognizePrintedText(ctx, &smartv1.RecognizePrintedTextRequest{AppId: e.appID, Image: &smartv1.RecognizePrintedTextRequest_Img{Img: jpg}})
	if err != nil || len(comm.GetItems()) != 2 || comm.GetItems()[0].GetText() != "第一行" || comm.GetItems()[1].GetText() != "second" ||
		comm.GetItems()[1].GetPos() != nil || comm.GetImgSize().GetH() != 20 {
		t.Fatalf("RecognizePrintedText = %v, %v", comm, err)
	}
	wantQuad(t, "comm items[0].pos", comm.GetItems()[0].GetPos())
	plate, err := e.vision.RecognizePlateNumber(ctx, &smartv1.RecognizePlateNumberRequest{AppId: e.appID, Image: &smartv1.RecognizePlateNumberRequest_ImgUrl{ImgUrl: u}})
	if err != nil || plate.GetNumber() != "粤A12345" {
		t.Errorf("RecognizePlateNumber = %v, %v", plate, err)
	}
	menu, err := e.vision.RecognizeMenu(ctx, &smartv1.RecognizeMenuRequest{AppId: e.appID, Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: u}})
	if err != nil || len(menu.GetMenuItems()) != 1 || menu.GetMenuItems()[0].GetName() != "宫保鸡丁" || menu.GetMenuItems()[0].GetPrice() != 38.5 {
		t.Errorf("RecognizeMenu = %v, %v", menu, err)
	}
	scanned, err := e.vision.ScanCodes(ctx, &smartv1.ScanCodesRequest{AppId: e.appID, Image: &smartv1.ScanCodesRequest_Img{Img: jpg}})
	if err != nil || len(scanned.GetCodeResults()) != 1 || scanned.GetCodeResults()[0].GetTypeName() != "QR_CODE" ||
		scanned.GetCodeResults()[0].GetData() != "https://example.com" || scanned.GetImgSize().GetW() != 100 {
		t.Fatalf("ScanCodes = %v, %v", scanned, err)
	}
	wantQuad(t, "code_results[0].pos", scanned.GetCodeResults()[0].GetPos())
	crop, err := e.vision.CropImage(ctx, &smartv1.CropImageRequest{AppId: e.appID, Image: &smartv1.CropImageRequest_ImgUrl{ImgUrl: u}, Ratios: []float64{1, 0.75}})
	if err != nil || len(crop.GetResults()) != 2 || crop.GetResults()[0].GetCropRight() != 30 || crop.GetResults()[0].GetCropBottom() != 40 || crop.GetImgSize().GetH() != 60 {
		t.Errorf("CropImage = %v, %v", crop, err)
	}
	sr, err := e.vision.SuperResolve(ctx, &smartv1.SuperResolveRequest{AppId: e.appID, Image: &smartv1.SuperResolveRequest_Img{Img: png}})
	if err != nil || len(sr.GetMediaId()) != 64 {
		t.Errorf("SuperResolve = %v, %v", sr, err)
	}

	// Over gRPC and REST too.
	g := smartv1.NewVisionServiceClient(e.grpcConn)
	gp, err := g.RecognizePlateNumber(ctx, &smartv1.RecognizePlateNumberRequest{AppId: e.appID, Image: &smartv1.RecognizePlateNumberRequest_ImgUrl{ImgUrl: u}})
	if err != nil || gp.GetNumber() != "粤A12345" {
		t.Errorf("gRPC RecognizePlateNumber = %v, %v", gp, err)
	}
	_, err = g.RecognizePlateNumber(ctx, &smartv1.RecognizePlateNumberRequest{AppId: e.appID, Image: &smartv1.RecognizePlateNumberRequest_ImgUrl{ImgUrl: u + "?other"}})
	if status.Code(err) != codes.NotFound {
		t.Errorf("gRPC unknown image: %v", err)
	}
	st, body := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/ocr/bankcard", map[string]any{"img": png})
	if st != http.StatusOK || body["number"] != "6222000011112222" {
		t.Errorf("REST bankcard: %d %v", st, body)
	}
	st, body = e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/images:crop", map[string]any{"img_url": u, "ratios": []float64{1}})
	if st != http.StatusOK || len(body["results"].([]any)) != 2 {
		t.Errorf("REST crop: %d %v", st, body)
	}
	if st, body = e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/ocr/idcard", map[string]any{"img_url": "ftp://x"}); st != http.StatusBadRequest {
		t.Errorf("REST bad url: %d %v", st, body)
	}

	// Platform errors keep their errcode.
	_, err = e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: e.appID, Image: &smartv1.RecognizeIDCardRequest_Img{Img: png}})
	wantWeChatCode(t, err, connect.CodeNotFound, 101001)
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 101003, Paths: []string{"/cv/ocr/menu"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.vision.RecognizeMenu(ctx, &smartv1.RecognizeMenuRequest{AppId: e.appID, Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: u}})
	wantWeChatCode(t, err, connect.CodeResourceExhausted, 101003)
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 101000, Paths: []string{"/cv/img/qrcode"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.vision.ScanCodes(ctx, &smartv1.ScanCodesRequest{AppId: e.appID, Image: &smartv1.ScanCodesRequest_ImgUrl{ImgUrl: u}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 101000)
}

func TestVisionRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{name: "no app_id", field: "app_id", call: func() error {
			_, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{Image: &smartv1.RecognizeIDCardRequest_ImgUrl{ImgUrl: "https://e.com/a"}})
			return err
		}},
		{name: "no image", field: "img_url", call: func() error {
			_, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: e.appID})
			return err
		}},
		{name: "relative url", field: "img_url", call: func() error {
			_, err := e.vision.RecognizeBankCard(ctx, &smartv1.RecognizeBankCardRequest{AppId: e.appID, Image: &smartv1.RecognizeBankCardRequest_ImgUrl{ImgUrl: "/a.jpg"}})
			return err
		}},
		{name: "long url", field: "img_url", call: func() error {
			_, err := e.vision.RecognizeMenu(ctx, &smartv1.RecognizeMenuRequest{AppId: e.appID, Image: &smartv1.RecognizeMenuRequest_ImgUrl{ImgUrl: "https://e.com/" + strings.Repeat("a", 2048)}})
			return err
		}},
		{name: "empty url", field: "img_url", call: func() error {
			_, err := e.vision.ScanCodes(ctx, &smartv1.ScanCodesRequest{AppId: e.appID, Image: &smartv1.ScanCodesRequest_ImgUrl{}})
			return err
		}},
		{name: "empty img", field: "img", call: func() error {
			_, err := e.vision.RecognizePrintedText(ctx, &smartv1.RecognizePrintedTextRequest{AppId: e.appID, Image: &smartv1.RecognizePrintedTextRequest_Img{}})
			return err
		}},
		{name: "img over 2 MiB", field: "img", call: func() error {
			_, err := e.vision.SuperResolve(ctx, &smartv1.SuperResolveRequest{AppId: e.appID, Image: &smartv1.SuperResolveRequest_Img{Img: sandboxtest.JPEG(2<<20 + 1)}})
			return err
		}},
		{name: "img not an image", field: "img", call: func() error {
			_, err := e.vision.RecognizePlateNumber(ctx, &smartv1.RecognizePlateNumberRequest{AppId: e.appID, Image: &smartv1.RecognizePlateNumberRequest_Img{Img: []byte("%PDF-1.4")}})
			return err
		}},
		{name: "bad mode", field: "mode", call: func() error {
			_, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: e.appID, Image: &smartv1.RecognizeIDCardRequest_ImgUrl{ImgUrl: "https://e.com/a"}, Mode: 9})
			return err
		}},
		{name: "six ratios", field: "ratios", call: func() error {
			_, err := e.vision.CropImage(ctx, &smartv1.CropImageRequest{AppId: e.appID, Image: &smartv1.CropImageRequest_ImgUrl{ImgUrl: "https://e.com/a"}, Ratios: []float64{1, 1, 1, 1, 1, 1}})
			return err
		}},
		{name: "zero ratio", field: "ratios[1]", call: func() error {
			_, err := e.vision.CropImage(ctx, &smartv1.CropImageRequest{AppId: e.appID, Image: &smartv1.CropImageRequest_ImgUrl{ImgUrl: "https://e.com/a"}, Ratios: []float64{1, 0}})
			return err
		}},
		{name: "driving licence without image", field: "img_url", call: func() error {
			_, err := e.vision.RecognizeDrivingLicense(ctx, &smartv1.RecognizeDrivingLicenseRequest{AppId: e.appID})
			return err
		}},
		{name: "biz licence without image", field: "img_url", call: func() error {
			_, err := e.vision.RecognizeBizLicense(ctx, &smartv1.RecognizeBizLicenseRequest{AppId: e.appID})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantArgument(t, tt.call(), tt.field)
		})
	}
	// An unknown account is NotFound; nothing of it reached the sandbox.
	_, err := e.vision.RecognizeIDCard(ctx, &smartv1.RecognizeIDCardRequest{AppId: "wxnobody", Image: &smartv1.RecognizeIDCardRequest_ImgUrl{ImgUrl: "https://e.com/a"}})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown account: %v", err)
	}
	for _, p := range []string{"/cv/ocr/idcard", "/cv/ocr/bankcard", "/cv/ocr/menu", "/cv/img/qrcode", "/cv/ocr/comm",
		"/cv/img/superresolution", "/cv/ocr/platenum", "/cv/img/aicrop", "/cv/ocr/drivinglicense", "/cv/ocr/bizlicense"} {
		if n := e.calls(p); n != 0 {
			t.Errorf("%s reached the sandbox %d times", p, n)
		}
	}
	if n := len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: "/cv/ocr/idcard"})); n != 0 {
		t.Errorf("idcard reached the sandbox %d times", n)
	}
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	const q = "查一下明天从北京到上海的南航机票"
	if err := e.sb.Sandbox.SetSmartSemanticAnswer(e.appID, q, []byte(`{"type":"flight","semantic":{"details":{"airline":"南方航空","start_loc":{"city":"北京"}},"intent":"SEARCH"},"answer":"好的","result":{"count":2}}`)); err != nil {
		t.Fatal(err)
	}
	lat, lon := 39.9, 116.4
	sem, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: q, Categories: []string{"flight", "hotel"},
		Latitude: &lat, Longitude: &lon, Uid: "o-user"})
	if err != nil {
		t.Fatal(err)
	}
	if sem.GetQuery() != q || sem.GetType() != "flight" || sem.GetIntent() != "SEARCH" || sem.GetAnswer() != "好的" ||
		sem.GetDetails().GetFields()["airline"].GetStringValue() != "南方航空" ||
		sem.GetDetails().GetFields()["start_loc"].GetStructValue().GetFields()["city"].GetStringValue() != "北京" ||
		sem.GetResult().GetFields()["count"].GetNumberValue() != 2 {
		t.Errorf("SemanticSearch = %v", sem)
	}
	_, err = e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: q, Categories: []string{"hotel"}, City: "北京"})
	wantWeChatCode(t, err, connect.CodeNotFound, 7000000)
	// REST and gRPC.
	st, body := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/semantic:search", map[string]any{"query": q, "categories": []string{"flight"}})
	if st != http.StatusOK || body["type"] != "flight" {
		t.Errorf("REST semantic: %d %v", st, body)
	}
	gl := smartv1.NewLanguageServiceClient(e.grpcConn)
	if g, err := gl.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: q, Categories: []string{"flight"}}); err != nil || g.GetIntent() != "SEARCH" {
		t.Errorf("gRPC semantic: %v, %v", g, err)
	}

	// Voice: add, then the transcript; the same id again is AlreadyExists.
	voice := sandboxtest.MP3(4000)
	if err := e.sb.Sandbox.SetSmartVoiceTranscript(e.appID, voice, "en_US", "hello world"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lang.GetVoiceTranscript(ctx, &smartv1.GetVoiceTranscriptRequest{AppId: e.appID, VoiceId: "v-1"}); err == nil {
		t.Fatal("transcript before upload")
	} else {
		wantWeChatCode(t, err, connect.CodeNotFound, 40097)
	}
	add, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v-1", Lang: smartv1.Language_LANGUAGE_EN_US, Voice: voice})
	if err != nil || add.GetVoiceId() != "v-1" {
		t.Fatalf("AddVoice = %v, %v", add, err)
	}
	tr, err := e.lang.GetVoiceTranscript(ctx, &smartv1.GetVoiceTranscriptRequest{AppId: e.appID, VoiceId: "v-1", Lang: smartv1.Language_LANGUAGE_EN_US})
	if err != nil || tr.GetResult() != "hello world" || !tr.GetIsEnd() {
		t.Errorf("GetVoiceTranscript = %v, %v", tr, err)
	}
	_, err = e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v-1", Voice: voice})
	wantWeChatCode(t, err, connect.CodeAlreadyExists, 40097)
	// REST transcript (GET with the id in the path).
	st, body = e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/voices/v-1/transcript?lang=LANGUAGE_EN_US", nil)
	if st != http.StatusOK || body["result"] != "hello world" {
		t.Errorf("REST transcript: %d %v", st, body)
	}

	// Translate.
	if err := e.sb.Sandbox.SetSmartTranslation(e.appID, "zh_CN", "en_US", "你好，世界", "Hello, world"); err != nil {
		t.Fatal(err)
	}
	tl, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_ZH_CN, To: smartv1.Language_LANGUAGE_EN_US, Text: "你好，世界"})
	if err != nil || tl.GetFromContent() != "你好，世界" || tl.GetToContent() != "Hello, world" {
		t.Errorf("Translate = %v, %v", tl, err)
	}
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 45009, Paths: []string{"/cgi-bin/media/voice/translatecontent"}, Count: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_ZH_CN, To: smartv1.Language_LANGUAGE_EN_US, Text: "x"})
	wantWeChatCode(t, err, connect.CodeResourceExhausted, 45009)
}

func TestLanguageRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	lat := 10.0
	bad := 91.0
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{name: "semantic no query", field: "query", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "  ", Categories: []string{"flight"}})
			return err
		}},
		{name: "semantic long query", field: "query", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: strings.Repeat("a", 1025), Categories: []string{"flight"}})
			return err
		}},
		{name: "semantic no categories", field: "categories", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "q"})
			return err
		}},
		{name: "semantic bad category", field: "categories[1]", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "q", Categories: []string{"flight", "Hotel,x"}})
			return err
		}},
		{name: "semantic latitude alone", field: "longitude", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "q", Categories: []string{"flight"}, Latitude: &lat})
			return err
		}},
		{name: "semantic latitude range", field: "latitude", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "q", Categories: []string{"flight"}, Latitude: &bad, Longitude: &lat})
			return err
		}},
		{name: "semantic uid", field: "uid", call: func() error {
			_, err := e.lang.SemanticSearch(ctx, &smartv1.SemanticSearchRequest{AppId: e.appID, Query: "q", Categories: []string{"flight"}, Uid: "a b"})
			return err
		}},
		{name: "voice no id", field: "voice_id", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, Voice: sandboxtest.MP3(10)})
			return err
		}},
		{name: "voice id with space", field: "voice_id", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "a b", Voice: sandboxtest.MP3(10)})
			return err
		}},
		{name: "voice empty", field: "voice", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v"})
			return err
		}},
		{name: "voice over 1 MiB", field: "voice", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v", Voice: sandboxtest.MP3(1<<20 + 1)})
			return err
		}},
		{name: "voice not mp3", field: "voice", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v", Voice: sandboxtest.AMR(1)})
			return err
		}},
		{name: "voice bad lang", field: "lang", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v", Lang: 7, Voice: sandboxtest.MP3(10)})
			return err
		}},
		{name: "voice bad format", field: "format", call: func() error {
			_, err := e.lang.AddVoice(ctx, &smartv1.AddVoiceRequest{AppId: e.appID, VoiceId: "v", Format: 3, Voice: sandboxtest.MP3(10)})
			return err
		}},
		{name: "transcript no id", field: "voice_id", call: func() error {
			_, err := e.lang.GetVoiceTranscript(ctx, &smartv1.GetVoiceTranscriptRequest{AppId: e.appID})
			return err
		}},
		{name: "translate no from", field: "from", call: func() error {
			_, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, To: smartv1.Language_LANGUAGE_EN_US, Text: "x"})
			return err
		}},
		{name: "translate no to", field: "to", call: func() error {
			_, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_EN_US, Text: "x"})
			return err
		}},
		{name: "translate empty", field: "text", call: func() error {
			_, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_EN_US, To: smartv1.Language_LANGUAGE_ZH_CN})
			return err
		}},
		{name: "translate 601 bytes", field: "text", call: func() error {
			_, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_EN_US, To: smartv1.Language_LANGUAGE_ZH_CN, Text: strings.Repeat("好", 200) + "a"})
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantArgument(t, tt.call(), tt.field)
		})
	}
	for _, p := range []string{"/semantic/semproxy/search", "/cgi-bin/media/voice/addvoicetorecofortext",
		"/cgi-bin/media/voice/queryrecoresultfortext", "/cgi-bin/media/voice/translatecontent"} {
		if n := e.calls(p); n != 0 {
			t.Errorf("%s reached the sandbox %d times", p, n)
		}
	}
	// 600 bytes is fine.
	if _, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_EN_US, To: smartv1.Language_LANGUAGE_ZH_CN, Text: strings.Repeat("好", 200)}); err != nil {
		t.Errorf("600 bytes: %v", err)
	}
	if _, err := e.lang.Translate(ctx, &smartv1.TranslateRequest{AppId: "wxnobody", From: smartv1.Language_LANGUAGE_EN_US, To: smartv1.Language_LANGUAGE_ZH_CN, Text: "x"}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown account: %v", err)
	}
}

const (
	smartKey = "k-smart-0123456789abcdef0123456789abcdef"
	otherKey = "k-other-0123456789abcdef0123456789abcdef"
)

// bearer adds an Authorization header to every call.
func bearer(key string) connect.ClientOption {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+key)
			return next(ctx, req)
		}
	}))
}

// TestScopes checks the policies through the real auth layer: smart allows every call
// of both services, another scope none, no key is Unauthenticated.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: smart, key: %q, app_ids: ["*"], scopes: [smart]}
    - {id: other, key: %q, app_ids: ["*"], scopes: [audience.read, content.write]}`, smartKey, otherKey))
	ctx := t.Context()
	tl := &smartv1.TranslateRequest{AppId: e.appID, From: smartv1.Language_LANGUAGE_ZH_CN, To: smartv1.Language_LANGUAGE_EN_US, Text: "x"}
	sr := &smartv1.SuperResolveRequest{AppId: e.appID, Image: &smartv1.SuperResolveRequest_Img{Img: sandboxtest.PNG(100)}}
	for _, tt := range []struct {
		name string
		opts []connect.ClientOption
		want connect.Code
	}{
		{name: "smart", opts: []connect.ClientOption{bearer(smartKey)}, want: 0},
		{name: "other", opts: []connect.ClientOption{bearer(otherKey)}, want: connect.CodePermissionDenied},
		{name: "none", want: connect.CodeUnauthenticated},
	} {
		lang := smartv1connect.NewLanguageServiceClient(http.DefaultClient, e.url, tt.opts...)
		vision := smartv1connect.NewVisionServiceClient(http.DefaultClient, e.url, tt.opts...)
		if _, err := lang.Translate(ctx, tl); connect.CodeOf(err) != tt.want && (tt.want != 0 || err != nil) {
			t.Errorf("%s Translate: %v", tt.name, err)
		}
		if _, err := vision.SuperResolve(ctx, sr); connect.CodeOf(err) != tt.want && (tt.want != 0 || err != nil) {
			t.Errorf("%s SuperResolve: %v", tt.name, err)
		}
	}
	// REST with the key: the gateway forwards it.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/v1/apps/"+e.appID+"/text:translate", strings.NewReader(`{"from":"LANGUAGE_ZH_CN","to":"LANGUAGE_EN_US","text":"x"}`))
	req.Header.Set("Authorization", "Bearer "+smartKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("REST Translate with the smart key: HTTP %d", resp.StatusCode)
	}
}
