package invoice

import (
	"context"

	invoicev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/invoice/v1"
)

// WeChat paths of the fiscal bill endpoints.
const (
	pathBillAuthURL = "/nontax/getbillauthurl"
	pathBillCard    = "/nontax/createbillcard"
	pathInsertBill  = "/nontax/insertbill"
)

// CreateBillAuthUrl opens a fiscal bill authorization order (nontax/getbillauthurl).
func (s *Service) CreateBillAuthUrl(ctx context.Context, r *invoicev1.CreateBillAuthUrlRequest) (*invoicev1.CreateBillAuthUrlResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkAuthOrder(r.GetSPappid(), r.GetOrderId(), r.GetMoney(), r.GetSource(), r.GetRedirectUrl(), r.GetTicket(), true); err != nil {
		return nil, err
	}
	body := authOrderBody{SPappid: r.GetSPappid(), OrderID: r.GetOrderId(), Money: r.GetMoney(), Timestamp: r.GetTimestamp(),
		Source: authSources[r.GetSource()], RedirectURL: r.GetRedirectUrl(), Ticket: r.GetTicket()}
	if body.Timestamp == 0 {
		body.Timestamp = s.now().Unix()
	}
	var res struct {
		AuthURL    string `json:"auth_url"`
		ExpireTime int64  `json:"expire_time"`
	}
	if err := s.post(ctx, r.GetAppId(), pathBillAuthURL, nil, body, &res, false); err != nil {
		return nil, err
	}
	return &invoicev1.CreateBillAuthUrlResponse{AuthUrl: res.AuthURL, ExpireTime: res.ExpireTime}, nil
}

// CreateBillCard creates a fiscal bill card template (nontax/createbillcard).
func (s *Service) CreateBillCard(ctx context.Context, r *invoicev1.CreateBillCardRequest) (*invoicev1.CreateBillCardResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstError(httpURL("logo_url", r.GetLogoUrl(), true), required("payee", r.GetPayee()),
		maxLen("payee", r.GetPayee(), maxTextLen)); err != nil {
		return nil, err
	}
	body := map[string]any{"invoice_info": map[string]any{"base_info": map[string]string{"logo_url": r.GetLogoUrl()}, "payee": r.GetPayee()}}
	var res struct {
		CardID string `json:"card_id"`
	}
	if err := s.post(ctx, r.GetAppId(), pathBillCard, nil, body, &res, false); err != nil {
		return nil, err
	}
	return &invoicev1.CreateBillCardResponse{CardId: res.CardID}, nil
}

// InsertBill puts a fiscal bill into the user's card bag (nontax/insertbill).
func (s *Service) InsertBill(ctx context.Context, r *invoicev1.InsertBillRequest) (*invoicev1.InsertBillResponse, error) {
	res, err := s.insert(ctx, pathInsertBill, insertRequest{appID: r.GetAppId(), cardID: r.GetCardId(), orderID: r.GetOrderId(),
		merchant: r.GetAppid(), nonce: r.GetNonceStr(), data: r.GetUserData()})
	if err != nil {
		return nil, err
	}
	return &invoicev1.InsertBillResponse{Code: res.Code, Openid: res.OpenID, Unionid: res.UnionID}, nil
}
