package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
)

// UserSummary returns getusersummary's entries over req's range.
func (s *Service) UserSummary(ctx context.Context, req *analyticsv1.GetUserSummaryRequest) ([]*analyticsv1.UserSummaryRow, error) {
	return query(ctx, s, cubeUserSummary, req, nil, func() *analyticsv1.UserSummaryRow { return &analyticsv1.UserSummaryRow{} }, nil)
}

// UserCumulate returns getusercumulate's entries over req's range.
func (s *Service) UserCumulate(ctx context.Context, req *analyticsv1.GetUserCumulateRequest) ([]*analyticsv1.UserCumulateRow, error) {
	return query(ctx, s, cubeUserCumulate, req, nil, func() *analyticsv1.UserCumulateRow { return &analyticsv1.UserCumulateRow{} }, nil)
}

// The stats functions give a row's counters sub-message to decode the platform's flat
// counters into.
func articleSummaryStats(r *analyticsv1.ArticleSummaryRow) proto.Message {
	r.Stats = &analyticsv1.ArticleReadStats{}
	return r.Stats
}

func userReadStats(r *analyticsv1.UserReadRow) proto.Message {
	r.Stats = &analyticsv1.ArticleReadStats{}
	return r.Stats
}

func cardBizUinStats(r *analyticsv1.CardBizUinRow) proto.Message {
	r.Stats = &analyticsv1.CardStats{}
	return r.Stats
}

func cardCardStats(r *analyticsv1.CardCardRow) proto.Message {
	r.Stats = &analyticsv1.CardStats{}
	return r.Stats
}

// ArticleSummary returns getarticlesummary's entries over req's range (one call a
// day).
func (s *Service) ArticleSummary(ctx context.Context, req *analyticsv1.GetArticleSummaryRequest) ([]*analyticsv1.ArticleSummaryRow, error) {
	return query(ctx, s, cubeArticleSummary, req, nil, func() *analyticsv1.ArticleSummaryRow { return &analyticsv1.ArticleSummaryRow{} },
		articleSummaryStats)
}

// ArticleTotal returns getarticletotal's entries over req's range (one call a day),
// with every detail's counters.
func (s *Service) ArticleTotal(ctx context.Context, req *analyticsv1.GetArticleTotalRequest) ([]*analyticsv1.ArticleTotalRow, error) {
	calls, err := s.plan(cubeArticleTotal, req)
	if err != nil {
		return nil, err
	}
	raws, err := s.fetch(ctx, cubeArticleTotal, req.GetAppId(), calls, nil)
	if err != nil {
		return nil, err
	}
	rows, err := decodeRows(cubeArticleTotal.path, raws, func() *analyticsv1.ArticleTotalRow { return &analyticsv1.ArticleTotalRow{} }, nil)
	if err != nil {
		return nil, err
	}
	for i, row := range rows {
		var entry struct {
			Details []json.RawMessage `json:"details"`
		}
		if err := json.Unmarshal(raws[i], &entry); err != nil || len(entry.Details) != len(row.GetDetails()) {
			return nil, fmt.Errorf("%s: decode list[%d].details: %v", cubeArticleTotal.path, i, err)
		}
		for j, d := range row.GetDetails() {
			st := &analyticsv1.ArticleReadStats{}
			if err := rowDecoding.Unmarshal(entry.Details[j], st); err != nil {
				return nil, fmt.Errorf("%s: decode list[%d].details[%d]: %w", cubeArticleTotal.path, i, j, err)
			}
			d.Stats = st
		}
	}
	return rows, nil
}

func newUserReadRow() *analyticsv1.UserReadRow { return &analyticsv1.UserReadRow{} }

// UserRead returns getuserread's entries over req's range.
func (s *Service) UserRead(ctx context.Context, req *analyticsv1.GetUserReadRequest) ([]*analyticsv1.UserReadRow, error) {
	return query(ctx, s, cubeUserRead, req, nil, newUserReadRow, userReadStats)
}

// UserReadHour returns getuserreadhour's entries over req's range (one call a day).
func (s *Service) UserReadHour(ctx context.Context, req *analyticsv1.GetUserReadHourRequest) ([]*analyticsv1.UserReadRow, error) {
	return query(ctx, s, cubeUserReadHour, req, nil, newUserReadRow, userReadStats)
}

func newUserShareRow() *analyticsv1.UserShareRow { return &analyticsv1.UserShareRow{} }

// UserShare returns getusershare's entries over req's range.
func (s *Service) UserShare(ctx context.Context, req *analyticsv1.GetUserShareRequest) ([]*analyticsv1.UserShareRow, error) {
	return query(ctx, s, cubeUserShare, req, nil, newUserShareRow, nil)
}

// UserShareHour returns getusersharehour's entries over req's range (one call a day).
func (s *Service) UserShareHour(ctx context.Context, req *analyticsv1.GetUserShareHourRequest) ([]*analyticsv1.UserShareRow, error) {
	return query(ctx, s, cubeUserShareHour, req, nil, newUserShareRow, nil)
}

func newUpstreamRow() *analyticsv1.UpstreamMsgRow { return &analyticsv1.UpstreamMsgRow{} }

// UpstreamMsg returns getupstreammsg's entries over req's range.
func (s *Service) UpstreamMsg(ctx context.Context, req *analyticsv1.GetUpstreamMsgRequest) ([]*analyticsv1.UpstreamMsgRow, error) {
	return query(ctx, s, cubeUpstreamMsg, req, nil, newUpstreamRow, nil)
}

// UpstreamMsgHour returns getupstreammsghour's entries over req's range (one call a
// day).
func (s *Service) UpstreamMsgHour(ctx context.Context, req *analyticsv1.GetUpstreamMsgHourRequest) ([]*analyticsv1.UpstreamMsgRow, error) {
	return query(ctx, s, cubeUpstreamMsgHour, req, nil, newUpstreamRow, nil)
}

// UpstreamMsgWeek returns getupstreammsgweek's entries (at most 30 days, one call).
func (s *Service) UpstreamMsgWeek(ctx context.Context, req *analyticsv1.GetUpstreamMsgWeekRequest) ([]*analyticsv1.UpstreamMsgRow, error) {
	return query(ctx, s, cubeUpstreamMsgWeek, req, nil, newUpstreamRow, nil)
}

// UpstreamMsgMonth returns getupstreammsgmonth's entries (at most 30 days, one call).
func (s *Service) UpstreamMsgMonth(ctx context.Context, req *analyticsv1.GetUpstreamMsgMonthRequest) ([]*analyticsv1.UpstreamMsgRow, error) {
	return query(ctx, s, cubeUpstreamMsgMonth, req, nil, newUpstreamRow, nil)
}

func newDistRow() *analyticsv1.UpstreamMsgDistRow { return &analyticsv1.UpstreamMsgDistRow{} }

// UpstreamMsgDist returns getupstreammsgdist's entries over req's range.
func (s *Service) UpstreamMsgDist(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistRequest) ([]*analyticsv1.UpstreamMsgDistRow, error) {
	return query(ctx, s, cubeUpstreamDist, req, nil, newDistRow, nil)
}

// UpstreamMsgDistWeek returns getupstreammsgdistweek's entries (at most 30 days).
func (s *Service) UpstreamMsgDistWeek(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistWeekRequest) ([]*analyticsv1.UpstreamMsgDistRow, error) {
	return query(ctx, s, cubeUpstreamDistWeek, req, nil, newDistRow, nil)
}

// UpstreamMsgDistMonth returns getupstreammsgdistmonth's entries (at most 30 days).
func (s *Service) UpstreamMsgDistMonth(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistMonthRequest) ([]*analyticsv1.UpstreamMsgDistRow, error) {
	return query(ctx, s, cubeUpstreamDistMon, req, nil, newDistRow, nil)
}

func newInterfaceRow() *analyticsv1.InterfaceSummaryRow { return &analyticsv1.InterfaceSummaryRow{} }

// InterfaceSummary returns getinterfacesummary's entries over req's range.
func (s *Service) InterfaceSummary(ctx context.Context, req *analyticsv1.GetInterfaceSummaryRequest) ([]*analyticsv1.InterfaceSummaryRow, error) {
	return query(ctx, s, cubeInterface, req, nil, newInterfaceRow, nil)
}

// InterfaceSummaryHour returns getinterfacesummaryhour's entries over req's range.
func (s *Service) InterfaceSummaryHour(ctx context.Context, req *analyticsv1.GetInterfaceSummaryHourRequest) ([]*analyticsv1.InterfaceSummaryRow, error) {
	return query(ctx, s, cubeInterfaceHour, req, nil, newInterfaceRow, nil)
}

// condSource is the platform's cond_source of src; field names the request field.
func condSource(src analyticsv1.CardSource) (int, error) {
	switch src {
	case analyticsv1.CardSource_CARD_SOURCE_PLATFORM:
		return 0, nil
	case analyticsv1.CardSource_CARD_SOURCE_API:
		return 1, nil
	case analyticsv1.CardSource_CARD_SOURCE_UNSPECIFIED:
		return 0, &ArgumentError{Field: "source", Reason: "is required: CARD_SOURCE_PLATFORM or CARD_SOURCE_API"}
	}
	return 0, &ArgumentError{Field: "source", Reason: fmt.Sprintf("unknown value %d", src)}
}

// maxCardIDLen bounds card ids (real ones are 28 characters).
const maxCardIDLen = 64

// checkCardID refuses a malformed card id; empty passes when optional.
func checkCardID(field, id string, optional bool) error {
	switch {
	case id == "" && optional:
		return nil
	case id == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case len(id) > maxCardIDLen || strings.Trim(id, idChars) != "":
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-], got %q", maxCardIDLen, clip(id))}
	}
	return nil
}

// idChars are the characters of card ids.
const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// CardBizUinInfo returns getcardbizuininfo's entries over req's range.
func (s *Service) CardBizUinInfo(ctx context.Context, req *analyticsv1.GetCardBizUinInfoRequest) ([]*analyticsv1.CardBizUinRow, error) {
	src, err := condSource(req.GetSource())
	if err != nil {
		return nil, err
	}
	return query(ctx, s, cubeCardBizUin, req, map[string]any{"cond_source": src},
		func() *analyticsv1.CardBizUinRow { return &analyticsv1.CardBizUinRow{} }, cardBizUinStats)
}

// CardCardInfo returns getcardcardinfo's entries over req's range.
func (s *Service) CardCardInfo(ctx context.Context, req *analyticsv1.GetCardCardInfoRequest) ([]*analyticsv1.CardCardRow, error) {
	src, err := condSource(req.GetSource())
	if err != nil {
		return nil, err
	}
	if err := checkCardID("card_id", req.GetCardId(), true); err != nil {
		return nil, err
	}
	extra := map[string]any{"cond_source": src}
	if req.GetCardId() != "" {
		extra["card_id"] = req.GetCardId()
	}
	return query(ctx, s, cubeCardCard, req, extra,
		func() *analyticsv1.CardCardRow { return &analyticsv1.CardCardRow{} }, cardCardStats)
}

// CardMemberCardInfo returns getcardmembercardinfo's entries over req's range.
func (s *Service) CardMemberCardInfo(ctx context.Context, req *analyticsv1.GetCardMemberCardInfoRequest) ([]*analyticsv1.CardMemberCardRow, error) {
	src, err := condSource(req.GetSource())
	if err != nil {
		return nil, err
	}
	return query(ctx, s, cubeMemberCard, req, map[string]any{"cond_source": src},
		func() *analyticsv1.CardMemberCardRow { return &analyticsv1.CardMemberCardRow{} }, nil)
}

// CardMemberCardDetail returns getcardmembercarddetail's entries over req's range.
func (s *Service) CardMemberCardDetail(ctx context.Context, req *analyticsv1.GetCardMemberCardDetailRequest) ([]*analyticsv1.CardMemberCardDetailRow, error) {
	if err := checkCardID("card_id", req.GetCardId(), false); err != nil {
		return nil, err
	}
	return query(ctx, s, cubeMemberCardDetail, req, map[string]any{"card_id": req.GetCardId()},
		func() *analyticsv1.CardMemberCardDetailRow { return &analyticsv1.CardMemberCardDetailRow{} }, nil)
}
