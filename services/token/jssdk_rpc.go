package token

import (
	"context"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
)

// JSSDKHandler serves wxsuite.token.v1.JSSDKService on top of a Service.
type JSSDKHandler struct {
	svc *Service
}

var _ tokenv1connect.JSSDKServiceHandler = (*JSSDKHandler)(nil)

// NewJSSDKHandler returns the JSSDKService handler of svc.
func NewJSSDKHandler(svc *Service) *JSSDKHandler { return &JSSDKHandler{svc: svc} }

// SignJSSDKConfig returns the wx.config object of a page.
func (h *JSSDKHandler) SignJSSDKConfig(ctx context.Context, req *tokenv1.SignJSSDKConfigRequest) (*tokenv1.SignJSSDKConfigResponse, error) {
	c, err := h.svc.SignJSSDKConfig(ctx, JSSDKConfigRequest{
		AppID: req.GetAppId(), URL: req.GetUrl(), NonceStr: req.GetNonceStr(), Timestamp: req.GetTimestamp(),
	})
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.SignJSSDKConfigResponse{
		AppId: c.AppID, Timestamp: c.Timestamp, NonceStr: c.NonceStr, Signature: c.Signature,
		JsApiList: req.GetJsApiList(), OpenTagList: req.GetOpenTagList(), Debug: req.GetDebug(),
	}, nil
}

// SignCardExt returns the cardExt of wx.addCard.
func (h *JSSDKHandler) SignCardExt(ctx context.Context, req *tokenv1.SignCardExtRequest) (*tokenv1.SignCardExtResponse, error) {
	c, err := h.svc.SignCardExt(ctx, CardExtRequest{
		AppID: req.GetAppId(), CardID: req.GetCardId(), Code: req.GetCode(), OpenID: req.GetOpenid(),
		Timestamp: req.GetTimestamp(), NonceStr: req.GetNonceStr(), OuterStr: req.GetOuterStr(),
		FixedBeginTimestamp: req.GetFixedBegintimestamp(),
	})
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.SignCardExtResponse{CardExt: c.JSON, Signature: c.Signature, Timestamp: c.Timestamp, NonceStr: c.NonceStr}, nil
}

// SignChooseCard returns wx.chooseCard's signed arguments.
func (h *JSSDKHandler) SignChooseCard(ctx context.Context, req *tokenv1.SignChooseCardRequest) (*tokenv1.SignChooseCardResponse, error) {
	c, err := h.svc.SignChooseCard(ctx, ChooseCardRequest{
		AppID: req.GetAppId(), ShopID: req.GetShopId(), CardType: req.GetCardType(), CardID: req.GetCardId(),
		Timestamp: req.GetTimestamp(), NonceStr: req.GetNonceStr(),
	})
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.SignChooseCardResponse{
		CardSign: c.CardSign, Timestamp: c.Timestamp, NonceStr: c.NonceStr, SignType: c.SignType,
		ShopId: c.ShopID, CardType: c.CardType, CardId: c.CardID,
	}, nil
}
