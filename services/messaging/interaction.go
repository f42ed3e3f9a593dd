package messaging

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// What the Sender learns from the event stream, kept in Redis so that every replica
// sees it:
//
//	out:win:<openid>      hash last (unix ms), type, unsub (0/1)            TTL window + 24h
//	out:tmsg:<msgid>      hash openid, template_id, sent, status, finished  TTL status_ttl
//	out:sub:<openid>      hash <template_id> → "remaining|status|unix ms"   no TTL
//	out:mass:<msgid>      hash status, total, filter, sent, error           TTL status_ttl
//	out:subsent:<openid>  hash <template_id> → "status|errcode|msgid|unix ms" no TTL

// outPlatformEventTypes are pushed by the platform itself, not by a user action: they open
// no window.
var outPlatformEventTypes = map[string]bool{
	"TEMPLATESENDJOBFINISH": true, "MASSSENDJOBFINISH": true, "subscribe_msg_sent_event": true,
	"kf_create_session": true, "kf_close_session": true, "kf_switch_session": true,
	"qualification_verify_success": true, "qualification_verify_fail": true, "naming_verify_success": true,
	"naming_verify_fail": true, "annual_renew": true, "verify_expired": true, "poi_check_notify": true,
	"card_pass_check": true, "card_not_pass_check": true, "card_sku_remind": true, "card_pay_order": true,
}

// senderLinger is the Subscription.Linger of the Sender's consumer: under load it reads
// the stream in batches of up to readCount events instead of one read per push, and the
// windows it tracks lag the stream by at most this much.
const senderLinger = 10 * time.Millisecond

// follow reads appID's event stream in the Sender's consumer group until ctx ends,
// starting again after a failure. Each read's events are applied and acknowledged
// together (observeBatch).
func (s *Sender) follow(ctx context.Context, appID string) {
	sub := Subscription{Group: s.cfg.ConsumerGroup, Consumer: s.consumer,
		Start: messagingv1.StartPosition_START_POSITION_EARLIEST, Linger: senderLinger}
	var once bool
	for ctx.Err() == nil {
		err := s.events.SubscribeBatches(ctx, appID, sub, func(ds []Delivery) error {
			if len(ds) == 1 && ds[0].Event == nil {
				if !once {
					once = true
					close(s.ready[appID])
				}
				return nil
			}
			// Not acknowledged on failure: delivered again after visibility_timeout.
			return s.observeBatch(ctx, appID, ds)
		})
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("outbound event consumer stopped; restarting", "app_id", appID, "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// observeBatch applies events to what the Sender knows and acknowledges them. The users'
// interactions (most events) go to Redis in one pipeline with the acknowledgement; the
// rarer platform events are applied one by one before it. Nothing is acknowledged when
// anything fails.
func (s *Sender) observeBatch(ctx context.Context, appID string, ds []Delivery) error {
	ids := make([]string, 0, len(ds))
	type note struct {
		key  string
		args []any
		name string
	}
	notes := make([]note, 0, len(ds))
	for _, d := range ds {
		ev := d.Event
		ids = append(ids, ev.GetId())
		key, args, ok := s.interaction(appID, ev)
		if ok && d.windowRecorded {
			// The callback gateway recorded the interaction when it stored the event
			// (acceptScript): only this process's cached window is out of date.
			s.windows.forget(appID + "/" + ev.GetFromUserName())
			continue
		}
		if ok {
			notes = append(notes, note{key, args, appID + "/" + ev.GetFromUserName()})
			continue
		}
		if err := s.observe(ctx, appID, ev); err != nil {
			return err
		}
	}
	if len(notes) == 0 {
		_, err := s.events.Ack(ctx, appID, s.cfg.ConsumerGroup, ids)
		return err
	}
	cmds := make([]*redis.Cmd, len(notes))
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, n := range notes {
			cmds[i] = outNoteInteraction.EvalSha(ctx, p, []string{n.key}, n.args...)
		}
		return nil
	}) // errors are per command
	for i, n := range notes {
		err := cmds[i].Err()
		if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			err = outNoteInteraction.Run(ctx, s.rdb, []string{n.key}, n.args...).Err()
		}
		if err != nil {
			return &StoreError{AppID: appID, Op: "store interaction", Err: err}
		}
		s.windows.forget(n.name)
	}
	_, err := s.events.Ack(ctx, appID, s.cfg.ConsumerGroup, ids)
	return err
}

// observe applies one event that is not a user interaction (job-finish results,
// subscription changes; observeBatch records interactions) to what the Sender knows.
func (s *Sender) observe(ctx context.Context, appID string, ev *messagingv1.Event) error {
	openID := ev.GetFromUserName()
	switch p := ev.GetPayload().(type) {
	case *messagingv1.Event_TemplateSendJobFinish:
		return s.storeErr(appID, "store template status", s.rdb.HSet(ctx, s.key(appID, "tmsg", outItoa(p.TemplateSendJobFinish.GetMsgId())),
			"status", p.TemplateSendJobFinish.GetStatus(), "finished", outItoa(s.now().UnixMilli())).Err(),
			s.rdb.Expire(ctx, s.key(appID, "tmsg", outItoa(p.TemplateSendJobFinish.GetMsgId())), s.cfg.StatusTTL.Std()).Err())
	case *messagingv1.Event_MassSendJobFinish:
		m := p.MassSendJobFinish
		k := s.key(appID, "mass", outItoa(m.GetMsgId()))
		_, err := s.rdb.TxPipelined(ctx, func(pp redis.Pipeliner) error {
			pp.HSet(ctx, k, "status", m.GetStatus(), "total", m.GetTotalCount(), "filter", m.GetFilterCount(),
				"sent", m.GetSentCount(), "error", m.GetErrorCount())
			pp.Expire(ctx, k, s.cfg.StatusTTL.Std())
			return nil
		})
		return s.storeErr(appID, "store mass result", err)
	case *messagingv1.Event_SubscribeMsgPopup:
		for _, it := range p.SubscribeMsgPopup.GetItems() {
			if err := s.noteSubscription(ctx, appID, openID, it.GetTemplateId(), it.GetSubscribeStatus(), true); err != nil {
				return err
			}
		}
		return nil
	case *messagingv1.Event_SubscribeMsgSent:
		for _, it := range p.SubscribeMsgSent.GetItems() {
			if it.GetTemplateId() == "" || openID == "" {
				continue
			}
			v := fmt.Sprintf("%s|%d|%d|%d", strings.ReplaceAll(it.GetErrorStatus(), "|", "/"), it.GetErrorCode(), it.GetMsgId(), s.now().UnixMilli())
			if err := s.rdb.HSet(ctx, s.key(appID, "subsent", openID), it.GetTemplateId(), v).Err(); err != nil {
				return &StoreError{AppID: appID, Op: "store subscribe delivery", Err: err}
			}
		}
		return nil
	case *messagingv1.Event_SubscribeMsgChange:
		for _, it := range p.SubscribeMsgChange.GetItems() {
			if err := s.noteSubscription(ctx, appID, openID, it.GetTemplateId(), it.GetSubscribeStatus(), false); err != nil {
				return err
			}
		}
		return nil
	}
	return nil
}

// userInteraction reports whether ev is a user's interaction, which opens (or, for an
// unsubscribe, closes) their customer-service window, and when it happened (CreateTime,
// never later than now): not the platform's own events, not the subscribe-message and
// job-finish events the Sender reads otherwise, not an event without a user.
func userInteraction(ev *messagingv1.Event, now time.Time) (at time.Time, unsub bool, ok bool) {
	switch ev.GetPayload().(type) {
	case *messagingv1.Event_TemplateSendJobFinish, *messagingv1.Event_MassSendJobFinish, *messagingv1.Event_SubscribeMsgPopup,
		*messagingv1.Event_SubscribeMsgSent, *messagingv1.Event_SubscribeMsgChange:
		return time.Time{}, false, false
	}
	if ev.GetFromUserName() == "" || outPlatformEventTypes[ev.GetType()] {
		return time.Time{}, false, false
	}
	at = ev.GetCreateTime().AsTime()
	if ev.GetCreateTime() == nil || at.After(now) {
		at = now
	}
	return at, ev.GetType() == "unsubscribe", true
}

// windowTTL is how long a user's window hash lives: the window and a day.
func windowTTL(window time.Duration) time.Duration { return window + 24*time.Hour }

// interaction returns the key and arguments of outNoteInteraction for an event that is a
// user's interaction (userInteraction); ok is false for any other event.
func (s *Sender) interaction(appID string, ev *messagingv1.Event) (key string, args []any, ok bool) {
	at, unsubscribed, ok := userInteraction(ev, s.now())
	if !ok {
		return "", nil, false
	}
	unsub := "0"
	if unsubscribed {
		unsub = "1"
	}
	return s.key(appID, "win", ev.GetFromUserName()), []any{at.UnixMilli(), ev.GetType(), unsub,
		windowTTL(s.cfg.Window.Std()).Milliseconds()}, true
}

// outNoteInteraction keeps the latest interaction: events are handled in stream order, but
// a redelivered older one must not move the time back.
var outNoteInteraction = redis.NewScript(`
local last = tonumber(redis.call('HGET', KEYS[1], 'last') or '0')
if tonumber(ARGV[1]) >= last then
  redis.call('HSET', KEYS[1], 'last', ARGV[1], 'type', ARGV[2], 'unsub', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
`)

// storeErr wraps the first non-nil of errs as a StoreError.
func (s *Sender) storeErr(appID, op string, errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return &StoreError{AppID: appID, Op: op, Err: err}
		}
	}
	return nil
}

// CustomWindowState is what wxsuite knows of a user's customer-service window.
type CustomWindowState struct {
	Known        bool
	Open         bool
	Last         time.Time
	Expires      time.Time
	LastType     string
	Unsubscribed bool
}

// CustomWindow returns the user's window as the event stream showed it.
func (s *Sender) CustomWindow(ctx context.Context, appID, openID string) (CustomWindowState, error) {
	if err := s.checkAccount(appID); err != nil {
		return CustomWindowState{}, err
	}
	if err := outCheckOpenID("openid", openID); err != nil {
		return CustomWindowState{}, err
	}
	name := appID + "/" + openID
	w, ok := s.windows.get(name)
	if !ok {
		v, err := s.rdb.HGetAll(ctx, s.key(appID, "win", openID)).Result()
		if err != nil {
			return CustomWindowState{}, &StoreError{AppID: appID, Op: "read window", Err: err}
		}
		if ms, _ := strconv.ParseInt(v["last"], 10, 64); ms != 0 {
			w = CustomWindowState{Known: true, Last: time.UnixMilli(ms), LastType: v["type"], Unsubscribed: v["unsub"] == "1"}
		}
		s.windows.put(name, w)
	}
	if !w.Known {
		return CustomWindowState{}, nil
	}
	w.Expires = w.Last.Add(s.cfg.Window.Std())
	w.Open = !w.Unsubscribed && s.now().Before(w.Expires)
	return w, nil
}

// outWindowCacheTTL is how long a replica reuses a window it read from Redis. Its own
// consumer's updates replace it at once; another replica's show after at most this long
// (the platform stays the authority: a stale "open" only lets the platform answer 45015).
const outWindowCacheTTL = time.Second

// outWindowCacheMax bounds the cache; it is cleared when full.
const outWindowCacheMax = 100000

// outWindowCache keeps recently read windows in the process, so that a burst of
// messages to the same users does not read Redis for each.
type outWindowCache struct {
	mu sync.Mutex
	m  map[string]outCachedWindow
}

type outCachedWindow struct {
	w  CustomWindowState
	at time.Time
}

func (c *outWindowCache) get(name string) (CustomWindowState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok || time.Since(e.at) > outWindowCacheTTL {
		return CustomWindowState{}, false
	}
	return e.w, true
}

func (c *outWindowCache) put(name string, w CustomWindowState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= outWindowCacheMax {
		c.m = make(map[string]outCachedWindow)
	}
	c.m[name] = outCachedWindow{w: w, at: time.Now()}
}

func (c *outWindowCache) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, name)
}
