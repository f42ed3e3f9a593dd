// Package guide is the 服务号对话 (advisor) service of wxsuite: advisors (顾问) and their
// QR codes, fast replies, welcome messages, sensitive words and offline reply
// (GuideService); advisor groups (GuideGroupService); buyers bound to advisors and their
// chat records (GuideBuyerService); buyer tags and display tags (GuideTagService); the
// account's shared card, image and text materials (GuideMaterialService); and advisor
// mass-send jobs (GuideMassJobService) — proto package wxsuite.guide.v1, one typed RPC
// for each of the platform's 50 /cgi-bin/guide/* endpoints.
//
// Every request is checked before anything is sent — an advisor named by exactly one of
// guide_account (a WeChat ID) and guide_openid, openids, the 200-buyer bound of batch
// calls, tag names and values, material types, mass job names, remarks, push times and
// materials — and errors name the field path. Calls go through the shared
// *wechat.Client; WeChat errcodes keep their WECHAT_ERRCODE detail, with "no such
// advisor / relation" mapped to NotFound.
//
// Requests are encoded from the proto messages by field name (the messages use the
// platform's JSON names), and answers decoded into the response messages the same way,
// so a field the platform adds is ignored rather than failing the call.
package guide
