// Package nontax is the 非税缴费 (non-tax payments) service of wxsuite: receivables,
// payment orders (unifiedorder, micropay), order queries, refunds, daily statements and
// the platform's test notifications (NontaxPaymentService), the vehicle-owner service
// for parking and highway deductions (NontaxVehicleService), and the payer's client IP
// and real-name identity (NontaxIdentityService), in proto package wxsuite.nontax.v1.
//
// Every call goes to WeChat through the shared *wechat.Client (token injection, refresh
// on 40001, retries of idempotent calls, WECHAT_ERRCODE details). The platform's body
// field appid is filled from the request's app_id. Requests are checked before anything
// is sent: required fields, money as positive integer fen, dates as YYYYMMDD, region
// codes, scenes, URLs, IP addresses, payment codes and order numbers; errors name the
// field path. The non-tax calls carry the account's access_token only: the platform
// does not sign them, so the service needs no merchant key.
package nontax
