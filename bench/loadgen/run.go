package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Config is one load run.
type Config struct {
	// Addr is the server's host:port, spoken to in plaintext HTTP/2.
	Addr string
	// Target supplies the message types and the defaults of Method and RequestJSON.
	Target Target
	// Method is the full method name; empty means Target.Method.
	Method string
	// RequestJSON is the request as protojson; empty means Target.Request.
	RequestJSON string
	// Headers are "key: value" metadata pairs sent with every call.
	Headers []string
	// Callers is the number of closed-loop callers (at least 1).
	Callers int
	// Conns is the number of HTTP/2 connections (1 to Callers).
	Conns int
	// Warmup is how long callers run before measuring; Duration how long they are measured.
	Warmup, Duration time.Duration
	// Timeout is the deadline of each call.
	Timeout time.Duration
}

func (c *Config) normalize() error {
	if c.Method == "" {
		c.Method = c.Target.Method
	}
	if c.RequestJSON == "" {
		c.RequestJSON = c.Target.Request
	}
	switch {
	case c.Callers < 1:
		return errors.New("-c must be at least 1")
	case c.Conns < 1 || c.Conns > c.Callers:
		return fmt.Errorf("-conns must be between 1 and -c (%d)", c.Callers)
	case c.Duration <= 0:
		return errors.New("-d must be positive")
	case c.Warmup < 0:
		return errors.New("-warmup must not be negative")
	case c.Timeout <= 0:
		return errors.New("-timeout must be positive")
	}
	return nil
}

// worker is one closed-loop caller's private tallies, merged after the run.
type worker struct {
	latencies    []time.Duration
	errors       map[codes.Code]int
	warmupErrors int
	firstErr     error
}

// Run dials cfg.Conns connections, checks with one call that the method answers, then
// drives cfg.Callers callers for cfg.Warmup + cfg.Duration. Only successful calls that
// start and end inside the measurement window are timed and counted; every failed call is
// counted (as a warm-up error if it started before the window). Run fails only when the run cannot be set up; failed calls are in
// the Report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	req := cfg.Target.NewRequest()
	if err := protojson.Unmarshal([]byte(cfg.RequestJSON), req); err != nil {
		return nil, fmt.Errorf("-request: %w", err)
	}
	md := metadata.MD{}
	for _, h := range cfg.Headers {
		k, v, _ := strings.Cut(h, ":")
		md.Append(strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v))
	}
	ctx = metadata.NewOutgoingContext(ctx, md)

	conns := make([]*grpc.ClientConn, cfg.Conns)
	for i := range conns {
		// Each ClientConn holds its own HTTP/2 connection.
		cc, err := grpc.NewClient(cfg.Addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, fmt.Errorf("dial %s: %w", cfg.Addr, err)
		}
		defer cc.Close()
		conns[i] = cc
	}
	for i, cc := range conns {
		if err := invoke(ctx, cc, cfg, req, cfg.Target.NewResponse()); err != nil {
			return nil, fmt.Errorf("probe call %s on connection %d: %w", cfg.Method, i, err)
		}
	}

	start := time.Now()
	measureFrom := start.Add(cfg.Warmup)
	measureTo := measureFrom.Add(cfg.Duration)
	// Room for 32k calls/s per caller-share of the window avoids most regrowth.
	perWorker := int(cfg.Duration.Seconds()*32000)/cfg.Callers + 16
	workers := make([]*worker, cfg.Callers)
	var wg sync.WaitGroup
	for i := range workers {
		w := &worker{latencies: make([]time.Duration, 0, perWorker), errors: map[codes.Code]int{}}
		workers[i] = w
		wreq := proto.Clone(req)
		cc := conns[i%len(conns)]
		wg.Go(func() {
			resp := cfg.Target.NewResponse()
			for ctx.Err() == nil {
				t0 := time.Now()
				if !t0.Before(measureTo) {
					return
				}
				err := invoke(ctx, cc, cfg, wreq, resp)
				t1 := time.Now()
				if ctx.Err() != nil {
					return // interrupted: the call's outcome says nothing about the server
				}
				// Every failure is counted; latencies only inside the window.
				switch {
				case err != nil && t0.Before(measureFrom):
					w.warmupErrors++
				case err != nil:
					w.errors[status.Code(err)]++
				case !t0.Before(measureFrom) && !t1.After(measureTo):
					w.latencies = append(w.latencies, t1.Sub(t0))
				}
				if err != nil && w.firstErr == nil {
					w.firstErr = err
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted: %w", err)
	}
	return newReport(cfg, workers), nil
}

func invoke(ctx context.Context, cc *grpc.ClientConn, cfg Config, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	return cc.Invoke(ctx, cfg.Method, req, resp)
}
