package messaging

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
)

// The accept script of concurrent pushes goes to Redis in pipelines ("group commit"): a
// flusher goroutine takes whatever pushes are waiting, up to acceptBatchMax, and sends
// their scripts in one write, so that a busy gateway pays one network round trip
// (and one pair of system calls) per batch instead of per push. A push that finds a
// flusher idle goes out at once: batching adds no wait, it only collects the pushes that
// arrived while the previous batch was on the wire. Each script is still atomic and
// answers its own push; a failure of one does not fail the others.
const (
	// acceptBatchMax bounds one pipeline.
	acceptBatchMax = 128
	// acceptFlushers is how many pipelines may be in flight at once. One gives the largest
	// batches: on the push benchmark (docs/benchmarks.md) it took 44 µs of gateway CPU
	// and 19 µs of Redis CPU per push at 32 connections, against 50/22 with two flushers
	// and 52/24 with four.
	acceptFlushers = 1
)

// errServiceClosed is the store failure of a push that arrives after Close.
var errServiceClosed = errors.New("messaging service closed")

// acceptReq is one push's accept script waiting for a flusher.
type acceptReq struct {
	ctx  context.Context
	keys []string
	args []any
	res  []any
	err  error
	done chan struct{} // closed when res and err are set
}

// acceptPipelined runs acceptScript for one push through the flushers.
func (s *Service) acceptPipelined(ctx context.Context, keys []string, args []any) ([]any, error) {
	s.acceptStart.Do(func() {
		s.acceptQ = make(chan *acceptReq, 4*acceptBatchMax)
		for range acceptFlushers {
			go s.flushAccepts()
		}
	})
	r := &acceptReq{ctx: ctx, keys: keys, args: args, done: make(chan struct{})}
	select {
	case s.acceptQ <- r:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.bg.Done():
		return nil, errServiceClosed
	}
	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		// The script may still run: the push is then stored without its request knowing,
		// and WeChat's retry finds it (a duplicate, never a second event).
		return nil, ctx.Err()
	}
}

// flushAccepts sends waiting accept scripts in pipelines until the service closes.
func (s *Service) flushAccepts() {
	batch := make([]*acceptReq, 0, acceptBatchMax)
	for {
		select {
		case r := <-s.acceptQ:
			batch = append(batch[:0], r)
		case <-s.bg.Done():
			return
		}
	drain:
		for len(batch) < acceptBatchMax {
			select {
			case r := <-s.acceptQ:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		s.runAcceptBatch(batch)
	}
}

// runAcceptBatch runs the scripts of batch in one pipeline and hands each push its result.
// Pushes whose request gave up meanwhile are left out.
func (s *Service) runAcceptBatch(batch []*acceptReq) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			close(r.done)
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(s.bg, storeTimeout)
	defer cancel()
	cmds := make([]*redis.Cmd, len(live))
	_, _ = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range live {
			cmds[i] = acceptScript.EvalSha(ctx, p, r.keys, r.args...)
		}
		return nil
	}) // errors are per command
	for i, r := range live {
		res, err := cmds[i].Slice()
		if err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") {
			// Redis lost its scripts (restart, SCRIPT FLUSH): Run loads it again.
			res, err = acceptScript.Run(r.ctx, s.rdb, r.keys, r.args...).Slice()
		}
		r.res, r.err = res, err
		close(r.done)
	}
}
