package messaging

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// Limits of the event RPCs.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
	// scanFactor bounds the entries one ListEvents page reads: scanFactor × page_size.
	scanFactor = 10
	maxAckIDs  = 1000
	// readCount is the most entries one XREADGROUP or XAUTOCLAIM returns.
	readCount = 100
)

var namePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Subscription is one consumer's view of an account's stream (see Service.Subscribe).
type Subscription struct {
	// Group and Consumer name the consumer.
	Group, Consumer string
	// Filter selects the events sent; the others are acknowledged for the group.
	Filter *messagingv1.EventFilter
	// Start is where a group created by this call starts.
	Start messagingv1.StartPosition
	// Linger, when positive, waits that long after a read that did not fill a batch
	// before reading again, so that a busy stream is read (and processed) in larger
	// batches: events reach the consumer up to Linger later, for far fewer reads.
	Linger time.Duration
}

// Delivery is one event handed to a subscriber.
type Delivery struct {
	Event *messagingv1.Event
	// Redeliveries is how many times the group delivered the event before.
	Redeliveries int64
	// windowRecorded is set when the callback gateway already recorded the event in the
	// user's customer-service window (stream field fieldWindow).
	windowRecorded bool
}

// Subscribe delivers the account's events to send until ctx ends or send fails. Once the
// group exists it calls send with an empty Delivery (no Event): the subscription is live
// and every event appended from then on reaches the group. Then come the consumer's own
// unacknowledged events, then, in a loop, events of the group idle longer
// than visibility_timeout (claimed from any consumer) and new events. It returns nil when
// ctx ends.
func (s *Service) Subscribe(ctx context.Context, appID string, sub Subscription, send func(Delivery) error) error {
	return s.SubscribeBatches(ctx, appID, sub, func(ds []Delivery) error {
		for _, d := range ds {
			if err := send(d); err != nil {
				return err
			}
		}
		return nil
	})
}

// SubscribeBatches is Subscribe handing the events of each read to send at once (in
// stream order; the first call is the empty Delivery alone), for consumers that process
// and acknowledge events in bulk.
func (s *Service) SubscribeBatches(ctx context.Context, appID string, sub Subscription, send func([]Delivery) error) error {
	acc, err := s.account(appID)
	if err != nil {
		return err
	}
	if !namePattern.MatchString(sub.Group) {
		return &ArgumentError{Field: "group", Reason: "must be 1 to 64 characters of A-Z a-z 0-9 . _ -"}
	}
	if !namePattern.MatchString(sub.Consumer) {
		return &ArgumentError{Field: "consumer", Reason: "must be 1 to 64 characters of A-Z a-z 0-9 . _ -"}
	}
	stream := acc.keys.stream()
	if err := s.ensureGroup(ctx, acc, sub); err != nil {
		return err
	}
	if err := send([]Delivery{{}}); err != nil {
		return s.streamErr(ctx, acc, "", err)
	}
	f := newFilter(sub.Filter)
	batch := make([]Delivery, 0, readCount)
	var skipped []string
	deliver := func(msgs []redis.XMessage, again bool) error {
		batch, skipped = batch[:0], skipped[:0]
		for _, m := range msgs {
			ev, ok := decodeEntry(acc.appID, m)
			if !ok || !f.match(m) {
				// Trimmed or foreign entries, and events this group filters out, are
				// acknowledged so that they are not claimed again and again.
				skipped = append(skipped, m.ID)
				continue
			}
			d := Delivery{Event: ev, windowRecorded: m.Values[fieldWindow] == "1"}
			if again {
				d.Redeliveries = s.redeliveries(ctx, stream, sub.Group, m.ID)
			}
			batch = append(batch, d)
		}
		if len(skipped) > 0 {
			if err := s.rdb.XAck(ctx, stream, sub.Group, skipped...).Err(); err != nil {
				return &StoreError{AppID: acc.appID, Op: "acknowledge filtered event", Err: err}
			}
		}
		if len(batch) == 0 {
			return nil
		}
		return send(batch)
	}

	// The consumer's own pending events (it reconnected after a crash or a cancel).
	for last := "0"; ; {
		res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: sub.Group, Consumer: sub.Consumer,
			Streams: []string{stream, last}, Count: readCount}).Result()
		if err != nil {
			return s.streamErr(ctx, acc, "read pending events", err)
		}
		if len(res) == 0 || len(res[0].Messages) == 0 {
			break
		}
		msgs := res[0].Messages
		if err := deliver(msgs, true); err != nil {
			return s.streamErr(ctx, acc, "", err)
		}
		last = msgs[len(msgs)-1].ID
	}

	vis := s.cfg.VisibilityTimeout.Std()
	every := min(max(vis/4, 100*time.Millisecond), time.Second)
	cursor := "0-0"
	var lastClaim time.Time
	for ctx.Err() == nil {
		if time.Since(lastClaim) >= every {
			lastClaim = time.Now()
			msgs, next, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: stream, Group: sub.Group,
				Consumer: sub.Consumer, MinIdle: vis, Start: cursor, Count: readCount}).Result()
			if err != nil {
				if err := s.recoverGroup(ctx, acc, sub, err); err != nil {
					return s.streamErr(ctx, acc, "claim idle events", err)
				}
				continue
			}
			cursor = next
			if err := deliver(msgs, true); err != nil {
				return s.streamErr(ctx, acc, "", err)
			}
		}
		res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: sub.Group, Consumer: sub.Consumer,
			Streams: []string{stream, ">"}, Count: readCount, Block: every}).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			if err := s.recoverGroup(ctx, acc, sub, err); err != nil {
				return s.streamErr(ctx, acc, "read events", err)
			}
			continue
		}
		n := 0
		for _, st := range res {
			n += len(st.Messages)
			if err := deliver(st.Messages, false); err != nil {
				return s.streamErr(ctx, acc, "", err)
			}
		}
		if sub.Linger > 0 && n < readCount {
			select {
			case <-ctx.Done():
			case <-time.After(sub.Linger):
			}
		}
	}
	return nil
}

// ensureGroup creates the consumer group (and the stream) unless it exists.
func (s *Service) ensureGroup(ctx context.Context, acc *account, sub Subscription) error {
	start := "$"
	if sub.Start == messagingv1.StartPosition_START_POSITION_EARLIEST {
		start = "0"
	}
	err := s.rdb.XGroupCreateMkStream(ctx, acc.keys.stream(), sub.Group, start).Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return &StoreError{AppID: acc.appID, Op: "create consumer group", Err: err}
	}
	return nil
}

// recoverGroup recreates a group that disappeared (the stream key was deleted) and
// returns other errors.
func (s *Service) recoverGroup(ctx context.Context, acc *account, sub Subscription, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	if strings.HasPrefix(err.Error(), "NOGROUP") {
		return s.ensureGroup(ctx, acc, sub)
	}
	return err
}

// streamErr ends a subscription: nil when its context ended, the send error as is, and
// Redis errors as a StoreError.
func (s *Service) streamErr(ctx context.Context, acc *account, op string, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	var se *StoreError
	if op == "" || errors.As(err, &se) {
		return err
	}
	return &StoreError{AppID: acc.appID, Op: op, Err: err}
}

// redeliveries is how many times the group delivered id before this delivery.
func (s *Service) redeliveries(ctx context.Context, stream, group, id string) int64 {
	p, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: stream, Group: group, Start: id, End: id, Count: 1}).Result()
	if err != nil || len(p) == 0 || p[0].RetryCount < 1 {
		return 0
	}
	return p[0].RetryCount - 1
}

// Ack acknowledges ids for group and returns how many were pending.
func (s *Service) Ack(ctx context.Context, appID, group string, ids []string) (int64, error) {
	acc, err := s.account(appID)
	if err != nil {
		return 0, err
	}
	if !namePattern.MatchString(group) {
		return 0, &ArgumentError{Field: "group", Reason: "must be 1 to 64 characters of A-Z a-z 0-9 . _ -"}
	}
	if len(ids) == 0 || len(ids) > maxAckIDs {
		return 0, &ArgumentError{Field: "ids", Reason: fmt.Sprintf("must hold 1 to %d event ids", maxAckIDs)}
	}
	for i, id := range ids {
		if !validStreamID(id) {
			return 0, &ArgumentError{Field: fmt.Sprintf("ids[%d]", i), Reason: "is not an event id"}
		}
	}
	n, err := s.rdb.XAck(ctx, acc.keys.stream(), group, ids...).Result()
	if err != nil {
		return 0, &StoreError{AppID: appID, Op: "acknowledge events", Err: err}
	}
	return n, nil
}

// ListQuery selects stored events for ListEvents.
type ListQuery struct {
	// Start and End bound the receive time (zero: unbounded); End is exclusive.
	Start, End time.Time
	Filter     *messagingv1.EventFilter
	PageSize   int
	PageToken  string
}

// ListEvents returns one page of the account's stored events, oldest first, and the
// token of the next page ("" when the range is exhausted).
func (s *Service) ListEvents(ctx context.Context, appID string, q ListQuery) ([]*messagingv1.Event, string, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, "", err
	}
	size := q.PageSize
	switch {
	case size < 0 || size > maxPageSize:
		return nil, "", &ArgumentError{Field: "page_size", Reason: fmt.Sprintf("must be 0 to %d", maxPageSize)}
	case size == 0:
		size = defaultPageSize
	}
	start, end := "-", "+"
	if !q.Start.IsZero() {
		start = strconv.FormatInt(q.Start.UnixMilli(), 10)
	}
	if !q.End.IsZero() {
		if !q.Start.IsZero() && !q.End.After(q.Start) {
			return nil, "", &ArgumentError{Field: "end_time", Reason: "must be after start_time"}
		}
		end = "(" + strconv.FormatInt(q.End.UnixMilli(), 10) + "-0"
	}
	if q.PageToken != "" {
		if !validStreamID(q.PageToken) {
			return nil, "", &ArgumentError{Field: "page_token", Reason: "is not a token of this method"}
		}
		start = "(" + q.PageToken
	}
	f := newFilter(q.Filter)
	var out []*messagingv1.Event
	budget := size * scanFactor
	for budget > 0 {
		n := min(budget, max(size, readCount))
		msgs, err := s.rdb.XRangeN(ctx, acc.keys.stream(), start, end, int64(n)).Result()
		if err != nil {
			return nil, "", &StoreError{AppID: appID, Op: "list events", Err: err}
		}
		budget -= len(msgs)
		for i, m := range msgs {
			if !f.match(m) {
				continue
			}
			if ev, ok := decodeEntry(acc.appID, m); ok {
				out = append(out, ev)
			}
			if len(out) == size {
				if i == len(msgs)-1 && len(msgs) < n {
					return out, "", nil
				}
				return out, m.ID, nil
			}
		}
		if len(msgs) < n {
			return out, "", nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
	return out, strings.TrimPrefix(start, "("), nil
}

// GetEvent returns the stored event id.
func (s *Service) GetEvent(ctx context.Context, appID, id string) (*messagingv1.Event, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	if !validStreamID(id) {
		return nil, &ArgumentError{Field: "id", Reason: "is not an event id (\"<milliseconds>-<sequence>\")"}
	}
	msgs, err := s.rdb.XRangeN(ctx, acc.keys.stream(), id, id, 1).Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "get event", Err: err}
	}
	if len(msgs) == 0 {
		return nil, &EventNotFoundError{AppID: appID, ID: id}
	}
	ev, ok := decodeEntry(acc.appID, msgs[0])
	if !ok {
		return nil, &EventNotFoundError{AppID: appID, ID: id}
	}
	return ev, nil
}
