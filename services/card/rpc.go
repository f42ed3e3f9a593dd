package card

import (
	"context"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
)

// CardHandler implements CardService over Service.
type CardHandler struct {
	s *Service
}

var _ cardv1connect.CardServiceHandler = (*CardHandler)(nil)

// NewCardHandler returns the CardService implementation of s.
func NewCardHandler(s *Service) *CardHandler { return &CardHandler{s: s} }

// CreateCard implements CardService.CreateCard.
func (h *CardHandler) CreateCard(ctx context.Context, req *cardv1.CreateCardRequest) (*cardv1.CreateCardResponse, error) {
	return rpc(h.s.CreateCard(ctx, req))
}

// GetCard implements CardService.GetCard.
func (h *CardHandler) GetCard(ctx context.Context, req *cardv1.GetCardRequest) (*cardv1.GetCardResponse, error) {
	return rpc(h.s.GetCard(ctx, req))
}

// UpdateCard implements CardService.UpdateCard.
func (h *CardHandler) UpdateCard(ctx context.Context, req *cardv1.UpdateCardRequest) (*cardv1.UpdateCardResponse, error) {
	return rpc(h.s.UpdateCard(ctx, req))
}

// DeleteCard implements CardService.DeleteCard.
func (h *CardHandler) DeleteCard(ctx context.Context, req *cardv1.DeleteCardRequest) (*cardv1.DeleteCardResponse, error) {
	return rpc(h.s.DeleteCard(ctx, req))
}

// BatchGetCards implements CardService.BatchGetCards.
func (h *CardHandler) BatchGetCards(ctx context.Context, req *cardv1.BatchGetCardsRequest) (*cardv1.BatchGetCardsResponse, error) {
	return rpc(h.s.BatchGetCards(ctx, req))
}

// ModifyCardStock implements CardService.ModifyCardStock.
func (h *CardHandler) ModifyCardStock(ctx context.Context, req *cardv1.ModifyCardStockRequest) (*cardv1.ModifyCardStockResponse, error) {
	return rpc(h.s.ModifyCardStock(ctx, req))
}

// GetCardApplyProtocol implements CardService.GetCardApplyProtocol.
func (h *CardHandler) GetCardApplyProtocol(ctx context.Context, req *cardv1.GetCardApplyProtocolRequest) (*cardv1.GetCardApplyProtocolResponse, error) {
	return rpc(h.s.GetCardApplyProtocol(ctx, req))
}

// CreateCardLandingPage implements CardService.CreateCardLandingPage.
func (h *CardHandler) CreateCardLandingPage(ctx context.Context, req *cardv1.CreateCardLandingPageRequest) (*cardv1.CreateCardLandingPageResponse, error) {
	return rpc(h.s.CreateCardLandingPage(ctx, req))
}

// CreateCardQRCode implements CardService.CreateCardQRCode.
func (h *CardHandler) CreateCardQRCode(ctx context.Context, req *cardv1.CreateCardQRCodeRequest) (*cardv1.CreateCardQRCodeResponse, error) {
	return rpc(h.s.CreateCardQRCode(ctx, req))
}

// GetCardMpNewsHTML implements CardService.GetCardMpNewsHTML.
func (h *CardHandler) GetCardMpNewsHTML(ctx context.Context, req *cardv1.GetCardMpNewsHTMLRequest) (*cardv1.GetCardMpNewsHTMLResponse, error) {
	return rpc(h.s.GetCardMpNewsHTML(ctx, req))
}

// SetCardTestWhitelist implements CardService.SetCardTestWhitelist.
func (h *CardHandler) SetCardTestWhitelist(ctx context.Context, req *cardv1.SetCardTestWhitelistRequest) (*cardv1.SetCardTestWhitelistResponse, error) {
	return rpc(h.s.SetCardTestWhitelist(ctx, req))
}

// SetCardPayCell implements CardService.SetCardPayCell.
func (h *CardHandler) SetCardPayCell(ctx context.Context, req *cardv1.SetCardPayCellRequest) (*cardv1.SetCardPayCellResponse, error) {
	return rpc(h.s.SetCardPayCell(ctx, req))
}

// SetCardSelfConsumeCell implements CardService.SetCardSelfConsumeCell.
func (h *CardHandler) SetCardSelfConsumeCell(ctx context.Context, req *cardv1.SetCardSelfConsumeCellRequest) (*cardv1.SetCardSelfConsumeCellResponse, error) {
	return rpc(h.s.SetCardSelfConsumeCell(ctx, req))
}

// SetCardStoreWxa implements CardService.SetCardStoreWxa.
func (h *CardHandler) SetCardStoreWxa(ctx context.Context, req *cardv1.SetCardStoreWxaRequest) (*cardv1.SetCardStoreWxaResponse, error) {
	return rpc(h.s.SetCardStoreWxa(ctx, req))
}

// CardCodeHandler implements CardCodeService over Service.
type CardCodeHandler struct {
	s *Service
}

var _ cardv1connect.CardCodeServiceHandler = (*CardCodeHandler)(nil)

// NewCardCodeHandler returns the CardCodeService implementation of s.
func NewCardCodeHandler(s *Service) *CardCodeHandler { return &CardCodeHandler{s: s} }

// GetCardCode implements CardCodeService.GetCardCode.
func (h *CardCodeHandler) GetCardCode(ctx context.Context, req *cardv1.GetCardCodeRequest) (*cardv1.GetCardCodeResponse, error) {
	return rpc(h.s.GetCardCode(ctx, req))
}

// ConsumeCardCode implements CardCodeService.ConsumeCardCode.
func (h *CardCodeHandler) ConsumeCardCode(ctx context.Context, req *cardv1.ConsumeCardCodeRequest) (*cardv1.ConsumeCardCodeResponse, error) {
	return rpc(h.s.ConsumeCardCode(ctx, req))
}

// DecryptCardCode implements CardCodeService.DecryptCardCode.
func (h *CardCodeHandler) DecryptCardCode(ctx context.Context, req *cardv1.DecryptCardCodeRequest) (*cardv1.DecryptCardCodeResponse, error) {
	return rpc(h.s.DecryptCardCode(ctx, req))
}

// CheckCardCodes implements CardCodeService.CheckCardCodes.
func (h *CardCodeHandler) CheckCardCodes(ctx context.Context, req *cardv1.CheckCardCodesRequest) (*cardv1.CheckCardCodesResponse, error) {
	return rpc(h.s.CheckCardCodes(ctx, req))
}

// DepositCardCodes implements CardCodeService.DepositCardCodes.
func (h *CardCodeHandler) DepositCardCodes(ctx context.Context, req *cardv1.DepositCardCodesRequest) (*cardv1.DepositCardCodesResponse, error) {
	return rpc(h.s.DepositCardCodes(ctx, req))
}

// GetCardDepositCount implements CardCodeService.GetCardDepositCount.
func (h *CardCodeHandler) GetCardDepositCount(ctx context.Context, req *cardv1.GetCardDepositCountRequest) (*cardv1.GetCardDepositCountResponse, error) {
	return rpc(h.s.GetCardDepositCount(ctx, req))
}

// MarkCardCodeUnavailable implements CardCodeService.MarkCardCodeUnavailable.
func (h *CardCodeHandler) MarkCardCodeUnavailable(ctx context.Context, req *cardv1.MarkCardCodeUnavailableRequest) (*cardv1.MarkCardCodeUnavailableResponse, error) {
	return rpc(h.s.MarkCardCodeUnavailable(ctx, req))
}

// UpdateCardCode implements CardCodeService.UpdateCardCode.
func (h *CardCodeHandler) UpdateCardCode(ctx context.Context, req *cardv1.UpdateCardCodeRequest) (*cardv1.UpdateCardCodeResponse, error) {
	return rpc(h.s.UpdateCardCode(ctx, req))
}

// ListUserCards implements CardCodeService.ListUserCards.
func (h *CardCodeHandler) ListUserCards(ctx context.Context, req *cardv1.ListUserCardsRequest) (*cardv1.ListUserCardsResponse, error) {
	return rpc(h.s.ListUserCards(ctx, req))
}

// MemberCardHandler implements MemberCardService over Service.
type MemberCardHandler struct {
	s *Service
}

var _ cardv1connect.MemberCardServiceHandler = (*MemberCardHandler)(nil)

// NewMemberCardHandler returns the MemberCardService implementation of s.
func NewMemberCardHandler(s *Service) *MemberCardHandler { return &MemberCardHandler{s: s} }

// ActivateMemberCard implements MemberCardService.ActivateMemberCard.
func (h *MemberCardHandler) ActivateMemberCard(ctx context.Context, req *cardv1.ActivateMemberCardRequest) (*cardv1.ActivateMemberCardResponse, error) {
	return rpc(h.s.ActivateMemberCard(ctx, req))
}

// GetMemberCardActivateURL implements MemberCardService.GetMemberCardActivateURL.
func (h *MemberCardHandler) GetMemberCardActivateURL(ctx context.Context, req *cardv1.GetMemberCardActivateURLRequest) (*cardv1.GetMemberCardActivateURLResponse, error) {
	return rpc(h.s.GetMemberCardActivateURL(ctx, req))
}

// GetMemberCardActivateTempInfo implements MemberCardService.GetMemberCardActivateTempInfo.
func (h *MemberCardHandler) GetMemberCardActivateTempInfo(ctx context.Context, req *cardv1.GetMemberCardActivateTempInfoRequest) (*cardv1.GetMemberCardActivateTempInfoResponse, error) {
	return rpc(h.s.GetMemberCardActivateTempInfo(ctx, req))
}

// SetMemberCardActivateUserForm implements MemberCardService.SetMemberCardActivateUserForm.
func (h *MemberCardHandler) SetMemberCardActivateUserForm(ctx context.Context, req *cardv1.SetMemberCardActivateUserFormRequest) (*cardv1.SetMemberCardActivateUserFormResponse, error) {
	return rpc(h.s.SetMemberCardActivateUserForm(ctx, req))
}

// UnactivateMemberCard implements MemberCardService.UnactivateMemberCard.
func (h *MemberCardHandler) UnactivateMemberCard(ctx context.Context, req *cardv1.UnactivateMemberCardRequest) (*cardv1.UnactivateMemberCardResponse, error) {
	return rpc(h.s.UnactivateMemberCard(ctx, req))
}

// UpdateMemberCardUser implements MemberCardService.UpdateMemberCardUser.
func (h *MemberCardHandler) UpdateMemberCardUser(ctx context.Context, req *cardv1.UpdateMemberCardUserRequest) (*cardv1.UpdateMemberCardUserResponse, error) {
	return rpc(h.s.UpdateMemberCardUser(ctx, req))
}

// GetMemberCardUserInfo implements MemberCardService.GetMemberCardUserInfo.
func (h *MemberCardHandler) GetMemberCardUserInfo(ctx context.Context, req *cardv1.GetMemberCardUserInfoRequest) (*cardv1.GetMemberCardUserInfoResponse, error) {
	return rpc(h.s.GetMemberCardUserInfo(ctx, req))
}

// SpecialTicketHandler implements SpecialTicketService over Service.
type SpecialTicketHandler struct {
	s *Service
}

var _ cardv1connect.SpecialTicketServiceHandler = (*SpecialTicketHandler)(nil)

// NewSpecialTicketHandler returns the SpecialTicketService implementation of s.
func NewSpecialTicketHandler(s *Service) *SpecialTicketHandler { return &SpecialTicketHandler{s: s} }

// CheckInBoardingPass implements SpecialTicketService.CheckInBoardingPass.
func (h *SpecialTicketHandler) CheckInBoardingPass(ctx context.Context, req *cardv1.CheckInBoardingPassRequest) (*cardv1.CheckInBoardingPassResponse, error) {
	return rpc(h.s.CheckInBoardingPass(ctx, req))
}

// UpdateMeetingTicketUser implements SpecialTicketService.UpdateMeetingTicketUser.
func (h *SpecialTicketHandler) UpdateMeetingTicketUser(ctx context.Context, req *cardv1.UpdateMeetingTicketUserRequest) (*cardv1.UpdateMeetingTicketUserResponse, error) {
	return rpc(h.s.UpdateMeetingTicketUser(ctx, req))
}

// UpdateMovieTicketUser implements SpecialTicketService.UpdateMovieTicketUser.
func (h *SpecialTicketHandler) UpdateMovieTicketUser(ctx context.Context, req *cardv1.UpdateMovieTicketUserRequest) (*cardv1.UpdateMovieTicketUserResponse, error) {
	return rpc(h.s.UpdateMovieTicketUser(ctx, req))
}

// GiftCardHandler implements GiftCardService over Service.
type GiftCardHandler struct {
	s *Service
}

var _ cardv1connect.GiftCardServiceHandler = (*GiftCardHandler)(nil)

// NewGiftCardHandler returns the GiftCardService implementation of s.
func NewGiftCardHandler(s *Service) *GiftCardHandler { return &GiftCardHandler{s: s} }

// AddPayGiftCardRule implements GiftCardService.AddPayGiftCardRule.
func (h *GiftCardHandler) AddPayGiftCardRule(ctx context.Context, req *cardv1.AddPayGiftCardRuleRequest) (*cardv1.AddPayGiftCardRuleResponse, error) {
	return rpc(h.s.AddPayGiftCardRule(ctx, req))
}

// GetPayGiftCardRule implements GiftCardService.GetPayGiftCardRule.
func (h *GiftCardHandler) GetPayGiftCardRule(ctx context.Context, req *cardv1.GetPayGiftCardRuleRequest) (*cardv1.GetPayGiftCardRuleResponse, error) {
	return rpc(h.s.GetPayGiftCardRule(ctx, req))
}

// BatchGetPayGiftCardRules implements GiftCardService.BatchGetPayGiftCardRules.
func (h *GiftCardHandler) BatchGetPayGiftCardRules(ctx context.Context, req *cardv1.BatchGetPayGiftCardRulesRequest) (*cardv1.BatchGetPayGiftCardRulesResponse, error) {
	return rpc(h.s.BatchGetPayGiftCardRules(ctx, req))
}

// SubMerchantHandler implements SubMerchantService over Service.
type SubMerchantHandler struct {
	s *Service
}

var _ cardv1connect.SubMerchantServiceHandler = (*SubMerchantHandler)(nil)

// NewSubMerchantHandler returns the SubMerchantService implementation of s.
func NewSubMerchantHandler(s *Service) *SubMerchantHandler { return &SubMerchantHandler{s: s} }

// SubmitSubMerchant implements SubMerchantService.SubmitSubMerchant.
func (h *SubMerchantHandler) SubmitSubMerchant(ctx context.Context, req *cardv1.SubmitSubMerchantRequest) (*cardv1.SubmitSubMerchantResponse, error) {
	return rpc(h.s.SubmitSubMerchant(ctx, req))
}

// GetSubMerchant implements SubMerchantService.GetSubMerchant.
func (h *SubMerchantHandler) GetSubMerchant(ctx context.Context, req *cardv1.GetSubMerchantRequest) (*cardv1.GetSubMerchantResponse, error) {
	return rpc(h.s.GetSubMerchant(ctx, req))
}

// BatchGetSubMerchants implements SubMerchantService.BatchGetSubMerchants.
func (h *SubMerchantHandler) BatchGetSubMerchants(ctx context.Context, req *cardv1.BatchGetSubMerchantsRequest) (*cardv1.BatchGetSubMerchantsResponse, error) {
	return rpc(h.s.BatchGetSubMerchants(ctx, req))
}

// UpdateSubMerchant implements SubMerchantService.UpdateSubMerchant.
func (h *SubMerchantHandler) UpdateSubMerchant(ctx context.Context, req *cardv1.UpdateSubMerchantRequest) (*cardv1.UpdateSubMerchantResponse, error) {
	return rpc(h.s.UpdateSubMerchant(ctx, req))
}
