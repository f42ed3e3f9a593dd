package sandbox

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// pathPublisherStat is the publisher (流量主) statistics endpoint: GET with action,
// page, page_size, start_date, end_date (and ad_slot) in the query.
const pathPublisherStat = "/publisher/stat"

// Publisher statistics answer errors inside base_resp (ret, err_msg), with the codes of
// the platform's ad APIs (developers.weixin.qq.com, ams error codes).
const (
	// codePublisherParam is a parameter error: unknown action, malformed or too long
	// range, bad page or page_size, unknown ad_slot.
	codePublisherParam = 1701
	// codePublisherInvalid is an account that is not a publisher (流量主): the sandbox
	// treats accounts without recorded publisher data so.
	codePublisherInvalid = 2009
)

// publisherMaxPageSize bounds page_size (sandbox choice: the OA page does not give a
// bound; the platform's agency ad APIs allow 200).
const publisherMaxPageSize = 200

// publisherSpans are the maximum spans in days per action (0: none), from the digest
// (数据统计 › 广告数据分析).
var publisherSpans = map[string]int{
	"publisher_adpos_general": 90,
	"publisher_cps_general":   60,
	"publisher_settlement":    0,
}

// PublisherAdSlots are the ad_slot names of the publisher statistics.
var PublisherAdSlots = []string{"SLOT_ID_BIZ_BOTTOM", "SLOT_ID_BIZ_MID_CONTEXT", "SLOT_ID_BIZ_VIDEO_END", "SLOT_ID_BIZ_SPONSOR", "SLOT_ID_BIZ_CPS"}

// PublisherAdPosStat is one publisher_adpos_general entry: an ad slot on a day.
type PublisherAdPosStat struct {
	// SlotID is the slot's numeric id.
	SlotID int64 `json:"slot_id"`
	// AdSlot is one of PublisherAdSlots.
	AdSlot string `json:"ad_slot"`
	// Date is the day, "YYYY-MM-DD".
	Date          string  `json:"date"`
	ReqSuccCount  int64   `json:"req_succ_count"`
	ExposureCount int64   `json:"exposure_count"`
	ExposureRate  float64 `json:"exposure_rate"`
	ClickCount    int64   `json:"click_count"`
	ClickRate     float64 `json:"click_rate"`
	// Income is in fen.
	Income int64   `json:"income"`
	Ecpm   float64 `json:"ecpm"`
}

// PublisherCpsStat is one publisher_cps_general entry: commission products on a day.
type PublisherCpsStat struct {
	// Date is the day, "YYYY-MM-DD".
	Date          string  `json:"date"`
	ExposureCount int64   `json:"exposure_count"`
	ClickCount    int64   `json:"click_count"`
	ClickRate     float64 `json:"click_rate"`
	OrderCount    int64   `json:"order_count"`
	OrderRate     float64 `json:"order_rate"`
	// TotalFee and TotalCommission are in fen.
	TotalFee        int64 `json:"total_fee"`
	TotalCommission int64 `json:"total_commission"`
}

// PublisherSlotRevenue is one slot's share of a settlement.
type PublisherSlotRevenue struct {
	SlotID             string `json:"slot_id"`
	SlotSettledRevenue int64  `json:"slot_settled_revenue"`
}

// PublisherSettlement is one publisher_settlement settlement_list entry.
type PublisherSettlement struct {
	// Date is the settlement day, "YYYY-MM-DD".
	Date           string                 `json:"date"`
	Zone           string                 `json:"zone"`
	Month          string                 `json:"month"`
	Order          int                    `json:"order"`
	SettStatus     int                    `json:"sett_status"`
	SettledRevenue int64                  `json:"settled_revenue"`
	SettNo         string                 `json:"sett_no"`
	MailSendCnt    string                 `json:"mail_send_cnt"`
	SlotRevenue    []PublisherSlotRevenue `json:"slot_revenue"`
}

// PublisherSettlementInfo is the head of the publisher_settlement answer.
type PublisherSettlementInfo struct {
	// Body is the settling entity's name (主体名称).
	Body              string `json:"body"`
	RevenueAll        int64  `json:"revenue_all"`
	PenaltyAll        int64  `json:"penalty_all"`
	SettledRevenueAll int64  `json:"settled_revenue_all"`
}

// RecordPublisherAdPos records publisher_adpos_general entries of the account appID
// and makes it a publisher (流量主). The error wraps [ErrUnknownAccount] or is an
// [*ArgumentError] (malformed date, unknown ad_slot).
func (s *Sandbox) RecordPublisherAdPos(appID string, rows ...PublisherAdPosStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x PublisherAdPosStat) string { return x.Date }), func() error {
		for i, r := range rows {
			if !slices.Contains(PublisherAdSlots, r.AdSlot) {
				return &ArgumentError{Field: fmt.Sprintf("rows[%d].ad_slot", i), Reason: "must be one of " + strings.Join(PublisherAdSlots, ", ")}
			}
		}
		return nil
	}, func(st *analyticsState) {
		st.publisherEnabled = true
		st.publisherAdPos = append(st.publisherAdPos, rows...)
	})
}

// RecordPublisherCps records publisher_cps_general entries of the account appID and
// makes it a publisher. The error wraps [ErrUnknownAccount] or is an [*ArgumentError]
// (malformed date).
func (s *Sandbox) RecordPublisherCps(appID string, rows ...PublisherCpsStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x PublisherCpsStat) string { return x.Date }), nil, func(st *analyticsState) {
		st.publisherEnabled = true
		st.publisherCps = append(st.publisherCps, rows...)
	})
}

// SetPublisherSettlement sets the settlement head of the account appID, appends rows
// to its settlements and makes it a publisher. The error wraps [ErrUnknownAccount] or
// is an [*ArgumentError] (malformed date).
func (s *Sandbox) SetPublisherSettlement(appID string, info PublisherSettlementInfo, rows ...PublisherSettlement) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x PublisherSettlement) string { return x.Date }), nil, func(st *analyticsState) {
		st.publisherEnabled = true
		st.publisherSettleOf = info
		for _, r := range rows {
			r.SlotRevenue = slices.Clone(r.SlotRevenue)
			if r.SlotRevenue == nil {
				r.SlotRevenue = []PublisherSlotRevenue{}
			}
			st.publisherSettle = append(st.publisherSettle, r)
		}
	})
}

// publisherBaseResp is the status of every publisher/stat answer.
type publisherBaseResp struct {
	ErrMsg string `json:"err_msg"`
	Ret    int    `json:"ret"`
}

// publisherFail is a publisher/stat error answer.
func publisherFail(ret int, msg string) answer {
	return succeed(struct {
		BaseResp publisherBaseResp `json:"base_resp"`
	}{publisherBaseResp{ErrMsg: msg, Ret: ret}})
}

// publisherQuery is a checked publisher/stat query.
type publisherQuery struct {
	action         string
	page, pageSize int
	r              analyticsRange
	adSlot         string
}

// parsePublisherQuery checks the query of publisher/stat; msg says what is wrong.
func parsePublisherQuery(get func(string) string) (publisherQuery, string) {
	q := publisherQuery{action: get("action"), adSlot: get("ad_slot")}
	span, ok := publisherSpans[q.action]
	if !ok {
		return q, "invalid action"
	}
	var err error
	if q.page, err = strconv.Atoi(get("page")); err != nil || q.page < 1 {
		return q, "invalid page"
	}
	if q.pageSize, err = strconv.Atoi(get("page_size")); err != nil || q.pageSize < 1 || q.pageSize > publisherMaxPageSize {
		return q, "invalid page_size"
	}
	b, ok1 := parseAnalyticsDate(get("start_date"))
	e, ok2 := parseAnalyticsDate(get("end_date"))
	if !ok1 || !ok2 || b.After(e) {
		return q, "invalid start_date or end_date"
	}
	if span > 0 && int(e.Sub(b).Hours()/24)+1 > span {
		return q, "date range too long"
	}
	if q.adSlot != "" && (q.action != "publisher_adpos_general" || !slices.Contains(PublisherAdSlots, q.adSlot)) {
		return q, "invalid ad_slot"
	}
	q.r = analyticsRange{begin: get("start_date"), end: get("end_date")}
	return q, ""
}

// publisherPage returns page p (1-based) of rows of size n.
func publisherPage[T any](rows []T, p, n int) []T {
	lo := min((p-1)*n, len(rows))
	hi := min(lo+n, len(rows))
	out := make([]T, 0, hi-lo)
	return append(out, rows[lo:hi]...)
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// servePublisherStat answers publisher/stat: rows in the range by date descending (and
// slot ascending), one page of them, and the range's summary.
func servePublisherStat(s *Sandbox, c *apiCall) answer {
	q, msg := parsePublisherQuery(c.q.Get)
	if msg != "" {
		return publisherFail(codePublisherParam, msg)
	}
	st := &c.a.analytics
	if !st.publisherEnabled {
		return publisherFail(codePublisherInvalid, "invalid publisher")
	}
	ok := publisherBaseResp{ErrMsg: "ok"}
	desc := func(a, b string) int { return strings.Compare(b, a) }
	switch q.action {
	case "publisher_adpos_general":
		rows := analyticsFilter(st.publisherAdPos, q.r, func(x PublisherAdPosStat) string {
			if q.adSlot != "" && x.AdSlot != q.adSlot {
				return ""
			}
			return x.Date
		})
		slices.SortStableFunc(rows, func(a, b PublisherAdPosStat) int {
			if c := desc(a.Date, b.Date); c != 0 {
				return c
			}
			return int(a.SlotID - b.SlotID)
		})
		var sum PublisherAdPosStat
		for _, r := range rows {
			sum.ReqSuccCount += r.ReqSuccCount
			sum.ExposureCount += r.ExposureCount
			sum.ClickCount += r.ClickCount
			sum.Income += r.Income
		}
		return succeed(struct {
			BaseResp publisherBaseResp    `json:"base_resp"`
			List     []PublisherAdPosStat `json:"list"`
			Summary  any                  `json:"summary"`
			TotalNum int                  `json:"total_num"`
		}{ok, publisherPage(rows, q.page, q.pageSize), map[string]any{
			"req_succ_count": sum.ReqSuccCount, "exposure_count": sum.ExposureCount,
			"exposure_rate": ratio(sum.ExposureCount, sum.ReqSuccCount), "click_count": sum.ClickCount,
			"click_rate": ratio(sum.ClickCount, sum.ExposureCount), "income": sum.Income,
			"ecpm": ratio(sum.Income*1000, sum.ExposureCount),
		}, len(rows)})
	case "publisher_cps_general":
		rows := analyticsFilter(st.publisherCps, q.r, func(x PublisherCpsStat) string { return x.Date })
		slices.SortStableFunc(rows, func(a, b PublisherCpsStat) int { return desc(a.Date, b.Date) })
		var sum PublisherCpsStat
		for _, r := range rows {
			sum.ExposureCount += r.ExposureCount
			sum.ClickCount += r.ClickCount
			sum.OrderCount += r.OrderCount
			sum.TotalFee += r.TotalFee
			sum.TotalCommission += r.TotalCommission
		}
		return succeed(struct {
			BaseResp publisherBaseResp  `json:"base_resp"`
			List     []PublisherCpsStat `json:"list"`
			Summary  any                `json:"summary"`
			TotalNum int                `json:"total_num"`
		}{ok, publisherPage(rows, q.page, q.pageSize), map[string]any{
			"exposure_count": sum.ExposureCount, "click_count": sum.ClickCount,
			"click_rate": ratio(sum.ClickCount, sum.ExposureCount), "order_count": sum.OrderCount,
			"order_rate": ratio(sum.OrderCount, sum.ClickCount), "total_fee": sum.TotalFee,
			"total_commission": sum.TotalCommission,
		}, len(rows)})
	}
	rows := analyticsFilter(st.publisherSettle, q.r, func(x PublisherSettlement) string { return x.Date })
	slices.SortStableFunc(rows, func(a, b PublisherSettlement) int { return desc(a.Date, b.Date) })
	info := st.publisherSettleOf
	return succeed(struct {
		BaseResp          publisherBaseResp     `json:"base_resp"`
		Body              string                `json:"body"`
		PenaltyAll        int64                 `json:"penalty_all"`
		RevenueAll        int64                 `json:"revenue_all"`
		SettledRevenueAll int64                 `json:"settled_revenue_all"`
		SettlementList    []PublisherSettlement `json:"settlement_list"`
		TotalNum          int                   `json:"total_num"`
	}{ok, info.Body, info.PenaltyAll, info.RevenueAll, info.SettledRevenueAll, publisherPage(rows, q.page, q.pageSize), len(rows)})
}
