// Package sandbox is wxsandbox, an emulator of the WeChat Official Account platform's API
// server (https://api.weixin.qq.com) that every wxsuite test talks to over real HTTP.
//
// It is a second, independent implementation of the protocol: it imports nothing from
// services/ or internal/wechat and follows the documented platform behaviour (see
// shared/wechat/behaviour.md and facts.md), never the behaviour of our own client, so
// that it catches client bugs. Where the platform's behaviour is not documented the
// sandbox makes a choice, says so in a comment and, where it matters, makes it an
// [Options] field.
//
// A [Sandbox] holds simulated accounts and their simulated users, the access tokens and
// tickets it issued, per-API daily quota counters, fault-injection rules and a log of the
// calls it received. Its clock is controllable: [Sandbox.Advance] moves the simulated
// time forward so tests cross the 7200 s token lifetime, the five-minute overlap and the
// Asia/Shanghai midnight quota reset without sleeping.
//
// Web authorization (OAuth2) is emulated end to end: the authorize page, which the real
// platform serves on https://open.weixin.qq.com, is served on the sandbox's base URL
// too (/connect/oauth2/authorize) and redirects at once with a code for the user chosen
// with [Sandbox.SetAuthorizingUser]; the code exchange, refresh, /sns/userinfo and
// /sns/auth follow. Sns (user) access tokens are kept apart from the accounts' /cgi-bin
// tokens, so either used in the other's place gets 40001.
//
// Messages and events go the other way too: [Sandbox.PushMessage], [Sandbox.PushEvent]
// and [Sandbox.PushXML] make a simulated user (or the platform) push XML to an account's
// callback URL as WeChat does — signed with the account's Token, in plain, compatible or
// safe mode (the sandbox's own AES-256-CBC implementation, checked against the official
// vectors: [EncryptMessage], [DecryptMessage], [Signature]), with a 5 s timeout per
// attempt and up to 3 retries carrying the same MsgId — and validate the answer like
// WeChat: "success" or an empty body acknowledges, a valid passive reply lands in the
// user's [Inbox], anything else counts as an invalid reply.
//
// [Sandbox.Handler] serves the emulated WeChat API; [Sandbox.Admin] implements the
// wxsuite.sandbox.v1.SandboxService admin API. Package sandboxtest starts both on a
// loopback server for tests.
//
// Every method of a Sandbox is safe for concurrent use.
package sandbox
