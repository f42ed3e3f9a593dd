package rpcserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"connectrpc.com/connect"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/wxsuite/wxsuite/internal/platform/metrics"
)

// HandlerOption adjusts NewHandlerOptions.
type HandlerOption func(*handlerSettings)

type handlerSettings struct {
	maxMessageBytes int
	auth            connect.Interceptor
}

// WithMaxMessageBytes sets connect's read limit per message (default 16 MiB, the default
// of Config.MaxMessageBytes).
func WithMaxMessageBytes(n int) HandlerOption {
	return func(s *handlerSettings) { s.maxMessageBytes = n }
}

// WithAuth places the caller-authentication interceptor (auth.Authenticator.Interceptor)
// in its slot of the chain (see NewHandlerOptions); nil leaves the slot empty and every
// call is allowed, as in the WeChat sandbox's own server.
func WithAuth(i connect.Interceptor) HandlerOption {
	return func(s *handlerSettings) { s.auth = i }
}

// NewHandlerOptions returns the options every service passes to its generated
// New<Service>Handler: the interceptors below, a read limit (WithMaxMessageBytes) and
// compression of responses from 1 KiB. A nil reg records no metrics; the RPC collectors
// are shared when called again with the same registry. A nil logger discards logs.
//
// Interceptor order, outermost first (connect runs the first one given outermost):
//
//  1. recovery and error mapping: a panic becomes Internal "internal error" with the stack
//     logged; every returned error goes through ToConnectError. Outermost so nothing below
//     can crash the process or leak an internal message.
//  2. auth (WithAuth): API key, access policy and account; refuses with Unauthenticated or
//     PermissionDenied before anything below runs. Inside 1 so a panic in it is recovered;
//     outside metrics and logging so refused calls (which may be floods) do not reach
//     them: the auth interceptor counts and logs its own refusals.
//  3. metrics: calls by procedure and code, latency by procedure (panics count as internal).
//  4. logging: one line per failed call with procedure, code and duration; never the
//     request or response body.
//
// A validation interceptor, when it exists, goes between 2 and 3.
func NewHandlerOptions(logger *slog.Logger, reg *prometheus.Registry, opts ...HandlerOption) HandlerOptions {
	s := handlerSettings{maxMessageBytes: DefaultMaxMessageBytes}
	for _, o := range opts {
		o(&s)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var registerer prometheus.Registerer
	if reg != nil {
		registerer = reg
	}
	m, err := metrics.NewRPC(registerer)
	if err != nil {
		// Only a foreign collector with the same name can cause this; serve anyway.
		logger.Warn("rpc metrics not registered", "err", err)
		m, _ = metrics.NewRPC(nil)
	}
	interceptors := []connect.Interceptor{&recoverInterceptor{log: logger}} // 1: recovery + error mapping
	if s.auth != nil {
		interceptors = append(interceptors, s.auth) // 2: auth
	}
	interceptors = append(interceptors,
		&metricsInterceptor{m: m},    // 3: metrics
		&logInterceptor{log: logger}, // 4: logging
	)
	return HandlerOptions{Options: []connect.HandlerOption{
		connect.WithInterceptors(interceptors...),
		connect.WithReadMaxBytes(s.maxMessageBytes),
		connect.WithCompressMinBytes(1024),
	}}
}

// recoverInterceptor turns panics into Internal errors and maps every error with
// ToConnectError.
type recoverInterceptor struct {
	log *slog.Logger
}

func (i *recoverInterceptor) recovered(procedure string, r any) error {
	if r == http.ErrAbortHandler {
		panic(r) // net/http's own signal to abort the response; let it through.
	}
	i.log.Error("rpc handler panicked", "procedure", procedure,
		"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	return connect.NewError(connect.CodeInternal, errors.New(msgInternal))
}

// WrapUnary implements connect.Interceptor.
func (i *recoverInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (resp connect.AnyResponse, err error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		procedure := req.Spec().Procedure
		defer func() {
			if r := recover(); r != nil {
				resp, err = nil, i.recovered(procedure, r)
			}
		}()
		resp, err = next(ctx, req)
		if err != nil {
			return nil, ToConnectError(err, i.log.With("procedure", procedure))
		}
		return resp, nil
	}
}

// WrapStreamingClient implements connect.Interceptor; clients pass through.
func (i *recoverInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler implements connect.Interceptor.
func (i *recoverInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) (err error) {
		procedure := conn.Spec().Procedure
		defer func() {
			if r := recover(); r != nil {
				err = i.recovered(procedure, r)
			}
		}()
		return ToConnectError(next(ctx, conn), i.log.With("procedure", procedure))
	}
}

// metricsInterceptor records calls and latency.
type metricsInterceptor struct {
	m *metrics.RPC
}

// observe records one call; code is what the caller will see after error mapping.
func (i *metricsInterceptor) observe(procedure, code string, start time.Time) {
	i.m.Requests.WithLabelValues(procedure, code).Inc()
	i.m.Duration.WithLabelValues(procedure).Observe(time.Since(start).Seconds())
}

// WrapUnary implements connect.Interceptor.
func (i *metricsInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		start := time.Now()
		// Stays "internal" if next panics: the deferred call still runs while the panic
		// travels to the recovery interceptor, whose log keeps the original stack.
		code := connect.CodeInternal.String()
		defer func() { i.observe(req.Spec().Procedure, code, start) }()
		resp, err := next(ctx, req)
		code = codeOf(err)
		return resp, err
	}
}

// WrapStreamingClient implements connect.Interceptor; clients pass through.
func (i *metricsInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler implements connect.Interceptor.
func (i *metricsInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		start := time.Now()
		code := connect.CodeInternal.String()
		defer func() { i.observe(conn.Spec().Procedure, code, start) }()
		err := next(ctx, conn)
		code = codeOf(err)
		return err
	}
}

// logInterceptor logs one line per failed call.
type logInterceptor struct {
	log *slog.Logger
}

func (i *logInterceptor) logFailure(ctx context.Context, procedure string, err error, start time.Time) {
	code := codeOf(err)
	level := slog.LevelInfo // the caller's mistake or choice
	switch code {
	case "internal", "unknown", "unavailable", "data_loss", "resource_exhausted":
		level = slog.LevelWarn
	}
	i.log.Log(ctx, level, "rpc failed", "procedure", procedure, "code", code,
		"duration", time.Since(start).String())
}

// WrapUnary implements connect.Interceptor.
func (i *logInterceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		start := time.Now()
		resp, err := next(ctx, req)
		if err != nil {
			i.logFailure(ctx, req.Spec().Procedure, err, start)
		}
		return resp, err
	}
}

// WrapStreamingClient implements connect.Interceptor; clients pass through.
func (i *logInterceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler implements connect.Interceptor.
func (i *logInterceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		start := time.Now()
		err := next(ctx, conn)
		if err != nil {
			i.logFailure(ctx, conn.Spec().Procedure, err, start)
		}
		return err
	}
}
