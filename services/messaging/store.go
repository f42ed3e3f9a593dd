package messaging

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// keys builds every Redis key of one account. The account sits in a hash tag, {app_id},
// so that the stream and the dedup keys share a Redis Cluster slot (the accept script
// touches both). The keys used on every push are built once (newKeys).
type keys struct {
	base   string // prefix:{app_id}:
	events string // the stream
	replyH string // the reply hash
}

// newKeys returns the keys of the account appID under prefix.
func newKeys(prefix, appID string) keys {
	base := prefix + ":{" + appID + "}:"
	return keys{base: base, events: base + "events", replyH: base + "reply"}
}

// stream is the account's event stream.
func (k keys) stream() string { return k.events }

// dedup is the key remembering one push (see dedupID).
func (k keys) dedup(id string) string { return k.base + "dedup:" + id }

// reply is the account's reply hash: rule set, registered ReplyHandler, version.
func (k keys) reply() string { return k.replyH }

// window is the hash of a user's customer-service window, the Sender's
// out:win:<openid> (Sender.key).
func (k keys) window(openID string) string { return k.base + "out:win:" + openID }

// location is the hash holding a user's last LOCATION report. The openid is hashed, as
// in dedup keys, to keep it out of key names.
func (k keys) location(openID string) string {
	sum := sha256.Sum256([]byte(openID))
	return k.base + "location:" + hex.EncodeToString(sum[:16])
}

// Stream entry fields. The event itself is protobuf bytes; the others serve filtering
// without decoding it.
const (
	fieldEvent      = "e"
	fieldType       = "t"
	fieldOpenID     = "o"
	fieldCreateTime = "c"
	// fieldWindow is "1" when the accept script recorded the event in the user's
	// customer-service window.
	fieldWindow = "w"
)

// Values of a dedup key: pendingMark + stream id while the first attempt is being
// answered, answerMark + the answer afterwards.
const (
	pendingMark = "p"
	answerMark  = "a:"
)

// dedupID identifies a push across WeChat's retries: MsgId for messages; FromUserName,
// CreateTime, Event and EventKey for events (WeChat documents FromUserName + CreateTime;
// Event and EventKey separate distinct events of one user within a second); for anything
// else (a message without MsgId), the message XML. Hashes keep openids out of key names.
func dedupID(x *pushXML, raw []byte) string {
	if x.MsgType != "event" {
		if id := toInt64(x.MsgId); id != 0 {
			return "m:" + strconv.FormatInt(id, 10)
		}
		sum := sha256.Sum256(raw)
		return "x:" + hex.EncodeToString(sum[:16])
	}
	h := sha256.New()
	parts := []string{x.FromUserName, strings.TrimSpace(x.CreateTime), x.Event, x.EventKey}
	if id := strings.TrimSpace(x.MsgID); id != "" {
		// MsgID separates job-finish events (TEMPLATESENDJOBFINISH, MASSSENDJOBFINISH) of
		// one user within a second; their retries carry the same MsgID.
		parts = append(parts, id)
	}
	for _, f := range eventIdentity(x) {
		// Present only in the events they identify (a user can get two cards, or an
		// invoice can change status twice, within one second); retries carry them too.
		// Absent ones add nothing, so the ids of other events are unchanged.
		if v := strings.TrimSpace(f.value); v != "" {
			parts = append(parts, f.name+"="+v)
		}
	}
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "e:" + hex.EncodeToString(h.Sum(nil)[:16])
}

// eventIdentity lists the fields that tell apart distinct events of one user, type and
// second: the card, code, order, store and status of card, invoice, store and payment
// events.
func eventIdentity(x *pushXML) []struct{ name, value string } {
	return []struct{ name, value string }{
		{"CardId", x.CardID}, {"UserCardCode", x.UserCardCode}, {"Code", x.Code},
		{"OrderId", x.OrderID}, {"SuccOrderId", x.SuccOrderID}, {"FailOrderId", x.FailOrderID},
		{"TransId", x.TransID}, {"PoiId", x.PoiID}, {"UniqId", x.UniqID}, {"Status", x.Status},
	}
}

// acceptScript records a push exactly once: when its dedup key (KEYS[1]) is absent it
// appends the event to the stream (KEYS[2]), trims the stream by length (and by age when
// ARGV[3] is not empty), sets the dedup key and applies the push to the user's location
// hash (KEYS[4]: a LOCATION report is stored there, an unsubscribe deletes it), all in
// one atomic script, so that a crash can neither store a push twice nor mark it seen
// without storing it.
//
// The dedup key gets the answer ARGV[12] ("a:" + answer) when the caller computed one from
// the reply state of version ARGV[11] and that is still the version of the account's reply
// hash (KEYS[3]): the push is then stored and answered in one round trip. Otherwise it
// gets "p" + stream id (pending) and the caller records the answer later (setAnswer).
//
// When ARGV[13] is not empty the push is a user's interaction: the user's
// customer-service window hash (KEYS[5], the Sender's out:win:<openid>) gets its time
// ARGV[13] (unix ms, kept when an earlier-dated push comes later), type and unsubscribe
// flag ARGV[14], TTL ARGV[15] (ms), as the Sender's outNoteInteraction does, and the
// stream entry is marked (field w) so that the Sender does not record it again.
//
// It returns {1, id, v, recorded} for a new push and {0, value of the dedup key, v, 0} for
// a retry, where v is the version of the reply hash ("0" when none) and recorded is 1
// when ARGV[12] was stored.
//
// ARGV: dedup TTL (ms), max_len, minimum id kept (max_age; "" skips the age trim), event
// bytes, type, openid, create_time, location operation ("", "set" or "del"), location
// bytes, location TTL (ms), the reply version the answer was computed at, the answer ("":
// none), the interaction time ("": not an interaction), unsubscribe ("0"/"1"), window TTL.
var acceptScript = redis.NewScript(`
local v = redis.call('HGET', KEYS[3], 'v') or '0'
local seen = redis.call('GET', KEYS[1])
if seen then return {0, seen, v, 0} end
local id
if ARGV[13] ~= '' then
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[4], 't', ARGV[5], 'o', ARGV[6], 'c', ARGV[7], 'w', '1')
  local last = tonumber(redis.call('HGET', KEYS[5], 'last') or '0')
  if tonumber(ARGV[13]) >= last then
    redis.call('HSET', KEYS[5], 'last', ARGV[13], 'type', ARGV[5], 'unsub', ARGV[14])
    redis.call('PEXPIRE', KEYS[5], ARGV[15])
  end
else
  id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[4], 't', ARGV[5], 'o', ARGV[6], 'c', ARGV[7])
end
if ARGV[3] ~= '' then
  redis.call('XTRIM', KEYS[2], 'MINID', '~', ARGV[3])
end
local recorded = 0
if ARGV[12] ~= '' and ARGV[11] == v then
  redis.call('SET', KEYS[1], 'a:' .. ARGV[12], 'PX', ARGV[1])
  recorded = 1
else
  redis.call('SET', KEYS[1], 'p' .. id, 'PX', ARGV[1])
end
if ARGV[8] == 'set' then
  redis.call('HSET', KEYS[4], 'd', ARGV[9], 'i', id)
  redis.call('PEXPIRE', KEYS[4], ARGV[10])
elseif ARGV[8] == 'del' then
  redis.call('DEL', KEYS[4])
end
return {1, id, v, recorded}
`)

// appendResult is the outcome of storeEvent.
type appendResult struct {
	// ID is the stream id of a new event.
	ID string
	// Duplicate is set for a push stored before; Seen is its dedup value.
	Duplicate bool
	Seen      string
	// ReplyVersion is the version of the account's reply hash (0: none).
	ReplyVersion int64
	// Recorded is set when the precomputed answer was stored as the push's answer.
	Recorded bool
}

// precomputed is an answer computed before the push is stored, from the cached reply state
// of version; the accept script records it when that version is still current.
type precomputed struct {
	version int64
	answer  []byte // nil: none
}

// storeEvent appends ev to the account's stream unless the push was stored before, and
// records pre.answer as its answer when pre.version is the reply hash's version.
func (s *Service) storeEvent(ctx context.Context, acc *account, ev *messagingv1.Event, dedup string, pre precomputed) (appendResult, error) {
	data, err := proto.Marshal(ev)
	if err != nil {
		return appendResult{}, fmt.Errorf("%w: %w", ErrBadXML, err)
	}
	now := s.now()
	minID := ""
	if sec := now.Unix(); acc.lastAgeTrim.Load() != sec && acc.lastAgeTrim.Swap(sec) != sec {
		// Trimming by age once a second keeps the stream within max_age to the second
		// without an XTRIM per push.
		minID = strconv.FormatInt(now.Add(-s.cfg.Stream.MaxAge.Std()).UnixMilli(), 10)
	}
	locKey, locOp, locData, err := locationUpdate(acc, ev)
	if err != nil {
		return appendResult{}, err
	}
	replyKey := acc.keys.reply()
	if locKey == "" {
		locKey = replyKey // unused by the script; any key of the account's slot
	}
	winKey, winAt, winUnsub := replyKey, "", "0" // replyKey: unused, of the account's slot
	if at, unsub, ok := userInteraction(ev, now); ok {
		winKey, winAt = acc.keys.window(ev.GetFromUserName()), strconv.FormatInt(at.UnixMilli(), 10)
		if unsub {
			winUnsub = "1"
		}
	}
	res, err := s.runAccept(ctx, []string{acc.keys.dedup(dedup), acc.keys.stream(), replyKey, locKey, winKey},
		s.cfg.DedupTTL.Std().Milliseconds(), s.cfg.Stream.MaxLen, minID, data,
		ev.GetType(), ev.GetFromUserName(), ev.GetCreateTime().GetSeconds(),
		locOp, locData, s.cfg.LocationTTL.Std().Milliseconds(),
		strconv.FormatInt(pre.version, 10), pre.answer, winAt, winUnsub, s.windowTTL.Milliseconds())
	if err != nil {
		if minID != "" {
			acc.lastAgeTrim.Store(0) // the next push trims
		}
		return appendResult{}, &StoreError{AppID: acc.appID, Op: "append event", Err: err}
	}
	if len(res) != 4 {
		return appendResult{}, &StoreError{AppID: acc.appID, Op: "append event", Err: errors.New("unexpected script result")}
	}
	fresh, _ := res[0].(int64)
	val, _ := res[1].(string)
	ver, _ := res[2].(string)
	recorded, _ := res[3].(int64)
	version, _ := strconv.ParseInt(ver, 10, 64)
	if fresh == 1 {
		return appendResult{ID: val, ReplyVersion: version, Recorded: recorded == 1}, nil
	}
	return appendResult{Duplicate: true, Seen: val, ReplyVersion: version}, nil
}

// errReplicaAcks is the cause of a push the primary took but too few replicas confirmed.
var errReplicaAcks = errors.New("too few replicas acknowledged the append (messaging.stream.min_replica_acks)")

// runAccept runs acceptScript, pipelined with the scripts of concurrent pushes
// (accept_batch.go). With stream.min_replica_acks it sends WAIT right after the
// script on the same connection (one pipeline to the primary that owns the account's
// slot) and fails unless enough replicas have the append, so that a failover cannot
// lose a push that WeChat was told is stored.
func (s *Service) runAccept(ctx context.Context, keys []string, args ...any) ([]any, error) {
	n := s.cfg.Stream.MinReplicaAcks
	if n <= 0 {
		return s.acceptPipelined(ctx, keys, args)
	}
	var c redis.Cmdable = s.rdb
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		// A cluster pipeline routes WAIT (which has no key) to any node: send both to
		// the master of the account's slot instead.
		master, err := cc.MasterForKey(ctx, keys[0])
		if err != nil {
			return nil, err
		}
		c = master
	}
	timeout := s.cfg.Stream.ReplicaAckTimeout.Std()
	run := func(load bool) ([]any, error) {
		var res *redis.Cmd
		var wait *redis.Cmd
		_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			if load {
				res = acceptScript.Eval(ctx, p, keys, args...)
			} else {
				res = acceptScript.EvalSha(ctx, p, keys, args...)
			}
			wait = p.Do(ctx, "wait", n, timeout.Milliseconds())
			return nil
		})
		if err != nil {
			return nil, err
		}
		if acks, _ := wait.Int64(); acks < int64(n) {
			return nil, fmt.Errorf("%w: %d of %d within %s", errReplicaAcks, acks, n, timeout)
		}
		return res.Slice()
	}
	out, err := run(false)
	if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
		out, err = run(true)
	}
	return out, err
}

// setAnswer stores the answer given to the first attempt of a push, for its retries.
func (s *Service) setAnswer(ctx context.Context, acc *account, dedup string, answer []byte) error {
	return s.rdb.SetArgs(ctx, acc.keys.dedup(dedup), answerMark+string(answer), redis.SetArgs{Mode: "XX", KeepTTL: true}).Err()
}

// awaitAnswer returns the answer of the first attempt of a push, waiting up to retry_wait
// while that attempt is still being answered. The push is stored either way, so when the
// answer does not come (the first attempt's process died, or Redis fails now) the
// acknowledgement "success" is the right answer.
func (s *Service) awaitAnswer(ctx context.Context, acc *account, dedup string, seen string) []byte {
	if a, ok := strings.CutPrefix(seen, answerMark); ok {
		return []byte(a)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RetryWait.Std())
	defer cancel()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	key := acc.keys.dedup(dedup)
	for {
		select {
		case <-ctx.Done():
			return []byte(answerSuccess)
		case <-t.C:
		}
		v, err := s.rdb.Get(ctx, key).Result()
		if err != nil {
			continue
		}
		if a, ok := strings.CutPrefix(v, answerMark); ok {
			return []byte(a)
		}
	}
}

// decodeEntry turns a stream entry into its Event; ok is false for an entry without a
// decodable event (trimmed while pending, or not written by wxsuite).
func decodeEntry(appID string, m redis.XMessage) (*messagingv1.Event, bool) {
	raw, _ := m.Values[fieldEvent].(string)
	if raw == "" {
		return nil, false
	}
	ev := &messagingv1.Event{}
	if err := proto.Unmarshal([]byte(raw), ev); err != nil {
		return nil, false
	}
	ev.Id = m.ID
	ev.AppId = appID
	return ev, true
}

// filter selects entries by their type and openid fields.
type filter struct {
	types   map[string]bool
	openids map[string]bool
}

func newFilter(f *messagingv1.EventFilter) filter {
	var out filter
	if len(f.GetTypes()) > 0 {
		out.types = make(map[string]bool, len(f.GetTypes()))
		for _, t := range f.GetTypes() {
			out.types[t] = true
		}
	}
	if len(f.GetOpenids()) > 0 {
		out.openids = make(map[string]bool, len(f.GetOpenids()))
		for _, o := range f.GetOpenids() {
			out.openids[o] = true
		}
	}
	return out
}

func (f filter) match(m redis.XMessage) bool {
	if f.types != nil {
		t, _ := m.Values[fieldType].(string)
		if !f.types[t] {
			return false
		}
	}
	if f.openids != nil {
		o, _ := m.Values[fieldOpenID].(string)
		if !f.openids[o] {
			return false
		}
	}
	return true
}

// validStreamID reports whether id is a complete stream id ("<ms>-<seq>").
func validStreamID(id string) bool {
	ms, seq, ok := strings.Cut(id, "-")
	if !ok {
		return false
	}
	_, err1 := strconv.ParseUint(ms, 10, 64)
	_, err2 := strconv.ParseUint(seq, 10, 64)
	return err1 == nil && err2 == nil
}
