package sandbox

// This file implements the analytics admin RPCs: seeding the data cube (datacube/*) and
// the publisher (流量主) statistics with typed rows.

import (
	"context"
	"strings"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// requireRows refuses an empty list of rows.
func requireRows(n int) error {
	if n == 0 {
		return invalid("rows", "is required (at least one row)")
	}
	return nil
}

// analyticsAdminRows checks app_id and rows, converts each row with conv and records
// them with record. The methods call a row's day "date"; dateField is its name in the
// request's rows ("ref_date" or "date").
func analyticsAdminRows[P, G any](appID, dateField string, rows []P, conv func(P) G, record func(string, ...G) error) error {
	if err := requireAppID(appID); err != nil {
		return err
	}
	if err := requireRows(len(rows)); err != nil {
		return err
	}
	out := make([]G, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return adminRenameField(record(appID, out...), func(f string) string {
		switch {
		case strings.HasSuffix(f, "].date"):
			return strings.TrimSuffix(f, "date") + dateField
		case strings.HasSuffix(f, "].cardid"): // getcardmembercarddetail's name
			return strings.TrimSuffix(f, "cardid") + "card_id"
		}
		return f
	})
}

// fromProtoArticleReadStats converts the article counters of a row (nil: zeros).
func fromProtoArticleReadStats(p *sandboxv1.ArticleReadStats) ArticleReadStats {
	return ArticleReadStats{
		IntPageReadUser: p.GetIntPageReadUser(), IntPageReadCount: p.GetIntPageReadCount(),
		OriPageReadUser: p.GetOriPageReadUser(), OriPageReadCount: p.GetOriPageReadCount(),
		ShareUser: p.GetShareUser(), ShareCount: p.GetShareCount(),
		AddToFavUser: p.GetAddToFavUser(), AddToFavCount: p.GetAddToFavCount(),
	}
}

// fromProtoCardStats converts the card counters of a row (nil: zeros).
func fromProtoCardStats(p *sandboxv1.CardStats) CardStats {
	return CardStats{
		ViewCnt: p.GetViewCnt(), ViewUser: p.GetViewUser(), ReceiveCnt: p.GetReceiveCnt(), ReceiveUser: p.GetReceiveUser(),
		VerifyCnt: p.GetVerifyCnt(), VerifyUser: p.GetVerifyUser(), GivenCnt: p.GetGivenCnt(), GivenUser: p.GetGivenUser(),
		ExpireCnt: p.GetExpireCnt(), ExpireUser: p.GetExpireUser(),
	}
}

// RecordUpstreamMessage records a message a user sent in the past.
func (x *admin) RecordUpstreamMessage(_ context.Context, req *sandboxv1.RecordUpstreamMessageRequest) (*sandboxv1.RecordUpstreamMessageResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if req.GetMsgType() == "" {
		return nil, invalid("msg_type", "is required")
	}
	if req.GetTime() == nil {
		return nil, invalid("time", "is required")
	}
	if err := req.GetTime().CheckValid(); err != nil {
		return nil, invalid("time", "is not a valid timestamp")
	}
	if err := x.s.RecordUpstreamMessage(req.GetAppId(), req.GetOpenid(), req.GetMsgType(), req.GetTime().AsTime()); err != nil {
		return nil, adminError(err)
	}
	return &sandboxv1.RecordUpstreamMessageResponse{}, nil
}

// RecordArticleSummary appends getarticlesummary entries.
func (x *admin) RecordArticleSummary(_ context.Context, req *sandboxv1.RecordArticleSummaryRequest) (*sandboxv1.RecordArticleSummaryResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.ArticleSummaryStat) ArticleSummaryStat {
		return ArticleSummaryStat{RefDate: r.GetRefDate(), MsgID: r.GetMsgid(), Title: r.GetTitle(), ArticleReadStats: fromProtoArticleReadStats(r.GetStats())}
	}, x.s.RecordArticleSummary)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordArticleSummaryResponse{}, nil
}

// RecordArticleTotal appends getarticletotal entries.
func (x *admin) RecordArticleTotal(_ context.Context, req *sandboxv1.RecordArticleTotalRequest) (*sandboxv1.RecordArticleTotalResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.ArticleTotalStat) ArticleTotalStat {
		out := ArticleTotalStat{RefDate: r.GetRefDate(), MsgID: r.GetMsgid(), Title: r.GetTitle()}
		for _, d := range r.GetDetails() {
			out.Details = append(out.Details, ArticleTotalDetail{
				StatDate: d.GetStatDate(), TargetUser: d.GetTargetUser(), ArticleReadStats: fromProtoArticleReadStats(d.GetStats()),
				IntPageFromSessionReadUser: d.GetIntPageFromSessionReadUser(), IntPageFromSessionReadCount: d.GetIntPageFromSessionReadCount(),
				IntPageFromHistMsgReadUser: d.GetIntPageFromHistMsgReadUser(), IntPageFromHistMsgReadCount: d.GetIntPageFromHistMsgReadCount(),
				IntPageFromFeedReadUser: d.GetIntPageFromFeedReadUser(), IntPageFromFeedReadCount: d.GetIntPageFromFeedReadCount(),
				IntPageFromFriendsReadUser: d.GetIntPageFromFriendsReadUser(), IntPageFromFriendsReadCount: d.GetIntPageFromFriendsReadCount(),
				IntPageFromOtherReadUser: d.GetIntPageFromOtherReadUser(), IntPageFromOtherReadCount: d.GetIntPageFromOtherReadCount(),
				FeedShareFromSessionUser: d.GetFeedShareFromSessionUser(), FeedShareFromSessionCnt: d.GetFeedShareFromSessionCnt(),
				FeedShareFromFeedUser: d.GetFeedShareFromFeedUser(), FeedShareFromFeedCnt: d.GetFeedShareFromFeedCnt(),
				FeedShareFromOtherUser: d.GetFeedShareFromOtherUser(), FeedShareFromOtherCnt: d.GetFeedShareFromOtherCnt(),
			})
		}
		return out
	}, x.s.RecordArticleTotal)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordArticleTotalResponse{}, nil
}

// RecordUserRead appends getuserread and getuserreadhour entries.
func (x *admin) RecordUserRead(_ context.Context, req *sandboxv1.RecordUserReadRequest) (*sandboxv1.RecordUserReadResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.UserReadStat) UserReadStat {
		return UserReadStat{RefDate: r.GetRefDate(), Hourly: r.GetHourly(), RefHour: int(r.GetRefHour()),
			UserSource: int(r.GetUserSource()), ArticleReadStats: fromProtoArticleReadStats(r.GetStats())}
	}, x.s.RecordUserRead)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordUserReadResponse{}, nil
}

// RecordUserShare appends getusershare and getusersharehour entries.
func (x *admin) RecordUserShare(_ context.Context, req *sandboxv1.RecordUserShareRequest) (*sandboxv1.RecordUserShareResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.UserShareStat) UserShareStat {
		return UserShareStat{RefDate: r.GetRefDate(), Hourly: r.GetHourly(), RefHour: int(r.GetRefHour()),
			ShareScene: int(r.GetShareScene()), ShareCount: r.GetShareCount(), ShareUser: r.GetShareUser()}
	}, x.s.RecordUserShare)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordUserShareResponse{}, nil
}

// RecordCardBizUinInfo appends getcardbizuininfo entries.
func (x *admin) RecordCardBizUinInfo(_ context.Context, req *sandboxv1.RecordCardBizUinInfoRequest) (*sandboxv1.RecordCardBizUinInfoResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.CardBizUinStat) CardBizUinStat {
		return CardBizUinStat{RefDate: r.GetRefDate(), CondSource: int(r.GetCondSource()), CardStats: fromProtoCardStats(r.GetStats())}
	}, x.s.RecordCardBizUinInfo)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordCardBizUinInfoResponse{}, nil
}

// RecordCardCardInfo appends getcardcardinfo entries.
func (x *admin) RecordCardCardInfo(_ context.Context, req *sandboxv1.RecordCardCardInfoRequest) (*sandboxv1.RecordCardCardInfoResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.CardCardStat) CardCardStat {
		return CardCardStat{RefDate: r.GetRefDate(), CondSource: int(r.GetCondSource()), CardID: r.GetCardId(),
			CardType: int(r.GetCardType()), CardStats: fromProtoCardStats(r.GetStats())}
	}, x.s.RecordCardCardInfo)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordCardCardInfoResponse{}, nil
}

// RecordMemberCardInfo appends getcardmembercardinfo entries.
func (x *admin) RecordMemberCardInfo(_ context.Context, req *sandboxv1.RecordMemberCardInfoRequest) (*sandboxv1.RecordMemberCardInfoResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.MemberCardStat) MemberCardStat {
		return MemberCardStat{RefDate: r.GetRefDate(), CondSource: int(r.GetCondSource()),
			ViewCnt: r.GetViewCnt(), ViewUser: r.GetViewUser(), ReceiveCnt: r.GetReceiveCnt(), ReceiveUser: r.GetReceiveUser(),
			ActiveUser: r.GetActiveUser(), VerifyCnt: r.GetVerifyCnt(), VerifyUser: r.GetVerifyUser(),
			TotalUser: r.GetTotalUser(), TotalReceiveUser: r.GetTotalReceiveUser()}
	}, x.s.RecordMemberCardInfo)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordMemberCardInfoResponse{}, nil
}

// RecordMemberCardDetail appends getcardmembercarddetail entries.
func (x *admin) RecordMemberCardDetail(_ context.Context, req *sandboxv1.RecordMemberCardDetailRequest) (*sandboxv1.RecordMemberCardDetailResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "ref_date", req.GetRows(), func(r *sandboxv1.MemberCardDetailStat) MemberCardDetailStat {
		return MemberCardDetailStat{RefDate: r.GetRefDate(), MerchantType: int(r.GetMerchantType()), CardID: r.GetCardId(),
			SubMerchantID: r.GetSubMerchantId(), ViewCnt: r.GetViewCnt(), ViewUser: r.GetViewUser(),
			ReceiveCnt: r.GetReceiveCnt(), ReceiveUser: r.GetReceiveUser(), VerifyCnt: r.GetVerifyCnt(), VerifyUser: r.GetVerifyUser(),
			ActiveCnt: r.GetActiveCnt(), ActiveUser: r.GetActiveUser(), TotalUser: r.GetTotalUser(), NewUser: r.GetNewUser(),
			PayOriginalFee: r.GetPayOriginalFee(), Fee: r.GetFee()}
	}, x.s.RecordMemberCardDetail)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordMemberCardDetailResponse{}, nil
}

// RecordPublisherAdPos appends publisher_adpos_general entries.
func (x *admin) RecordPublisherAdPos(_ context.Context, req *sandboxv1.RecordPublisherAdPosRequest) (*sandboxv1.RecordPublisherAdPosResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "date", req.GetRows(), func(r *sandboxv1.PublisherAdPosStat) PublisherAdPosStat {
		return PublisherAdPosStat{SlotID: r.GetSlotId(), AdSlot: r.GetAdSlot(), Date: r.GetDate(),
			ReqSuccCount: r.GetReqSuccCount(), ExposureCount: r.GetExposureCount(), ExposureRate: r.GetExposureRate(),
			ClickCount: r.GetClickCount(), ClickRate: r.GetClickRate(), Income: r.GetIncome(), Ecpm: r.GetEcpm()}
	}, x.s.RecordPublisherAdPos)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordPublisherAdPosResponse{}, nil
}

// RecordPublisherCps appends publisher_cps_general entries.
func (x *admin) RecordPublisherCps(_ context.Context, req *sandboxv1.RecordPublisherCpsRequest) (*sandboxv1.RecordPublisherCpsResponse, error) {
	err := analyticsAdminRows(req.GetAppId(), "date", req.GetRows(), func(r *sandboxv1.PublisherCpsStat) PublisherCpsStat {
		return PublisherCpsStat{Date: r.GetDate(), ExposureCount: r.GetExposureCount(), ClickCount: r.GetClickCount(),
			ClickRate: r.GetClickRate(), OrderCount: r.GetOrderCount(), OrderRate: r.GetOrderRate(),
			TotalFee: r.GetTotalFee(), TotalCommission: r.GetTotalCommission()}
	}, x.s.RecordPublisherCps)
	if err != nil {
		return nil, err
	}
	return &sandboxv1.RecordPublisherCpsResponse{}, nil
}

// SetPublisherSettlement sets the settlement head and appends settlements.
func (x *admin) SetPublisherSettlement(_ context.Context, req *sandboxv1.SetPublisherSettlementRequest) (*sandboxv1.SetPublisherSettlementResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	info := PublisherSettlementInfo{Body: req.GetBody(), RevenueAll: req.GetRevenueAll(), PenaltyAll: req.GetPenaltyAll(),
		SettledRevenueAll: req.GetSettledRevenueAll()}
	rows := make([]PublisherSettlement, len(req.GetRows()))
	for i, r := range req.GetRows() {
		rows[i] = PublisherSettlement{Date: r.GetDate(), Zone: r.GetZone(), Month: r.GetMonth(), Order: int(r.GetOrder()),
			SettStatus: int(r.GetSettStatus()), SettledRevenue: r.GetSettledRevenue(), SettNo: r.GetSettNo(),
			MailSendCnt: r.GetMailSendCnt()}
		for _, sr := range r.GetSlotRevenue() {
			rows[i].SlotRevenue = append(rows[i].SlotRevenue, PublisherSlotRevenue{SlotID: sr.GetSlotId(), SlotSettledRevenue: sr.GetSlotSettledRevenue()})
		}
	}
	if err := x.s.SetPublisherSettlement(req.GetAppId(), info, rows...); err != nil {
		return nil, adminError(err) // its rows name the day "date", as the method does
	}
	return &sandboxv1.SetPublisherSettlementResponse{}, nil
}
