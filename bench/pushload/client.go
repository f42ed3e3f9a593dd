package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

// loadSpec is one run of the closed loop against one server.
type loadSpec struct {
	addr    string
	conns   int // keep-alive connections, one push in flight on each
	warmup  time.Duration
	d       time.Duration // the measured window, after warmup
	timeout time.Duration // per push; WeChat gives up after 5 s
	pool    *pool
	check   *replyCheck
	// onWindow, when set, runs when the measured window opens and again when it closes
	// (CPU counters are read there).
	onWindow func(open bool)
}

// loadResult is what a run measured.
type loadResult struct {
	// Latencies of the pushes that started and ended inside the window, sorted.
	Latencies []time.Duration
	// Window is the measured duration.
	Window time.Duration
	// Sent counts the pushes answered 200 with a correct answer, in the whole run
	// (warm-up and stragglers included): what the server must have handled.
	Sent int64
	// Errors counts failed pushes by kind, and FirstError quotes one.
	Errors     map[string]int64
	FirstError string
	// Reconnects counts connections opened again after the first.
	Reconnects int64
}

func (r loadResult) errorCount() int64 {
	var n int64
	for _, k := range r.Errors {
		n += k
	}
	return n
}

// rate is the pushes per second in the window.
func (r loadResult) rate() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Window.Seconds()
}

// caller is one connection's closed loop and what it recorded.
type caller struct {
	spec       *loadSpec
	conn       net.Conn
	br         *bufio.Reader
	body       []byte
	lat        []time.Duration
	sent       int64
	errs       map[string]int64
	firstErr   string
	reconnects int64
}

// runLoad runs the closed loop: each of spec.conns connections sends a push, reads the
// whole answer, checks it and sends the next, from the start until warmup + d has passed.
// Pushes that start and end inside the window [warmup, warmup+d] have their latencies
// recorded; the percentiles are exact.
func runLoad(ctx context.Context, spec *loadSpec) (loadResult, error) {
	callers := make([]*caller, spec.conns)
	for i := range callers {
		c := &caller{spec: spec, errs: map[string]int64{}, body: make([]byte, 0, 4096)}
		if err := c.dial(); err != nil {
			for _, o := range callers[:i] {
				o.conn.Close()
			}
			return loadResult{}, fmt.Errorf("connect to %s: %w", spec.addr, err)
		}
		c.reconnects = 0
		callers[i] = c
	}
	start := time.Now()
	winStart, winEnd := start.Add(spec.warmup), start.Add(spec.warmup+spec.d)
	var wg sync.WaitGroup
	for _, c := range callers {
		wg.Go(func() { c.loop(ctx, winStart, winEnd) })
	}
	if spec.onWindow != nil {
		// The callers start and stop by the clock; the counters are read at the same
		// instants, within a timer's precision.
		sleepUntil(ctx, winStart)
		spec.onWindow(true)
		sleepUntil(ctx, winEnd)
		spec.onWindow(false)
	}
	wg.Wait()

	res := loadResult{Window: spec.d, Errors: map[string]int64{}}
	for _, c := range callers {
		if c.conn != nil {
			c.conn.Close()
		}
		res.Latencies = append(res.Latencies, c.lat...)
		res.Sent += c.sent
		res.Reconnects += c.reconnects
		for k, n := range c.errs {
			res.Errors[k] += n
		}
		if res.FirstError == "" {
			res.FirstError = c.firstErr
		}
	}
	slices.Sort(res.Latencies)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, nil
}

func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(t)):
	}
}

func (c *caller) dial() error {
	conn, err := net.DialTimeout("tcp", c.spec.addr, 5*time.Second)
	if err != nil {
		return err
	}
	c.conn = conn
	c.br = bufio.NewReaderSize(conn, 8192)
	c.reconnects++
	return nil
}

func (c *caller) fail(kind string, err error) {
	c.errs[kind]++
	if c.firstErr == "" {
		c.firstErr = kind + ": " + err.Error()
	}
}

// loop sends pushes until winEnd; at most one more is in flight when it passes.
func (c *caller) loop(ctx context.Context, winStart, winEnd time.Time) {
	rng := newRand()
	for ctx.Err() == nil {
		if c.conn == nil {
			if err := c.dial(); err != nil {
				c.fail("connect", err)
				if !sleepOrDone(ctx, 100*time.Millisecond) {
					return
				}
				continue
			}
		}
		t0 := time.Now()
		if !t0.Before(winEnd) {
			return
		}
		seq, req, err := c.spec.pool.take(rng)
		if err != nil {
			c.fail("generate", err)
			return
		}
		t0 = time.Now()
		status, keep, err := c.roundTrip(t0, req)
		t1 := time.Now()
		if err != nil {
			kind := "read"
			if errors.Is(err, os.ErrDeadlineExceeded) {
				kind = "timeout"
			}
			c.fail(kind, err)
			c.conn.Close()
			c.conn = nil
			continue
		}
		if !keep {
			c.conn.Close()
			c.conn = nil
		}
		if err := c.spec.check.check(seq, status, c.body); err != nil {
			kind := "bad reply"
			if status != http.StatusOK {
				kind = fmt.Sprintf("HTTP %d", status)
			}
			c.fail(kind, err)
			continue
		}
		c.sent++
		if !t0.Before(winStart) && !t1.After(winEnd) {
			c.lat = append(c.lat, t1.Sub(t0))
		}
	}
}

// roundTrip writes one request and reads its whole answer into c.body. keep is false when
// the server closes the connection after it.
func (c *caller) roundTrip(t0 time.Time, req []byte) (status int, keep bool, err error) {
	if err := c.conn.SetDeadline(t0.Add(c.spec.timeout)); err != nil {
		return 0, false, err
	}
	if _, err := c.conn.Write(req); err != nil {
		return 0, false, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, false, err
	}
	c.body = c.body[:0]
	for {
		if len(c.body) == cap(c.body) {
			c.body = slices.Grow(c.body, cap(c.body))
		}
		n, rerr := resp.Body.Read(c.body[len(c.body):cap(c.body)])
		c.body = c.body[:len(c.body)+n]
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			resp.Body.Close()
			return 0, false, rerr
		}
	}
	resp.Body.Close()
	return resp.StatusCode, !resp.Close, nil
}

func sleepOrDone(ctx context.Context, d time.Duration) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(d):
		return true
	}
}

// sendOne sends the next push of p on a new connection and checks its answer fully.
func sendOne(addr string, timeout time.Duration, p *pool, check *replyCheck) error {
	c := &caller{spec: &loadSpec{addr: addr, timeout: timeout}, body: make([]byte, 0, 4096)}
	if err := c.dial(); err != nil {
		return err
	}
	defer c.conn.Close()
	seq, req, err := p.take(newRand())
	if err != nil {
		return err
	}
	status, _, err := c.roundTrip(time.Now(), req)
	if err != nil {
		return err
	}
	full := *check
	full.every = 1
	return full.check(seq, status, c.body)
}
