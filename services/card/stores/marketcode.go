package stores

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of 一物一码.
const (
	pathApplyCode         = "/intp/marketcode/applycode"
	pathApplyCodeQuery    = "/intp/marketcode/applycodequery"
	pathApplyCodeDownload = "/intp/marketcode/applycodedownload"
	pathCodeActive        = "/intp/marketcode/codeactive"
	pathCodeActiveQuery   = "/intp/marketcode/codeactivequery"
	pathTicketToCode      = "/intp/marketcode/tickettocode"
)

// Platform limits of 一物一码.
const (
	codeCountUnit = 10000    // "code_count 参数必须是 10000 的整数倍"
	codeCountMax  = 20000000 // "范围 10000-20000000"
	isvIDMax      = 32       // characters of isv_application_id (wxsuite's bound)
	activationMax = 128      // characters of the activation's text fields (wxsuite's bound)
	codeLen       = 9        // "九位的字符串原始码"
	codeURLLen    = 28       // "28位普通码字符"
	idChars       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)

// checkIsvID refuses an isv_application_id that is not 1 to 32 characters of
// [A-Za-z0-9_-].
func checkIsvID(field, v string) error {
	if v == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	if len(v) > isvIDMax || strings.Trim(v, idChars) != "" {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-]", isvIDMax)}
	}
	return nil
}

// checkCodeRange refuses an application id that is not positive or a range that is not
// 0 <= code_start <= code_end.
func checkCodeRange(appID, start, end int64) error {
	switch {
	case appID <= 0:
		return &ArgumentError{Field: "application_id", Reason: "is required"}
	case start < 0:
		return &ArgumentError{Field: "code_start", Reason: "must not be negative"}
	case end < start:
		return &ArgumentError{Field: "code_end", Reason: "must not be below code_start"}
	case end >= codeCountMax:
		return &ArgumentError{Field: "code_end", Reason: fmt.Sprintf("must be below %d", codeCountMax)}
	}
	return nil
}

// ApplyMarketCode applies for codes (intp/marketcode/applycode).
func (s *Service) ApplyMarketCode(ctx context.Context, req *cardv1.ApplyMarketCodeRequest) (*cardv1.ApplyMarketCodeResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if n := req.GetCodeCount(); n < codeCountUnit || n > codeCountMax || n%codeCountUnit != 0 {
		return nil, &ArgumentError{Field: "code_count", Reason: fmt.Sprintf("must be a multiple of %d from %d to %d, got %d", codeCountUnit, codeCountUnit, codeCountMax, n)}
	}
	if err := checkIsvID("isv_application_id", req.GetIsvApplicationId()); err != nil {
		return nil, err
	}
	var res struct {
		ApplicationID flexInt `json:"application_id"`
	}
	// Idempotent: the same isv_application_id is the same application.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathApplyCode,
		Idempotent: true, Body: map[string]any{"code_count": req.GetCodeCount(), "isv_application_id": req.GetIsvApplicationId()}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.ApplyMarketCodeResponse{ApplicationId: int64(res.ApplicationID)}, nil
}

// GetMarketCodeApplication returns an application (intp/marketcode/applycodequery).
func (s *Service) GetMarketCodeApplication(ctx context.Context, req *cardv1.GetMarketCodeApplicationRequest) (*cardv1.GetMarketCodeApplicationResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	body := map[string]any{}
	switch {
	case req.GetApplicationId() < 0:
		return nil, &ArgumentError{Field: "application_id", Reason: "must not be negative"}
	case req.GetApplicationId() > 0 && req.GetIsvApplicationId() != "":
		return nil, &ArgumentError{Field: "application_id", Reason: "and isv_application_id exclude each other"}
	case req.GetApplicationId() > 0:
		body["application_id"] = req.GetApplicationId()
	default:
		if err := checkIsvID("isv_application_id", req.GetIsvApplicationId()); err != nil {
			return nil, &ArgumentError{Field: "isv_application_id", Reason: "or application_id is required"}
		}
		body["isv_application_id"] = req.GetIsvApplicationId()
	}
	var res struct {
		Status           string  `json:"status"`
		ApplicationID    flexInt `json:"application_id"`
		IsvApplicationID string  `json:"isv_application_id"`
		CodeGenerateList []struct {
			CodeStart int64 `json:"code_start"`
			CodeEnd   int64 `json:"code_end"`
		} `json:"code_generate_list"`
		CreateTime flexInt `json:"create_time"`
		UpdateTime flexInt `json:"update_time"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathApplyCodeQuery,
		Idempotent: true, Body: body}, &res); err != nil {
		return nil, err
	}
	out := &cardv1.GetMarketCodeApplicationResponse{Status: res.Status, ApplicationId: int64(res.ApplicationID),
		IsvApplicationId: res.IsvApplicationID, CreateTime: int64(res.CreateTime), UpdateTime: int64(res.UpdateTime)}
	for _, r := range res.CodeGenerateList {
		out.CodeGenerateList = append(out.CodeGenerateList, &cardv1.MarketCodeRange{CodeStart: r.CodeStart, CodeEnd: r.CodeEnd})
	}
	return out, nil
}

// DownloadMarketCodes downloads a code package (intp/marketcode/applycodedownload).
func (s *Service) DownloadMarketCodes(ctx context.Context, req *cardv1.DownloadMarketCodesRequest) (*cardv1.DownloadMarketCodesResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkCodeRange(req.GetApplicationId(), req.GetCodeStart(), req.GetCodeEnd()); err != nil {
		return nil, err
	}
	var res struct {
		Buffer string `json:"buffer"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathApplyCodeDownload,
		Idempotent: true, Body: map[string]int64{"application_id": req.GetApplicationId(), "code_start": req.GetCodeStart(),
			"code_end": req.GetCodeEnd()}}, &res); err != nil {
		return nil, err
	}
	buf, err := base64.StdEncoding.DecodeString(res.Buffer)
	if err != nil {
		return nil, &UpstreamError{Path: pathApplyCodeDownload, Reason: "buffer is not base64"}
	}
	return &cardv1.DownloadMarketCodesResponse{Buffer: buf}, nil
}

// ActivateMarketCodes activates a range of codes (intp/marketcode/codeactive).
func (s *Service) ActivateMarketCodes(ctx context.Context, req *cardv1.ActivateMarketCodesRequest) (*cardv1.ActivateMarketCodesResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkCodeRange(req.GetApplicationId(), req.GetCodeStart(), req.GetCodeEnd()); err != nil {
		return nil, err
	}
	a := req.GetActivation()
	if a == nil {
		return nil, &ArgumentError{Field: "activation", Reason: "is required"}
	}
	for _, f := range []fieldValue{{"activation.activity_name", a.GetActivityName()}, {"activation.product_brand", a.GetProductBrand()},
		{"activation.product_title", a.GetProductTitle()}, {"activation.product_code", a.GetProductCode()},
		{"activation.wxa_appid", a.GetWxaAppid()}, {"activation.wxa_path", a.GetWxaPath()}} {
		if err := required(f.field, f.v); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(f.v) > activationMax {
			return nil, &ArgumentError{Field: f.field, Reason: fmt.Sprintf("must be at most %d characters", activationMax)}
		}
	}
	if _, ok := cardv1.MarketCodeWxaType_name[int32(a.GetWxaType())]; !ok {
		return nil, &ArgumentError{Field: "activation.wxa_type", Reason: "must be a MarketCodeWxaType"}
	}
	// Idempotent: activating the same range with the same data again changes nothing.
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathCodeActive, Idempotent: true,
		Body: map[string]any{"application_id": req.GetApplicationId(), "activity_name": a.GetActivityName(),
			"product_brand": a.GetProductBrand(), "product_title": a.GetProductTitle(), "product_code": a.GetProductCode(),
			"wxa_appid": a.GetWxaAppid(), "wxa_path": a.GetWxaPath(), "wxa_type": int32(a.GetWxaType()),
			"code_start": req.GetCodeStart(), "code_end": req.GetCodeEnd()}}, &envelope{}); err != nil {
		return nil, err
	}
	return &cardv1.ActivateMarketCodesResponse{}, nil
}

// codeInfo is the answer of codeactivequery and tickettocode.
type codeInfo struct {
	Code             string   `json:"code"`
	ApplicationID    flexInt  `json:"application_id"`
	IsvApplicationID string   `json:"isv_application_id"`
	CodeStart        *flexInt `json:"code_start"`
	CodeEnd          *flexInt `json:"code_end"`
	ActivityName     string   `json:"activity_name"`
	ProductBrand     string   `json:"product_brand"`
	ProductTitle     string   `json:"product_title"`
	ProductCode      string   `json:"product_code"`
	WxaAppID         string   `json:"wxa_appid"`
	WxaPath          string   `json:"wxa_path"`
	WxaType          int32    `json:"wxa_type"`
}

func (c *codeInfo) proto() *cardv1.MarketCodeInfo {
	out := &cardv1.MarketCodeInfo{Code: c.Code, ApplicationId: int64(c.ApplicationID), IsvApplicationId: c.IsvApplicationID}
	// A code outside every activated range comes back without the activation's fields.
	if c.ActivityName == "" && c.WxaAppID == "" {
		return out
	}
	out.Activated = true
	if c.CodeStart != nil {
		out.CodeStart = int64(*c.CodeStart)
	}
	if c.CodeEnd != nil {
		out.CodeEnd = int64(*c.CodeEnd)
	}
	out.Activation = &cardv1.MarketCodeActivation{ActivityName: c.ActivityName, ProductBrand: c.ProductBrand,
		ProductTitle: c.ProductTitle, ProductCode: c.ProductCode, WxaAppid: c.WxaAppID, WxaPath: c.WxaPath,
		WxaType: cardv1.MarketCodeWxaType(c.WxaType)}
	return out
}

// GetMarketCodeActivation returns a code and its activation
// (intp/marketcode/codeactivequery).
func (s *Service) GetMarketCodeActivation(ctx context.Context, req *cardv1.GetMarketCodeActivationRequest) (*cardv1.GetMarketCodeActivationResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	ways := 0
	body := map[string]any{}
	if req.GetApplicationId() < 0 {
		return nil, &ArgumentError{Field: "application_id", Reason: "must not be negative"}
	}
	if req.GetApplicationId() != 0 {
		ways++
		if err := checkCodeRange(req.GetApplicationId(), req.GetCodeIndex(), req.GetCodeIndex()); err != nil {
			return nil, &ArgumentError{Field: "code_index", Reason: fmt.Sprintf("must be 0 to %d", codeCountMax-1)}
		}
		body["application_id"], body["code_index"] = req.GetApplicationId(), req.GetCodeIndex()
	}
	if req.GetCode() != "" {
		ways++
		if len(req.GetCode()) != codeLen || strings.Trim(req.GetCode(), idChars) != "" {
			return nil, &ArgumentError{Field: "code", Reason: fmt.Sprintf("must be %d letters or digits", codeLen)}
		}
		body["code"] = req.GetCode()
	}
	if req.GetCodeUrl() != "" {
		ways++
		if len(req.GetCodeUrl()) != codeURLLen || strings.Trim(req.GetCodeUrl(), idChars) != "" {
			return nil, &ArgumentError{Field: "code_url", Reason: fmt.Sprintf("must be %d letters or digits", codeURLLen)}
		}
		body["code_url"] = req.GetCodeUrl()
	}
	if ways != 1 {
		return nil, &ArgumentError{Field: "application_id", Reason: "with code_index, code or code_url: exactly one is required"}
	}
	var res codeInfo
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathCodeActiveQuery,
		Idempotent: true, Body: body}, &res); err != nil {
		return nil, err
	}
	return &cardv1.GetMarketCodeActivationResponse{Info: res.proto()}, nil
}

// ConvertMarketCodeTicket turns a code_ticket into its code (intp/marketcode/tickettocode).
func (s *Service) ConvertMarketCodeTicket(ctx context.Context, req *cardv1.ConvertMarketCodeTicketRequest) (*cardv1.ConvertMarketCodeTicketResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if id := req.GetOpenid(); id == "" || len(id) > 64 || strings.Trim(id, idChars) != "" {
		return nil, &ArgumentError{Field: "openid", Reason: "must be 1 to 64 characters of [A-Za-z0-9_-]"}
	}
	if t := req.GetCodeTicket(); t == "" || len(t) > 512 || strings.TrimSpace(t) != t {
		return nil, &ArgumentError{Field: "code_ticket", Reason: "must be the ticket the mini-program page received (1 to 512 characters)"}
	}
	var res codeInfo
	if err := s.wc.Do(ctx, &wechat.Request{AppID: req.GetAppId(), Method: http.MethodPost, Path: pathTicketToCode,
		Idempotent: true, Body: map[string]string{"openid": req.GetOpenid(), "code_ticket": req.GetCodeTicket()}}, &res); err != nil {
		return nil, err
	}
	return &cardv1.ConvertMarketCodeTicketResponse{Info: res.proto()}, nil
}

// MarketCodeHandler implements MarketCodeService over Service.
type MarketCodeHandler struct {
	s *Service
}

var _ cardv1connect.MarketCodeServiceHandler = (*MarketCodeHandler)(nil)

// NewMarketCodeHandler returns the MarketCodeService implementation of s.
func NewMarketCodeHandler(s *Service) *MarketCodeHandler { return &MarketCodeHandler{s: s} }

// ApplyMarketCode implements MarketCodeService.ApplyMarketCode.
func (h *MarketCodeHandler) ApplyMarketCode(ctx context.Context, req *cardv1.ApplyMarketCodeRequest) (*cardv1.ApplyMarketCodeResponse, error) {
	res, err := h.s.ApplyMarketCode(ctx, req)
	return res, connectError(err)
}

// GetMarketCodeApplication implements MarketCodeService.GetMarketCodeApplication.
func (h *MarketCodeHandler) GetMarketCodeApplication(ctx context.Context, req *cardv1.GetMarketCodeApplicationRequest) (*cardv1.GetMarketCodeApplicationResponse, error) {
	res, err := h.s.GetMarketCodeApplication(ctx, req)
	return res, connectError(err)
}

// DownloadMarketCodes implements MarketCodeService.DownloadMarketCodes.
func (h *MarketCodeHandler) DownloadMarketCodes(ctx context.Context, req *cardv1.DownloadMarketCodesRequest) (*cardv1.DownloadMarketCodesResponse, error) {
	res, err := h.s.DownloadMarketCodes(ctx, req)
	return res, connectError(err)
}

// ActivateMarketCodes implements MarketCodeService.ActivateMarketCodes.
func (h *MarketCodeHandler) ActivateMarketCodes(ctx context.Context, req *cardv1.ActivateMarketCodesRequest) (*cardv1.ActivateMarketCodesResponse, error) {
	res, err := h.s.ActivateMarketCodes(ctx, req)
	return res, connectError(err)
}

// GetMarketCodeActivation implements MarketCodeService.GetMarketCodeActivation.
func (h *MarketCodeHandler) GetMarketCodeActivation(ctx context.Context, req *cardv1.GetMarketCodeActivationRequest) (*cardv1.GetMarketCodeActivationResponse, error) {
	res, err := h.s.GetMarketCodeActivation(ctx, req)
	return res, connectError(err)
}

// ConvertMarketCodeTicket implements MarketCodeService.ConvertMarketCodeTicket.
func (h *MarketCodeHandler) ConvertMarketCodeTicket(ctx context.Context, req *cardv1.ConvertMarketCodeTicketRequest) (*cardv1.ConvertMarketCodeTicketResponse, error) {
	res, err := h.s.ConvertMarketCodeTicket(ctx, req)
	return res, connectError(err)
}
