// Package analytics is the analytics service of wxsuite: an official account's
// statistics (数据统计) behind AnalyticsService (proto package wxsuite.analytics.v1) —
// the datacube's user, article, upstream message, callback interface and card
// statistics, and the publisher (流量主) ad statistics.
//
// Every call goes to WeChat through the shared *wechat.Client. Requests are checked
// before anything is sent: dates are "YYYY-MM-DD" days of Asia/Shanghai, begin ≤ end,
// end at most yesterday, begin not before 2014-12-01, and the span within what the
// endpoint allows. A datacube range longer than the platform's maximum span for one
// call (7 days for users, 1 day for hourly data, …) is split into consecutive calls of
// that span, sent in date order, whose lists are concatenated; the whole range may span
// Config.MaxRangeDays (default 366). The week and month message statistics (at most 30
// days) and the publisher statistics are sent as one call.
package analytics
