package card

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
)

// WeChat paths of the pay-gift and sub-merchant endpoints.
const (
	pathPayGiftAdd        = "/card/paygiftcard/add"
	pathPayGiftGet        = "/card/paygiftcard/getbyid"
	pathPayGiftBatchGet   = "/card/paygiftcard/batchget"
	pathSubMerchantSubmit = "/card/submerchant/submit"
	pathSubMerchantGet    = "/card/submerchant/get"
	pathSubMerchantBatch  = "/card/submerchant/batchget"
	pathSubMerchantUpdate = "/card/submerchant/update"
)

// Limits and values of pay-gift rules and sub-merchants.
const (
	payMemberCardRule   = "RULE_TYPE_PAY_MEMBER_CARD"
	maxRuleBatch        = 100
	maxSubMerchantBatch = 100
	maxMchIDLen         = 32
)

// subMerchantStatuses are the sub-merchant review statuses.
var subMerchantStatuses = []string{"CHECKING", "APPROVED", "REJECTED", "EXPIRED"}

// AddPayGiftCardRule creates a pay-gift rule (card/paygiftcard/add).
func (s *Service) AddPayGiftCardRule(ctx context.Context, req *cardv1.AddPayGiftCardRuleRequest) (*cardv1.AddPayGiftCardRuleResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	r := req.GetRuleInfo()
	if r == nil {
		return nil, &ArgumentError{Field: "rule_info", Reason: "is required"}
	}
	if err := checkOneOf("rule_info.type", r.GetType(), true, payMemberCardRule); err != nil {
		return nil, err
	}
	b, m := r.GetBaseInfo(), r.GetMemberRule()
	switch {
	case len(b.GetMchidList()) == 0:
		return nil, &ArgumentError{Field: "rule_info.base_info.mchid_list", Reason: "must hold at least one merchant number"}
	case b.GetBeginTime() == 0 || b.GetEndTime() <= b.GetBeginTime():
		return nil, &ArgumentError{Field: "rule_info.base_info.end_time", Reason: "begin_time and a later end_time are required"}
	case m.GetMaxCost() > 0 && m.GetMaxCost() < m.GetLeastCost():
		return nil, &ArgumentError{Field: "rule_info.member_rule.max_cost", Reason: "must be 0 (none) or at least least_cost"}
	}
	for i, id := range b.GetMchidList() {
		if id == "" || len(id) > maxMchIDLen || strings.Trim(id, "0123456789") != "" {
			return nil, &ArgumentError{Field: fmt.Sprintf("rule_info.base_info.mchid_list[%d]", i), Reason: fmt.Sprintf("must be 1 to %d digits", maxMchIDLen)}
		}
	}
	if err := checkID("rule_info.member_rule.card_id", m.GetCardId()); err != nil {
		return nil, err
	}
	r = proto.CloneOf(r)
	r.RuleId, r.Type = 0, payMemberCardRule
	r.BaseInfo.Status, r.BaseInfo.CreateTime, r.BaseInfo.UpdateTime = "", 0, 0
	info, err := wire(r)
	if err != nil {
		return nil, err
	}
	out := &cardv1.AddPayGiftCardRuleResponse{}
	return out, s.call(ctx, req.GetAppId(), pathPayGiftAdd, false, object{}.set("rule_info", info), out)
}

// GetPayGiftCardRule returns a rule (card/paygiftcard/getbyid).
func (s *Service) GetPayGiftCardRule(ctx context.Context, req *cardv1.GetPayGiftCardRuleRequest) (*cardv1.GetPayGiftCardRuleResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetRuleId() == 0 {
		return nil, &ArgumentError{Field: "rule_id", Reason: "is required"}
	}
	out := &cardv1.GetPayGiftCardRuleResponse{}
	if err := s.call(ctx, req.GetAppId(), pathPayGiftGet, true, object{}.set("rule_id", req.GetRuleId()), out); err != nil {
		return nil, err
	}
	if out.GetRuleInfo() != nil && out.GetRuleInfo().GetRuleId() == 0 {
		out.RuleInfo.RuleId = req.GetRuleId()
	}
	return out, nil
}

// BatchGetPayGiftCardRules lists rules (card/paygiftcard/batchget).
func (s *Service) BatchGetPayGiftCardRules(ctx context.Context, req *cardv1.BatchGetPayGiftCardRulesRequest) (*cardv1.BatchGetPayGiftCardRulesResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	count := req.GetCount()
	if count == 0 {
		count = maxRuleBatch // 0 asks for a full page
	}
	if err := firstErr(checkOneOf("type", req.GetType(), true, payMemberCardRule), checkRange("count", count, 1, maxRuleBatch)); err != nil {
		return nil, err
	}
	body := object{}.set("type", payMemberCardRule).set("effective", req.GetEffective()).
		set("offset", req.GetOffset()).set("count", count)
	out := &cardv1.BatchGetPayGiftCardRulesResponse{}
	return out, s.call(ctx, req.GetAppId(), pathPayGiftBatchGet, true, body, out)
}

// checkSubMerchant checks a sub-merchant's info.
func checkSubMerchant(info *cardv1.SubMerchantInfo) error {
	if info == nil {
		return &ArgumentError{Field: "info", Reason: "is required"}
	}
	if err := firstErr(checkText("info.brand_name", info.GetBrandName(), maxBrandName, true),
		checkText("info.logo_url", info.GetLogoUrl(), 0, true), checkText("info.protocol", info.GetProtocol(), 0, true),
		checkOptionalID("info.app_id", info.GetAppId())); err != nil {
		return err
	}
	switch {
	case info.GetEndTime() == 0:
		return &ArgumentError{Field: "info.end_time", Reason: "is required (when the authorization letter expires)"}
	case info.GetPrimaryCategoryId() == 0:
		return &ArgumentError{Field: "info.primary_category_id", Reason: "is required (see GetCardApplyProtocol)"}
	case info.GetSecondaryCategoryId() == 0:
		return &ArgumentError{Field: "info.secondary_category_id", Reason: "is required (see GetCardApplyProtocol)"}
	}
	return nil
}

// subMerchantInfo returns info without its output-only fields, with merchantID.
func subMerchantInfo(info *cardv1.SubMerchantInfo, merchantID uint32) (object, error) {
	info = proto.CloneOf(info)
	info.MerchantId, info.Status, info.CreateTime, info.UpdateTime, info.BeginTime = merchantID, "", 0, 0, 0
	return wire(info)
}

// SubmitSubMerchant submits a sub-merchant (card/submerchant/submit).
func (s *Service) SubmitSubMerchant(ctx context.Context, req *cardv1.SubmitSubMerchantRequest) (*cardv1.SubmitSubMerchantResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := checkSubMerchant(req.GetInfo()); err != nil {
		return nil, err
	}
	info, err := subMerchantInfo(req.GetInfo(), 0)
	if err != nil {
		return nil, err
	}
	out := &cardv1.SubmitSubMerchantResponse{}
	return out, s.call(ctx, req.GetAppId(), pathSubMerchantSubmit, false, object{}.set("info", info), out)
}

// GetSubMerchant returns a sub-merchant (card/submerchant/get).
func (s *Service) GetSubMerchant(ctx context.Context, req *cardv1.GetSubMerchantRequest) (*cardv1.GetSubMerchantResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetMerchantId() == 0 {
		return nil, &ArgumentError{Field: "merchant_id", Reason: "is required"}
	}
	out := &cardv1.GetSubMerchantResponse{}
	return out, s.call(ctx, req.GetAppId(), pathSubMerchantGet, true, object{}.set("merchant_id", req.GetMerchantId()), out)
}

// BatchGetSubMerchants lists sub-merchants (card/submerchant/batchget).
func (s *Service) BatchGetSubMerchants(ctx context.Context, req *cardv1.BatchGetSubMerchantsRequest) (*cardv1.BatchGetSubMerchantsResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	limit := req.GetLimit()
	if limit == 0 {
		limit = maxSubMerchantBatch // 0 asks for a full page
	}
	if err := firstErr(checkRange("limit", limit, 1, maxSubMerchantBatch),
		checkOneOf("status", req.GetStatus(), true, subMerchantStatuses...)); err != nil {
		return nil, err
	}
	body := object{}.set("begin_id", req.GetBeginId()).set("limit", limit)
	if req.GetStatus() != "" {
		body.set("status", req.GetStatus())
	}
	out := &cardv1.BatchGetSubMerchantsResponse{}
	return out, s.call(ctx, req.GetAppId(), pathSubMerchantBatch, true, body, out)
}

// UpdateSubMerchant changes a sub-merchant (card/submerchant/update).
func (s *Service) UpdateSubMerchant(ctx context.Context, req *cardv1.UpdateSubMerchantRequest) (*cardv1.UpdateSubMerchantResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if req.GetMerchantId() == 0 {
		return nil, &ArgumentError{Field: "merchant_id", Reason: "is required"}
	}
	if err := checkSubMerchant(req.GetInfo()); err != nil {
		return nil, err
	}
	if id := req.GetInfo().GetMerchantId(); id != 0 && id != req.GetMerchantId() {
		return nil, &ArgumentError{Field: "info.merchant_id", Reason: "must be 0 or equal merchant_id"}
	}
	info, err := subMerchantInfo(req.GetInfo(), req.GetMerchantId())
	if err != nil {
		return nil, err
	}
	out := &cardv1.UpdateSubMerchantResponse{}
	return out, s.call(ctx, req.GetAppId(), pathSubMerchantUpdate, true, object{}.set("info", info), out)
}
