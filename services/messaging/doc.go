// Package messaging is the callback gateway of wxsuite and the event store behind
// EventService.
//
// # The callback endpoint
//
// messaging.callback_path (default /wechat/callback/{app_id}) is a plain HTTP route on the
// server's port, outside API-key auth: WeChat cannot send a key, so its security is the
// signature. GET is the URL verification (echostr is echoed once signature checks). POST
// is a pushed message or event: plaintext (signature over token, timestamp, nonce) or, with
// encrypt_type=aes, compatible/safe mode (msg_signature over the Encrypt element, then
// AES-256-CBC with the account's EncodingAESKey, falling back to
// previous_encoding_aes_key, and the appid inside the payload must be the account's).
// messaging.accounts.<app_id>.mode can restrict an account to plaintext or to AES. The
// timestamp must be within messaging.replay_window of the server clock; bodies are limited
// to messaging.max_body_bytes. Refusals say only what class of problem it was (401
// unauthorized, 400 malformed message, 413) and are counted in
// wxsuite_callback_requests_total{app_id,type,outcome}.
//
// # Exactly once into the stream
//
// A push is identified by MsgId (messages) or by FromUserName, CreateTime, Event and
// EventKey (events). One Lua script, on keys that share the account's {app_id} hash tag,
// checks the dedup key, appends the typed Event (protobuf) to the account's stream with
// XADD (trimmed by messaging.stream.max_len and max_age) and sets the dedup key (TTL
// messaging.dedup_ttl) to "pending". Only then is WeChat answered (the passive reply of
// the account's ReplyHandler or reply rules, or "success"), and the answer is recorded
// under the dedup key; a retry that finds "pending" waits up to messaging.retry_wait for
// it and gets the same answer. When Redis cannot take the push, the connection is closed
// without an answer, which is what makes WeChat retry: nothing is acknowledged that was
// not stored. With messaging.stream.min_replica_acks set, a push counts as stored only
// once that many replicas have it (Redis WAIT), so a primary failover loses nothing that
// was acknowledged.
//
// # Replies
//
// See reply_rules.go (rules managed by ReplyService), reply_handler.go (a backend's
// ReplyHandlerService, called within messaging.reply_deadline) and reply_late.go (a
// handler's late reply delivered as a customer-service message).
//
// # EventService
//
// Subscribe reads the stream through a consumer group (XREADGROUP, group created on demand
// with MKSTREAM), hands a reconnecting consumer its own pending events first, and claims
// (XAUTOCLAIM) events left unacknowledged longer than messaging.visibility_timeout.
// Filters are applied server-side; events a group filters out are acknowledged for that
// group. ListEvents reads by receive time (XRANGE), GetEvent by id.
package messaging
