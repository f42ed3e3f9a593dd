package card

import (
	"context"
	"fmt"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
)

// WeChat paths of the code endpoints.
const (
	pathCodeGet         = "/card/code/get"
	pathCodeConsume     = "/card/code/consume"
	pathCodeDecrypt     = "/card/code/decrypt"
	pathCodeCheck       = "/card/code/checkcode"
	pathCodeDeposit     = "/card/code/deposit"
	pathCodeDepositCnt  = "/card/code/getdepositcount"
	pathCodeUnavailable = "/card/code/unavailable"
	pathCodeUpdate      = "/card/code/update"
	pathUserCardList    = "/card/user/getcardlist"
)

// Limits of the code endpoints.
const (
	maxCodesPerCall  = 100  // codes of one deposit or checkcode call
	maxEncryptedCode = 1024 // bytes of an encrypt_code (real ones are about 60)
	maxReason        = 3072
)

// codeBody checks app_id, an optional card_id and a code and returns their body.
func (s *Service) codeBody(appID, cardID, code string, cardRequired bool) (object, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	checkCard := checkOptionalID
	if cardRequired {
		checkCard = checkID
	}
	if err := firstErr(checkCard("card_id", cardID), checkCode("code", code)); err != nil {
		return nil, err
	}
	body := object{}.set("code", code)
	if cardID != "" {
		body.set("card_id", cardID)
	}
	return body, nil
}

// GetCardCode returns a code's state (card/code/get). check_consume is always sent:
// the platform's default when it is absent is true.
func (s *Service) GetCardCode(ctx context.Context, req *cardv1.GetCardCodeRequest) (*cardv1.GetCardCodeResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false)
	if err != nil {
		return nil, err
	}
	body.set("check_consume", req.GetCheckConsume())
	out := &cardv1.GetCardCodeResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeGet, true, body, out)
}

// ConsumeCardCode consumes a code (card/code/consume); never resent: a resent consume
// of a code the first attempt consumed would report 40099.
func (s *Service) ConsumeCardCode(ctx context.Context, req *cardv1.ConsumeCardCodeRequest) (*cardv1.ConsumeCardCodeResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false)
	if err != nil {
		return nil, err
	}
	out := &cardv1.ConsumeCardCodeResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeConsume, false, body, out)
}

// DecryptCardCode decrypts an encrypt_code (card/code/decrypt).
func (s *Service) DecryptCardCode(ctx context.Context, req *cardv1.DecryptCardCodeRequest) (*cardv1.DecryptCardCodeResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	switch e := req.GetEncryptCode(); {
	case e == "":
		return nil, &ArgumentError{Field: "encrypt_code", Reason: "is required"}
	case len(e) > maxEncryptedCode:
		return nil, &ArgumentError{Field: "encrypt_code", Reason: fmt.Sprintf("must be at most %d bytes", maxEncryptedCode)}
	}
	out := &cardv1.DecryptCardCodeResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeDecrypt, true, object{}.set("encrypt_code", req.GetEncryptCode()), out)
}

// codesBody checks app_id, card_id and a list of codes and returns their body.
func (s *Service) codesBody(appID, cardID string, codes []string) (object, error) {
	body, err := s.cardIDBody(appID, cardID)
	if err != nil {
		return nil, err
	}
	if err := checkCodes("code", codes, maxCodesPerCall); err != nil {
		return nil, err
	}
	return body.set("code", codes), nil
}

// CheckCardCodes checks deposited codes (card/code/checkcode).
func (s *Service) CheckCardCodes(ctx context.Context, req *cardv1.CheckCardCodesRequest) (*cardv1.CheckCardCodesResponse, error) {
	body, err := s.codesBody(req.GetAppId(), req.GetCardId(), req.GetCode())
	if err != nil {
		return nil, err
	}
	out := &cardv1.CheckCardCodesResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeCheck, true, body, out)
}

// DepositCardCodes deposits custom codes (card/code/deposit). Not resent: a resent
// deposit would report the codes of the first attempt as duplicates.
func (s *Service) DepositCardCodes(ctx context.Context, req *cardv1.DepositCardCodesRequest) (*cardv1.DepositCardCodesResponse, error) {
	body, err := s.codesBody(req.GetAppId(), req.GetCardId(), req.GetCode())
	if err != nil {
		return nil, err
	}
	out := &cardv1.DepositCardCodesResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeDeposit, false, body, out)
}

// GetCardDepositCount counts deposited codes (card/code/getdepositcount).
func (s *Service) GetCardDepositCount(ctx context.Context, req *cardv1.GetCardDepositCountRequest) (*cardv1.GetCardDepositCountResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	out := &cardv1.GetCardDepositCountResponse{}
	return out, s.call(ctx, req.GetAppId(), pathCodeDepositCnt, true, body, out)
}

// MarkCardCodeUnavailable makes a code unusable (card/code/unavailable).
func (s *Service) MarkCardCodeUnavailable(ctx context.Context, req *cardv1.MarkCardCodeUnavailableRequest) (*cardv1.MarkCardCodeUnavailableResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), false)
	if err != nil {
		return nil, err
	}
	if err := checkText("reason", req.GetReason(), maxReason, false); err != nil {
		return nil, err
	}
	if req.GetReason() != "" {
		body.set("reason", req.GetReason())
	}
	return &cardv1.MarkCardCodeUnavailableResponse{}, s.call(ctx, req.GetAppId(), pathCodeUnavailable, false, body, nil)
}

// UpdateCardCode changes a code (card/code/update).
func (s *Service) UpdateCardCode(ctx context.Context, req *cardv1.UpdateCardCodeRequest) (*cardv1.UpdateCardCodeResponse, error) {
	body, err := s.codeBody(req.GetAppId(), req.GetCardId(), req.GetCode(), true)
	if err != nil {
		return nil, err
	}
	if err := checkCode("new_code", req.GetNewCode()); err != nil {
		return nil, err
	}
	if req.GetNewCode() == req.GetCode() {
		return nil, &ArgumentError{Field: "new_code", Reason: "must differ from code"}
	}
	body.set("new_code", req.GetNewCode())
	return &cardv1.UpdateCardCodeResponse{}, s.call(ctx, req.GetAppId(), pathCodeUpdate, false, body, nil)
}

// ListUserCards lists a user's codes (card/user/getcardlist).
func (s *Service) ListUserCards(ctx context.Context, req *cardv1.ListUserCardsRequest) (*cardv1.ListUserCardsResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstErr(checkID("openid", req.GetOpenid()), checkOptionalID("card_id", req.GetCardId())); err != nil {
		return nil, err
	}
	body := object{}.set("openid", req.GetOpenid())
	if req.GetCardId() != "" {
		body.set("card_id", req.GetCardId())
	}
	out := &cardv1.ListUserCardsResponse{}
	return out, s.call(ctx, req.GetAppId(), pathUserCardList, true, body, out)
}
