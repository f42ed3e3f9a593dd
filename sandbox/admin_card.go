package sandbox

// This file implements the card admin RPCs: the platform's reviews of cards and
// sub-merchants, and users receiving, scanning, deleting and activating cards.

import (
	"context"
	"errors"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// cardAdminError maps the errors of the card methods: an unknown card, code or
// sub-merchant is NotFound, a card that cannot be received or a QR code that cannot be
// scanned FailedPrecondition, the rest as adminError does.
func cardAdminError(err error) error {
	switch {
	case errors.Is(err, ErrUnknownCard):
		return connect.NewError(connect.CodeNotFound, err)
	case errors.Is(err, ErrCardNotReceivable), errors.Is(err, ErrCardQRCode):
		return connect.NewError(connect.CodeFailedPrecondition, err)
	}
	return adminError(err)
}

// requireCardOpenID refuses a missing or malformed openid (the card methods name it
// open_id; the requests name it openid).
func requireCardOpenID(openID string) error {
	if err := requireOpenID(openID); err != nil {
		return err
	}
	if !cardOpenIDOK(openID) {
		return invalid("openid", "must be 1 to 64 characters of [A-Za-z0-9_-]")
	}
	return nil
}

// requireCardID refuses a missing card_id.
func requireCardID(cardID string) error {
	if cardID == "" {
		return invalid("card_id", "is required")
	}
	return nil
}

// ReviewCard ends the platform's review of a card.
func (x *admin) ReviewCard(_ context.Context, req *sandboxv1.ReviewCardRequest) (*sandboxv1.ReviewCardResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireCardID(req.GetCardId()); err != nil {
		return nil, err
	}
	if err := x.s.ReviewCard(req.GetAppId(), req.GetCardId(), req.GetApprove(), req.GetRefuseReason()); err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.ReviewCardResponse{}, nil
}

// GiveCard makes a simulated user receive a card.
func (x *admin) GiveCard(_ context.Context, req *sandboxv1.GiveCardRequest) (*sandboxv1.GiveCardResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireCardID(req.GetCardId()); err != nil {
		return nil, err
	}
	if err := requireCardOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	got, err := x.s.GiveCard(req.GetAppId(), CardGift{
		OpenID: req.GetOpenid(), CardID: req.GetCardId(), Code: req.GetCode(), OuterStr: req.GetOuterStr(),
	})
	if err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.GiveCardResponse{Code: got.Code, EncryptCode: got.EncryptCode}, nil
}

// DeleteUserCard makes a code's holder delete it from their card bag.
func (x *admin) DeleteUserCard(_ context.Context, req *sandboxv1.DeleteUserCardRequest) (*sandboxv1.DeleteUserCardResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireCardID(req.GetCardId()); err != nil {
		return nil, err
	}
	if req.GetCode() == "" {
		return nil, invalid("code", "is required")
	}
	if err := x.s.DeleteUserCard(req.GetAppId(), req.GetCardId(), req.GetCode()); err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.DeleteUserCardResponse{}, nil
}

// FillMemberCardForm makes a simulated user submit a member card's activation form.
func (x *admin) FillMemberCardForm(_ context.Context, req *sandboxv1.FillMemberCardFormRequest) (*sandboxv1.FillMemberCardFormResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireCardID(req.GetCardId()); err != nil {
		return nil, err
	}
	if err := requireCardOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	ticket, err := x.s.FillMemberCardForm(req.GetAppId(), req.GetCardId(), req.GetOpenid(),
		MemberCardFormValues{Common: req.GetCommon(), Custom: req.GetCustom()})
	if err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.FillMemberCardFormResponse{ActivateTicket: ticket}, nil
}

// GetCardStatus returns a card's review status and stock.
func (x *admin) GetCardStatus(_ context.Context, req *sandboxv1.GetCardStatusRequest) (*sandboxv1.GetCardStatusResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireCardID(req.GetCardId()); err != nil {
		return nil, err
	}
	status, quantity, err := x.s.CardStatus(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.GetCardStatusResponse{Status: status, Quantity: quantity}, nil
}

// ScanCardQRCode makes a simulated user scan a card QR code.
func (x *admin) ScanCardQRCode(_ context.Context, req *sandboxv1.ScanCardQRCodeRequest) (*sandboxv1.ScanCardQRCodeResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetTicket() == "" {
		return nil, invalid("ticket", "is required")
	}
	if err := requireCardOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetPick() < 0 {
		return nil, invalid("pick", "must not be negative")
	}
	got, err := x.s.ScanCardQRCode(req.GetAppId(), req.GetTicket(), req.GetOpenid(), int(req.GetPick()))
	if err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.ScanCardQRCodeResponse{Code: got.Code, EncryptCode: got.EncryptCode}, nil
}

// ReviewCardSubMerchant ends the platform's review of a sub-merchant.
func (x *admin) ReviewCardSubMerchant(_ context.Context, req *sandboxv1.ReviewCardSubMerchantRequest) (*sandboxv1.ReviewCardSubMerchantResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetMerchantId() == 0 {
		return nil, invalid("merchant_id", "is required")
	}
	if err := x.s.ReviewCardSubMerchant(req.GetAppId(), req.GetMerchantId(), req.GetApprove(), req.GetReason()); err != nil {
		return nil, cardAdminError(err)
	}
	return &sandboxv1.ReviewCardSubMerchantResponse{}, nil
}
