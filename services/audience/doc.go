// Package audience is the audience service of wxsuite: an official account's followers
// (profiles, the follower list as pages or as one stream, remarks), tags, blacklist,
// parametric QR codes and short keys, behind UserService, TagService, BlacklistService,
// QRCodeService and ShortKeyService (proto package wxsuite.audience.v1).
//
// Every call goes to WeChat through the shared *wechat.Client (token injection, refresh
// on 40001, retries, WECHAT_ERRCODE details). Requests are checked before anything is
// sent: openids (1 to 64 characters of [A-Za-z0-9_-]), non-empty batches, tag names,
// scene ids and strings, expiries and data sizes; errors name the field path. Batches
// larger than the platform's per-call limit (100 profiles, 50 tag changes, 20 blacklist
// changes) are split and sent in order; a failed call reports how far the batch got.
//
// StreamFollowers pages through user/get with one page fetched ahead of the one being
// sent, so a stream over any number of followers holds at most two pages (about 20,000
// openids) in memory.
package audience
