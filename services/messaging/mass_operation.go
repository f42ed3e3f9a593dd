package messaging

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// A mass operation lives in Redis, so that any replica can report and resume it:
//
//	out:op:<id>         hash state, total, batches, done, dispatched, content (protojson
//	                    MassContent), ignore, cmid, error, errcode, created, updated (ms)
//	out:op:<id>:ids     list of the openids (sorted), deleted when the operation ends
//	out:op:<id>:batch   hash <index> → "<msg_id>|<size>"
//	out:op:<id>:lease   the replica running it (PX operation_lease)
//	out:ops             set of running operation ids
//	out:opcmid:<id>     operation id of a client_msg_id (24 h)
//
// Batches are as even as possible (25,000 openids → 8,334 + 8,333 + 8,333), so none has
// fewer than the platform's minimum of 2. Batch i is sent with clientmsgid
// "<client_msg_id or operation id>-<i>": a batch sent again after a crash is refused by
// the platform (45065) instead of reaching users twice.

// Operation states as stored.
const (
	opRunning   = "running"
	opSucceeded = "succeeded"
	opFailed    = "failed"
	opCancelled = "cancelled"
)

// outIDChunk is how many openids one RPUSH carries.
const outIDChunk = 1000

// outBatch returns the offset and size of batch i of n over total openids.
func outBatch(total int64, n, i int) (start, size int64) {
	base, extra := total/int64(n), total%int64(n)
	start = int64(i)*base + min(int64(i), extra)
	size = base
	if int64(i) < extra {
		size++
	}
	return start, size
}

// StartMassSend validates and stores the operation and starts running it. openids is
// sorted in place (to find duplicates without a second copy of the list).
func (s *Sender) StartMassSend(ctx context.Context, req *messagingv1.StartMassSendRequest) (_ *messagingv1.MassOperation, err error) {
	appID := req.GetAppId()
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if _, err := outMassMessage("content", req.GetContent(), false); err != nil {
		return nil, err
	}
	cmid := req.GetClientMsgId()
	// Each batch appends "-<index>" (up to 5 characters for 10,000s of batches).
	if len(cmid) > outMaxClientMsgID-6 {
		return nil, &ArgumentError{Field: "client_msg_id", Reason: "is longer than 58 bytes (each call appends -<batch>)"}
	}
	ids := req.GetOpenids()
	if len(ids) < outMinMassOpenIDs {
		return nil, &ArgumentError{Field: "openids", Reason: "must hold at least 2 openids (the platform's minimum)"}
	}
	for i, id := range ids {
		if err := outCheckOpenID("openids", id); err != nil {
			return nil, &ArgumentError{Field: fmt.Sprintf("openids[%d]", i), Reason: err.(*ArgumentError).Reason}
		}
	}
	slices.Sort(ids)
	for i := 1; i < len(ids); i++ {
		if ids[i] == ids[i-1] {
			return nil, &ArgumentError{Field: "openids", Reason: fmt.Sprintf("lists %s more than once", ids[i])}
		}
	}
	opID := outRandomID(8)
	if cmid != "" {
		cmidKey := s.key(appID, "opcmid", cmid)
		fresh, err := s.rdb.SetNX(ctx, cmidKey, opID, outClientMsgIDTTL).Result()
		if err != nil {
			return nil, &StoreError{AppID: appID, Op: "record client_msg_id", Err: err}
		}
		if !fresh {
			prev, err := s.rdb.Get(ctx, cmidKey).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return nil, &StoreError{AppID: appID, Op: "read client_msg_id", Err: err}
			}
			return s.MassOperation(ctx, appID, prev) // a repeat: the earlier operation
		}
		// If storing the operation fails below, the client_msg_id is free again.
		defer func() {
			if err != nil {
				s.rdb.Del(context.WithoutCancel(ctx), cmidKey)
			}
		}()
	} else {
		cmid = opID
	}
	content, err := protojson.Marshal(req.GetContent())
	if err != nil {
		return nil, fmt.Errorf("encode content: %w", err)
	}
	total := int64(len(ids))
	batches := int((total + int64(s.cfg.MassBatchSize) - 1) / int64(s.cfg.MassBatchSize))
	idsKey := s.key(appID, "op", opID, "ids")
	chunk := make([]any, 0, outIDChunk)
	for start := 0; start < len(ids); start += outIDChunk {
		chunk = chunk[:0]
		for _, id := range ids[start:min(start+outIDChunk, len(ids))] {
			chunk = append(chunk, id)
		}
		if err := s.rdb.RPush(ctx, idsKey, chunk...).Err(); err != nil {
			s.rdb.Del(ctx, idsKey)
			return nil, &StoreError{AppID: appID, Op: "store openids", Err: err}
		}
	}
	now := outItoa(s.now().UnixMilli())
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, s.key(appID, "op", opID), "state", opRunning, "total", total, "batches", batches, "done", 0,
			"dispatched", 0, "content", content, "ignore", outBit(req.GetSendIgnoreReprint()), "cmid", cmid,
			"created", now, "updated", now)
		p.SAdd(ctx, s.key(appID, "ops"), opID)
		return nil
	})
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "store operation", Err: err}
	}
	s.log.Info("mass operation started", "app_id", appID, "operation_id", opID, "openids", total, "batches", batches)
	s.wg.Go(func() { s.runOperation(appID, opID) })
	return s.MassOperation(ctx, appID, opID)
}

// outLeaseRenew extends the lease KEYS[1] held by ARGV[1] by ARGV[2] ms (0 when lost).
var outLeaseRenew = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

// outLeaseRelease deletes the lease KEYS[1] if ARGV[1] holds it.
var outLeaseRelease = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// runOperation sends the remaining batches of an operation while this replica holds its
// lease; it returns when the operation ends, is cancelled, or the Sender stops.
func (s *Sender) runOperation(appID, opID string) {
	name := appID + "/" + opID
	s.mu.Lock()
	if s.running[name] {
		s.mu.Unlock()
		return
	}
	s.running[name] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.running, name)
		s.mu.Unlock()
	}()
	ctx := s.background()
	lease := s.key(appID, "op", opID, "lease")
	leaseTTL := s.cfg.OperationLease.Std()
	got, err := s.rdb.SetNX(ctx, lease, s.consumer, leaseTTL).Result()
	if err != nil || !got {
		return // another replica runs it (or Redis is down: the resume loop retries)
	}
	defer outLeaseRelease.Run(context.WithoutCancel(ctx), s.rdb, []string{lease}, s.consumer)
	opKey := s.key(appID, "op", opID)
	failures := 0
	for ctx.Err() == nil {
		meta, err := s.rdb.HMGet(ctx, opKey, "state", "total", "batches", "done", "content", "ignore", "cmid").Result()
		if err != nil {
			s.log.Warn("mass operation: read state", "app_id", appID, "operation_id", opID, "err", err)
			return
		}
		str := func(i int) string { v, _ := meta[i].(string); return v }
		num := func(i int) int64 { n, _ := strconv.ParseInt(str(i), 10, 64); return n }
		if str(0) != opRunning {
			return
		}
		total, batches, done := num(1), int(num(2)), int(num(3))
		if done >= batches {
			s.finishOperation(ctx, appID, opID, opSucceeded, "", 0)
			return
		}
		content := &messagingv1.MassContent{}
		if err := protojson.Unmarshal([]byte(str(4)), content); err != nil {
			s.finishOperation(ctx, appID, opID, opFailed, "stored content is unreadable", 0)
			return
		}
		msg, err := outMassMessage("content", content, false)
		if err != nil {
			s.finishOperation(ctx, appID, opID, opFailed, err.Error(), 0)
			return
		}
		start, size := outBatch(total, batches, done)
		ids, err := s.rdb.LRange(ctx, s.key(appID, "op", opID, "ids"), start, start+size-1).Result()
		if err != nil || int64(len(ids)) != size {
			s.log.Warn("mass operation: read openids", "app_id", appID, "operation_id", opID, "err", err)
			return
		}
		if !s.waitMassSlot(ctx, appID, lease) {
			return
		}
		if ok, err := outLeaseRenew.Run(ctx, s.rdb, []string{lease}, s.consumer, leaseTTL.Milliseconds()).Int(); err != nil || ok == 0 {
			return // lost the lease: another replica took over
		}
		// A cancel that came while waiting stops the operation before the call.
		if st, _ := s.rdb.HGet(ctx, opKey, "state").Result(); st != opRunning {
			return
		}
		cmid := str(6) + "-" + strconv.Itoa(done)
		body := outMassBody(msg, str(5) == "1", cmid)
		body["touser"] = ids
		var out outMassSent
		// A call in flight is finished even when the Sender stops (the client's timeout
		// bounds it): its outcome is then recorded instead of left unknown.
		err = s.call(context.WithoutCancel(ctx), &wechat.Request{AppID: appID, Method: http.MethodPost, Path: "/cgi-bin/message/mass/send",
			Body: body, Idempotent: true}, &out)
		if code, ok := wechat.Code(err); ok && code == 45065 {
			// Sent before a crash: the platform keeps the first; its msg_id is the one
			// recorded then, if any.
			out.MsgID, _ = s.rdb.Get(ctx, s.key(appID, "cmid", cmid)).Int64()
			err = nil
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			code, isWeChat := wechat.Code(err)
			if code == 45066 || code == 45011 || code == -1 || !isWeChat {
				// Too fast, busy, or no answer: wait and try the same batch again.
				failures++
				if failures <= 5 && s.sleep(ctx, min(time.Duration(failures)*5*time.Second, time.Minute)) {
					continue
				}
			}
			msg := "the platform refused the call"
			if !isWeChat {
				msg = "the platform could not be reached"
			}
			s.log.Warn("mass operation failed", "app_id", appID, "operation_id", opID, "batch", done, "err", err)
			s.finishOperation(ctx, appID, opID, opFailed, fmt.Sprintf("batch %d: %s", done, msg), code)
			return
		}
		failures = 0
		// The batch was sent: record it even when the Sender is stopping now.
		wctx := context.WithoutCancel(ctx)
		s.rdb.Set(wctx, s.key(appID, "cmid", cmid), out.MsgID, outClientMsgIDTTL)
		_, err = s.rdb.TxPipelined(wctx, func(p redis.Pipeliner) error {
			p.HSet(wctx, s.key(appID, "op", opID, "batch"), strconv.Itoa(done), outItoa(out.MsgID)+"|"+outItoa(size))
			p.HIncrBy(wctx, opKey, "done", 1)
			p.HIncrBy(wctx, opKey, "dispatched", size)
			p.HSet(wctx, opKey, "updated", outItoa(s.now().UnixMilli()))
			return nil
		})
		if err != nil {
			s.log.Warn("mass operation: record progress", "app_id", appID, "operation_id", opID, "err", err)
			return
		}
	}
}

// waitMassSlot waits for one of the minute's mass calls, keeping the lease alive; it
// returns false when ctx ends or the lease is lost.
func (s *Sender) waitMassSlot(ctx context.Context, appID, lease string) bool {
	for {
		ok, wait, err := s.takeMassSlot(ctx, appID)
		if err != nil {
			return false
		}
		if ok {
			return true
		}
		if n, err := outLeaseRenew.Run(ctx, s.rdb, []string{lease}, s.consumer, s.cfg.OperationLease.Std().Milliseconds()).Int(); err != nil || n == 0 {
			return false
		}
		if !s.sleep(ctx, min(wait+10*time.Millisecond, s.cfg.OperationLease.Std()/2)) {
			return false
		}
	}
}

// sleep waits d unless ctx ends first (false).
func (s *Sender) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// outFinishScript ends an operation that is still running: ARGV state, error, errcode,
// updated, ttl ms.
var outFinishScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'running' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'error', ARGV[2], 'errcode', ARGV[3], 'updated', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[6])
return 1
`)

// finishOperation records the end of a running operation and frees its openid list.
func (s *Sender) finishOperation(ctx context.Context, appID, opID, state, msg string, code int) {
	err := outFinishScript.Run(context.WithoutCancel(ctx), s.rdb,
		[]string{s.key(appID, "op", opID), s.key(appID, "op", opID, "ids"), s.key(appID, "ops"), s.key(appID, "op", opID, "batch")},
		state, msg, code, s.now().UnixMilli(), s.cfg.StatusTTL.Std().Milliseconds(), opID).Err()
	if err != nil {
		s.log.Warn("mass operation: record end", "app_id", appID, "operation_id", opID, "err", err)
		return
	}
	s.log.Info("mass operation ended", "app_id", appID, "operation_id", opID, "state", state)
}

// CancelMassSend cancels a running operation; it returns the operation either way.
func (s *Sender) CancelMassSend(ctx context.Context, appID, opID string) (*messagingv1.MassOperation, error) {
	op, err := s.MassOperation(ctx, appID, opID)
	if err != nil {
		return nil, err
	}
	if op.GetState() == messagingv1.MassOperationState_MASS_OPERATION_STATE_RUNNING {
		s.finishOperation(ctx, appID, opID, opCancelled, "", 0)
	}
	return s.MassOperation(ctx, appID, opID)
}

// resumeLoop restarts, now and then, the running operations whose replica stopped.
func (s *Sender) resumeLoop(ctx context.Context) {
	every := max(s.cfg.OperationLease.Std()/2, 500*time.Millisecond)
	for {
		for _, appID := range s.appIDs {
			ids, err := s.rdb.SMembers(ctx, s.key(appID, "ops")).Result()
			if err != nil {
				continue
			}
			for _, id := range ids {
				s.mu.Lock()
				running := s.running[appID+"/"+id]
				s.mu.Unlock()
				if !running {
					s.wg.Go(func() { s.runOperation(appID, id) })
				}
			}
		}
		if !s.sleep(ctx, every) {
			return
		}
	}
}

// outStates maps stored states to the proto.
var outStates = map[string]messagingv1.MassOperationState{
	opRunning:   messagingv1.MassOperationState_MASS_OPERATION_STATE_RUNNING,
	opSucceeded: messagingv1.MassOperationState_MASS_OPERATION_STATE_SUCCEEDED,
	opFailed:    messagingv1.MassOperationState_MASS_OPERATION_STATE_FAILED,
	opCancelled: messagingv1.MassOperationState_MASS_OPERATION_STATE_CANCELLED,
}

// MassOperation returns an operation with its batches and their job results.
func (s *Sender) MassOperation(ctx context.Context, appID, opID string) (*messagingv1.MassOperation, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if opID == "" || len(opID) > 64 || strings.Trim(opID, outOpenIDChars) != "" {
		return nil, &ArgumentError{Field: "operation_id", Reason: "is not an operation id"}
	}
	meta, err := s.rdb.HGetAll(ctx, s.key(appID, "op", opID)).Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read operation", Err: err}
	}
	if len(meta) == 0 {
		return nil, &NotFoundError{What: "mass operation", ID: opID}
	}
	n := func(k string) int64 { x, _ := strconv.ParseInt(meta[k], 10, 64); return x }
	op := &messagingv1.MassOperation{OperationId: opID, State: outStates[meta["state"]], Total: n("total"),
		Dispatched: n("dispatched"), BatchesTotal: int32(n("batches")), BatchesDone: int32(n("done")),
		Error: meta["error"], Errcode: int32(n("errcode")),
		CreateTime: timestamppb.New(outUnixMilli(meta["created"])), UpdateTime: timestamppb.New(outUnixMilli(meta["updated"]))}
	batches, err := s.rdb.HGetAll(ctx, s.key(appID, "op", opID, "batch")).Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read operation batches", Err: err}
	}
	// The batches' job results, read in one pipeline.
	msgIDs := make([]int64, op.BatchesTotal)
	jobs := make([]*redis.MapStringStringCmd, op.BatchesTotal)
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := range msgIDs {
			if v, ok := batches[strconv.Itoa(i)]; ok {
				id, _, _ := strings.Cut(v, "|")
				msgIDs[i], _ = strconv.ParseInt(id, 10, 64)
			}
			if msgIDs[i] > 0 {
				jobs[i] = p.HGetAll(ctx, s.key(appID, "mass", outItoa(msgIDs[i])))
			}
		}
		return nil
	})
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read mass results", Err: err}
	}
	for i := range int(op.BatchesTotal) {
		_, size := outBatch(op.Total, int(op.BatchesTotal), i)
		b := &messagingv1.MassBatch{Index: int32(i), Size: int32(size), MsgId: msgIDs[i]}
		if jobs[i] != nil {
			if job := outMassJob(jobs[i].Val()); job.Finished {
				b.JobStatus, b.SentCount, b.ErrorCount, b.FilterCount = job.Status, job.Sent, job.ErrorCount, job.Filter
				op.JobsFinished++
				op.SentCount += job.Sent
				op.ErrorCount += job.ErrorCount
			}
		}
		op.Batches = append(op.Batches, b)
	}
	return op, nil
}
