package sandbox

import (
	"fmt"
	"slices"
	"strings"
)

// ArticleReadStats are the read, share and favourite counters of the article
// statistics (datacube getarticlesummary, getarticletotal, getuserread*).
type ArticleReadStats struct {
	IntPageReadUser  int64 `json:"int_page_read_user"`
	IntPageReadCount int64 `json:"int_page_read_count"`
	OriPageReadUser  int64 `json:"ori_page_read_user"`
	OriPageReadCount int64 `json:"ori_page_read_count"`
	ShareUser        int64 `json:"share_user"`
	ShareCount       int64 `json:"share_count"`
	AddToFavUser     int64 `json:"add_to_fav_user"`
	AddToFavCount    int64 `json:"add_to_fav_count"`
}

// ArticleSummaryStat is one getarticlesummary entry: an article's counters on RefDate.
type ArticleSummaryStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// MsgID is "<msg_data_id>_<index>".
	MsgID string `json:"msgid"`
	// Title is the article's title.
	Title string `json:"title"`
	ArticleReadStats
}

// ArticleTotalDetail is one day of an article's running totals (getarticletotal
// details).
type ArticleTotalDetail struct {
	// StatDate is the day the totals run to, "YYYY-MM-DD".
	StatDate string `json:"stat_date"`
	// TargetUser is how many users the mass send reached.
	TargetUser int64 `json:"target_user"`
	ArticleReadStats
	IntPageFromSessionReadUser  int64 `json:"int_page_from_session_read_user"`
	IntPageFromSessionReadCount int64 `json:"int_page_from_session_read_count"`
	IntPageFromHistMsgReadUser  int64 `json:"int_page_from_hist_msg_read_user"`
	IntPageFromHistMsgReadCount int64 `json:"int_page_from_hist_msg_read_count"`
	IntPageFromFeedReadUser     int64 `json:"int_page_from_feed_read_user"`
	IntPageFromFeedReadCount    int64 `json:"int_page_from_feed_read_count"`
	IntPageFromFriendsReadUser  int64 `json:"int_page_from_friends_read_user"`
	IntPageFromFriendsReadCount int64 `json:"int_page_from_friends_read_count"`
	IntPageFromOtherReadUser    int64 `json:"int_page_from_other_read_user"`
	IntPageFromOtherReadCount   int64 `json:"int_page_from_other_read_count"`
	FeedShareFromSessionUser    int64 `json:"feed_share_from_session_user"`
	FeedShareFromSessionCnt     int64 `json:"feed_share_from_session_cnt"`
	FeedShareFromFeedUser       int64 `json:"feed_share_from_feed_user"`
	FeedShareFromFeedCnt        int64 `json:"feed_share_from_feed_cnt"`
	FeedShareFromOtherUser      int64 `json:"feed_share_from_other_user"`
	FeedShareFromOtherCnt       int64 `json:"feed_share_from_other_cnt"`
}

// ArticleTotalStat is one getarticletotal entry: an article mass-sent on RefDate.
type ArticleTotalStat struct {
	// RefDate is the day the article was sent, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// MsgID is "<msg_data_id>_<index>".
	MsgID string `json:"msgid"`
	// Title is the article's title.
	Title string `json:"title"`
	// Details are the running totals, at most 7.
	Details []ArticleTotalDetail `json:"details"`
}

// UserReadStat is one getuserread (Hourly false) or getuserreadhour (Hourly true)
// entry.
type UserReadStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// Hourly selects getuserreadhour; RefHour is then the hour as hhmm (0 … 2300).
	Hourly  bool `json:"-"`
	RefHour int  `json:"ref_hour"`
	// UserSource is where the reads came from (0 chats, 1 Moments, 2 Moments shares,
	// 3 history, 4 other, 5 search, 6 Look, 99999999 all).
	UserSource int `json:"user_source"`
	ArticleReadStats
}

func (x UserReadStat) day(hourly bool) string {
	if x.Hourly != hourly {
		return ""
	}
	return x.RefDate
}

// UserShareStat is one getusershare (Hourly false) or getusersharehour (Hourly true)
// entry.
type UserShareStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// Hourly selects getusersharehour; RefHour is then the hour as hhmm (0 … 2300).
	Hourly  bool `json:"-"`
	RefHour int  `json:"ref_hour"`
	// ShareScene is 1 to a friend, 2 to Moments, 255 other.
	ShareScene int   `json:"share_scene"`
	ShareCount int64 `json:"share_count"`
	ShareUser  int64 `json:"share_user"`
}

func (x UserShareStat) day(hourly bool) string {
	if x.Hourly != hourly {
		return ""
	}
	return x.RefDate
}

// CardStats are the counters of getcardbizuininfo and getcardcardinfo.
type CardStats struct {
	ViewCnt     int64 `json:"view_cnt"`
	ViewUser    int64 `json:"view_user"`
	ReceiveCnt  int64 `json:"receive_cnt"`
	ReceiveUser int64 `json:"receive_user"`
	VerifyCnt   int64 `json:"verify_cnt"`
	VerifyUser  int64 `json:"verify_user"`
	GivenCnt    int64 `json:"given_cnt"`
	GivenUser   int64 `json:"given_user"`
	ExpireCnt   int64 `json:"expire_cnt"`
	ExpireUser  int64 `json:"expire_user"`
}

// CardBizUinStat is one getcardbizuininfo entry.
type CardBizUinStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// CondSource is 0 for console-created cards, 1 for API-created ones.
	CondSource int `json:"-"`
	CardStats
}

// CardCardStat is one getcardcardinfo entry.
type CardCardStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// CondSource is 0 for console-created cards, 1 for API-created ones.
	CondSource int    `json:"-"`
	CardID     string `json:"card_id"`
	CardType   int    `json:"card_type"`
	CardStats
}

// MemberCardStat is one getcardmembercardinfo entry.
type MemberCardStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// CondSource is 0 for console-created cards, 1 for API-created ones.
	CondSource       int   `json:"-"`
	ViewCnt          int64 `json:"view_cnt"`
	ViewUser         int64 `json:"view_user"`
	ReceiveCnt       int64 `json:"receive_cnt"`
	ReceiveUser      int64 `json:"receive_user"`
	ActiveUser       int64 `json:"active_user"`
	VerifyCnt        int64 `json:"verify_cnt"`
	VerifyUser       int64 `json:"verify_user"`
	TotalUser        int64 `json:"total_user"`
	TotalReceiveUser int64 `json:"total_receive_user"`
}

// MemberCardDetailStat is one getcardmembercarddetail entry.
type MemberCardDetailStat struct {
	// RefDate is the day, "YYYY-MM-DD".
	RefDate string `json:"ref_date"`
	// MerchantType is 1 for the account's own card, 2 for a sub-merchant's.
	MerchantType int `json:"merchanttype"`
	// CardID is the member card.
	CardID         string `json:"cardid"`
	SubMerchantID  int64  `json:"submerchantid"`
	ViewCnt        int64  `json:"view_cnt"`
	ViewUser       int64  `json:"view_user"`
	ReceiveCnt     int64  `json:"receive_cnt"`
	ReceiveUser    int64  `json:"receive_user"`
	VerifyCnt      int64  `json:"verify_cnt"`
	VerifyUser     int64  `json:"verify_user"`
	ActiveCnt      int64  `json:"active_cnt"`
	ActiveUser     int64  `json:"active_user"`
	TotalUser      int64  `json:"total_user"`
	NewUser        int64  `json:"new_user"`
	PayOriginalFee int64  `json:"payOriginalFee"`
	Fee            int64  `json:"fee"`
}

// analyticsRecord checks every date of a recording, then runs add on the account's
// state with s.mu held.
func (s *Sandbox) analyticsRecord(appID string, dates []string, check func() error, add func(st *analyticsState)) error {
	for i, d := range dates {
		if _, ok := parseAnalyticsDate(d); !ok {
			return &ArgumentError{Field: fmt.Sprintf("rows[%d].date", i), Reason: "must be a YYYY-MM-DD day"}
		}
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	add(&a.analytics)
	return nil
}

func analyticsDates[T any](rows []T, date func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = date(r)
	}
	return out
}

func analyticsNeed(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	return nil
}

func analyticsCondSource(i, v int) error {
	if v != 0 && v != 1 {
		return &ArgumentError{Field: fmt.Sprintf("rows[%d].cond_source", i), Reason: "must be 0 (console cards) or 1 (API cards)"}
	}
	return nil
}

func analyticsHour(i int, hourly bool, h int) error {
	if hourly && (h < 0 || h > 2300 || h%100 != 0) || !hourly && h != 0 {
		return &ArgumentError{Field: fmt.Sprintf("rows[%d].ref_hour", i), Reason: "must be 0, 100, … 2300 in hourly rows and 0 otherwise"}
	}
	return nil
}

// RecordArticleSummary records getarticlesummary entries of the account appID (the
// sandbox has no article reads of its own). Rows are appended. The error wraps
// [ErrUnknownAccount] or is an [*ArgumentError] (malformed date, missing msgid).
func (s *Sandbox) RecordArticleSummary(appID string, rows ...ArticleSummaryStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x ArticleSummaryStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsNeed(fmt.Sprintf("rows[%d].msgid", i), r.MsgID); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.articleSummary = append(st.articleSummary, rows...) })
}

// RecordArticleTotal records getarticletotal entries of the account appID. Rows are
// appended. The error wraps [ErrUnknownAccount] or is an [*ArgumentError] (malformed
// date, missing msgid, more than 7 details).
func (s *Sandbox) RecordArticleTotal(appID string, rows ...ArticleTotalStat) error {
	var dates []string
	for _, r := range rows {
		dates = append(dates, r.RefDate)
		for _, d := range r.Details {
			dates = append(dates, d.StatDate)
		}
	}
	return s.analyticsRecord(appID, dates, func() error {
		for i, r := range rows {
			if err := analyticsNeed(fmt.Sprintf("rows[%d].msgid", i), r.MsgID); err != nil {
				return err
			}
			if len(r.Details) > 7 {
				return &ArgumentError{Field: fmt.Sprintf("rows[%d].details", i), Reason: "must hold at most 7 days"}
			}
		}
		return nil
	}, func(st *analyticsState) {
		for _, r := range rows {
			r.Details = slices.Clone(r.Details)
			if r.Details == nil {
				r.Details = []ArticleTotalDetail{}
			}
			st.articleTotal = append(st.articleTotal, r)
		}
	})
}

// RecordUserRead records getuserread (Hourly false) and getuserreadhour (Hourly true)
// entries of the account appID. The error wraps [ErrUnknownAccount] or is an
// [*ArgumentError] (malformed date or hour).
func (s *Sandbox) RecordUserRead(appID string, rows ...UserReadStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x UserReadStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsHour(i, r.Hourly, r.RefHour); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.userRead = append(st.userRead, rows...) })
}

// RecordUserShare records getusershare (Hourly false) and getusersharehour (Hourly
// true) entries of the account appID. The error wraps [ErrUnknownAccount] or is an
// [*ArgumentError] (malformed date or hour).
func (s *Sandbox) RecordUserShare(appID string, rows ...UserShareStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x UserShareStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsHour(i, r.Hourly, r.RefHour); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.userShare = append(st.userShare, rows...) })
}

// RecordCardBizUinInfo records getcardbizuininfo entries of the account appID. The
// error wraps [ErrUnknownAccount] or is an [*ArgumentError] (malformed date, cond_source
// not 0 or 1).
func (s *Sandbox) RecordCardBizUinInfo(appID string, rows ...CardBizUinStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x CardBizUinStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsCondSource(i, r.CondSource); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.cardBizUin = append(st.cardBizUin, rows...) })
}

// RecordCardCardInfo records getcardcardinfo entries of the account appID. The error
// wraps [ErrUnknownAccount] or is an [*ArgumentError] (malformed date, cond_source not
// 0 or 1, missing card_id).
func (s *Sandbox) RecordCardCardInfo(appID string, rows ...CardCardStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x CardCardStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsCondSource(i, r.CondSource); err != nil {
				return err
			}
			if err := analyticsNeed(fmt.Sprintf("rows[%d].card_id", i), r.CardID); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.cardCard = append(st.cardCard, rows...) })
}

// RecordMemberCardInfo records getcardmembercardinfo entries of the account appID. The
// error wraps [ErrUnknownAccount] or is an [*ArgumentError] (malformed date,
// cond_source not 0 or 1).
func (s *Sandbox) RecordMemberCardInfo(appID string, rows ...MemberCardStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x MemberCardStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsCondSource(i, r.CondSource); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.memberCard = append(st.memberCard, rows...) })
}

// RecordMemberCardDetail records getcardmembercarddetail entries of the account
// appID. The error wraps [ErrUnknownAccount] or is an [*ArgumentError] (malformed
// date, missing cardid).
func (s *Sandbox) RecordMemberCardDetail(appID string, rows ...MemberCardDetailStat) error {
	return s.analyticsRecord(appID, analyticsDates(rows, func(x MemberCardDetailStat) string { return x.RefDate }), func() error {
		for i, r := range rows {
			if err := analyticsNeed(fmt.Sprintf("rows[%d].cardid", i), r.CardID); err != nil {
				return err
			}
		}
		return nil
	}, func(st *analyticsState) { st.memberCardDetail = append(st.memberCardDetail, rows...) })
}

// serveAnalyticsCard answers the card statistics (getcard*) for the checked range r.
func serveAnalyticsCard(st *analyticsState, path string, r analyticsRange, req analyticsRequest) answer {
	if path == "/datacube/getcardmembercarddetail" {
		// The card is required; the platform does not document the errcode of a missing
		// one, so the sandbox answers the generic 41011 (behaviour.md §0).
		if req.CardID == "" {
			return fail(codeMissingFields)
		}
		rows := analyticsFilter(st.memberCardDetail, r, func(x MemberCardDetailStat) string {
			if x.CardID != req.CardID {
				return ""
			}
			return x.RefDate
		})
		return succeed(analyticsList{List: rows})
	}
	// cond_source is required (0 or 1): missing is 41011 and any other value 40097, the
	// conventions of behaviour.md §0 (the platform documents no code).
	if req.CondSource == nil {
		return fail(codeMissingFields)
	}
	src := *req.CondSource
	if src != 0 && src != 1 {
		return fail(codeInvalidArgs)
	}
	var list any
	switch path {
	case "/datacube/getcardbizuininfo":
		list = analyticsFilter(st.cardBizUin, r, func(x CardBizUinStat) string {
			if x.CondSource != src {
				return ""
			}
			return x.RefDate
		})
	case "/datacube/getcardcardinfo":
		list = analyticsFilter(st.cardCard, r, func(x CardCardStat) string {
			if x.CondSource != src || (req.CardID != "" && x.CardID != req.CardID) {
				return ""
			}
			return x.RefDate
		})
	case "/datacube/getcardmembercardinfo":
		list = analyticsFilter(st.memberCard, r, func(x MemberCardStat) string {
			if x.CondSource != src {
				return ""
			}
			return x.RefDate
		})
	}
	return succeed(analyticsList{List: list})
}
