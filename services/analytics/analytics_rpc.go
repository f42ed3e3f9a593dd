package analytics

import (
	"context"

	analyticsv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/analytics/v1/analyticsv1connect"
)

// Handler implements AnalyticsService over Service.
type Handler struct {
	s *Service
}

var _ analyticsv1connect.AnalyticsServiceHandler = (*Handler)(nil)

// NewHandler returns the AnalyticsService implementation of s.
func NewHandler(s *Service) *Handler { return &Handler{s: s} }

// GetUserSummary implements AnalyticsService.GetUserSummary.
func (h *Handler) GetUserSummary(ctx context.Context, req *analyticsv1.GetUserSummaryRequest) (*analyticsv1.GetUserSummaryResponse, error) {
	rows, err := h.s.UserSummary(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserSummaryResponse{Rows: rows}, nil
}

// GetUserCumulate implements AnalyticsService.GetUserCumulate.
func (h *Handler) GetUserCumulate(ctx context.Context, req *analyticsv1.GetUserCumulateRequest) (*analyticsv1.GetUserCumulateResponse, error) {
	rows, err := h.s.UserCumulate(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserCumulateResponse{Rows: rows}, nil
}

// GetArticleSummary implements AnalyticsService.GetArticleSummary.
func (h *Handler) GetArticleSummary(ctx context.Context, req *analyticsv1.GetArticleSummaryRequest) (*analyticsv1.GetArticleSummaryResponse, error) {
	rows, err := h.s.ArticleSummary(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetArticleSummaryResponse{Rows: rows}, nil
}

// GetArticleTotal implements AnalyticsService.GetArticleTotal.
func (h *Handler) GetArticleTotal(ctx context.Context, req *analyticsv1.GetArticleTotalRequest) (*analyticsv1.GetArticleTotalResponse, error) {
	rows, err := h.s.ArticleTotal(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetArticleTotalResponse{Rows: rows}, nil
}

// GetUserRead implements AnalyticsService.GetUserRead.
func (h *Handler) GetUserRead(ctx context.Context, req *analyticsv1.GetUserReadRequest) (*analyticsv1.GetUserReadResponse, error) {
	rows, err := h.s.UserRead(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserReadResponse{Rows: rows}, nil
}

// GetUserReadHour implements AnalyticsService.GetUserReadHour.
func (h *Handler) GetUserReadHour(ctx context.Context, req *analyticsv1.GetUserReadHourRequest) (*analyticsv1.GetUserReadHourResponse, error) {
	rows, err := h.s.UserReadHour(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserReadHourResponse{Rows: rows}, nil
}

// GetUserShare implements AnalyticsService.GetUserShare.
func (h *Handler) GetUserShare(ctx context.Context, req *analyticsv1.GetUserShareRequest) (*analyticsv1.GetUserShareResponse, error) {
	rows, err := h.s.UserShare(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserShareResponse{Rows: rows}, nil
}

// GetUserShareHour implements AnalyticsService.GetUserShareHour.
func (h *Handler) GetUserShareHour(ctx context.Context, req *analyticsv1.GetUserShareHourRequest) (*analyticsv1.GetUserShareHourResponse, error) {
	rows, err := h.s.UserShareHour(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUserShareHourResponse{Rows: rows}, nil
}

// GetUpstreamMsg implements AnalyticsService.GetUpstreamMsg.
func (h *Handler) GetUpstreamMsg(ctx context.Context, req *analyticsv1.GetUpstreamMsgRequest) (*analyticsv1.GetUpstreamMsgResponse, error) {
	rows, err := h.s.UpstreamMsg(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgResponse{Rows: rows}, nil
}

// GetUpstreamMsgHour implements AnalyticsService.GetUpstreamMsgHour.
func (h *Handler) GetUpstreamMsgHour(ctx context.Context, req *analyticsv1.GetUpstreamMsgHourRequest) (*analyticsv1.GetUpstreamMsgHourResponse, error) {
	rows, err := h.s.UpstreamMsgHour(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgHourResponse{Rows: rows}, nil
}

// GetUpstreamMsgWeek implements AnalyticsService.GetUpstreamMsgWeek.
func (h *Handler) GetUpstreamMsgWeek(ctx context.Context, req *analyticsv1.GetUpstreamMsgWeekRequest) (*analyticsv1.GetUpstreamMsgWeekResponse, error) {
	rows, err := h.s.UpstreamMsgWeek(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgWeekResponse{Rows: rows}, nil
}

// GetUpstreamMsgMonth implements AnalyticsService.GetUpstreamMsgMonth.
func (h *Handler) GetUpstreamMsgMonth(ctx context.Context, req *analyticsv1.GetUpstreamMsgMonthRequest) (*analyticsv1.GetUpstreamMsgMonthResponse, error) {
	rows, err := h.s.UpstreamMsgMonth(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgMonthResponse{Rows: rows}, nil
}

// GetUpstreamMsgDist implements AnalyticsService.GetUpstreamMsgDist.
func (h *Handler) GetUpstreamMsgDist(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistRequest) (*analyticsv1.GetUpstreamMsgDistResponse, error) {
	rows, err := h.s.UpstreamMsgDist(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgDistResponse{Rows: rows}, nil
}

// GetUpstreamMsgDistWeek implements AnalyticsService.GetUpstreamMsgDistWeek.
func (h *Handler) GetUpstreamMsgDistWeek(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistWeekRequest) (*analyticsv1.GetUpstreamMsgDistWeekResponse, error) {
	rows, err := h.s.UpstreamMsgDistWeek(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgDistWeekResponse{Rows: rows}, nil
}

// GetUpstreamMsgDistMonth implements AnalyticsService.GetUpstreamMsgDistMonth.
func (h *Handler) GetUpstreamMsgDistMonth(ctx context.Context, req *analyticsv1.GetUpstreamMsgDistMonthRequest) (*analyticsv1.GetUpstreamMsgDistMonthResponse, error) {
	rows, err := h.s.UpstreamMsgDistMonth(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetUpstreamMsgDistMonthResponse{Rows: rows}, nil
}

// GetInterfaceSummary implements AnalyticsService.GetInterfaceSummary.
func (h *Handler) GetInterfaceSummary(ctx context.Context, req *analyticsv1.GetInterfaceSummaryRequest) (*analyticsv1.GetInterfaceSummaryResponse, error) {
	rows, err := h.s.InterfaceSummary(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetInterfaceSummaryResponse{Rows: rows}, nil
}

// GetInterfaceSummaryHour implements AnalyticsService.GetInterfaceSummaryHour.
func (h *Handler) GetInterfaceSummaryHour(ctx context.Context, req *analyticsv1.GetInterfaceSummaryHourRequest) (*analyticsv1.GetInterfaceSummaryHourResponse, error) {
	rows, err := h.s.InterfaceSummaryHour(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetInterfaceSummaryHourResponse{Rows: rows}, nil
}

// GetCardBizUinInfo implements AnalyticsService.GetCardBizUinInfo.
func (h *Handler) GetCardBizUinInfo(ctx context.Context, req *analyticsv1.GetCardBizUinInfoRequest) (*analyticsv1.GetCardBizUinInfoResponse, error) {
	rows, err := h.s.CardBizUinInfo(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetCardBizUinInfoResponse{Rows: rows}, nil
}

// GetCardCardInfo implements AnalyticsService.GetCardCardInfo.
func (h *Handler) GetCardCardInfo(ctx context.Context, req *analyticsv1.GetCardCardInfoRequest) (*analyticsv1.GetCardCardInfoResponse, error) {
	rows, err := h.s.CardCardInfo(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetCardCardInfoResponse{Rows: rows}, nil
}

// GetCardMemberCardInfo implements AnalyticsService.GetCardMemberCardInfo.
func (h *Handler) GetCardMemberCardInfo(ctx context.Context, req *analyticsv1.GetCardMemberCardInfoRequest) (*analyticsv1.GetCardMemberCardInfoResponse, error) {
	rows, err := h.s.CardMemberCardInfo(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetCardMemberCardInfoResponse{Rows: rows}, nil
}

// GetCardMemberCardDetail implements AnalyticsService.GetCardMemberCardDetail.
func (h *Handler) GetCardMemberCardDetail(ctx context.Context, req *analyticsv1.GetCardMemberCardDetailRequest) (*analyticsv1.GetCardMemberCardDetailResponse, error) {
	rows, err := h.s.CardMemberCardDetail(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return &analyticsv1.GetCardMemberCardDetailResponse{Rows: rows}, nil
}

// GetPublisherAdPosGeneral implements AnalyticsService.GetPublisherAdPosGeneral.
func (h *Handler) GetPublisherAdPosGeneral(ctx context.Context, req *analyticsv1.GetPublisherAdPosGeneralRequest) (*analyticsv1.GetPublisherAdPosGeneralResponse, error) {
	resp, err := h.s.PublisherAdPos(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return resp, nil
}

// GetPublisherCpsGeneral implements AnalyticsService.GetPublisherCpsGeneral.
func (h *Handler) GetPublisherCpsGeneral(ctx context.Context, req *analyticsv1.GetPublisherCpsGeneralRequest) (*analyticsv1.GetPublisherCpsGeneralResponse, error) {
	resp, err := h.s.PublisherCps(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return resp, nil
}

// GetPublisherSettlement implements AnalyticsService.GetPublisherSettlement.
func (h *Handler) GetPublisherSettlement(ctx context.Context, req *analyticsv1.GetPublisherSettlementRequest) (*analyticsv1.GetPublisherSettlementResponse, error) {
	resp, err := h.s.PublisherSettlement(ctx, req)
	if err != nil {
		return nil, connectError(err)
	}
	return resp, nil
}
