package auth

import (
	"context"

	"connectrpc.com/connect"
)

// Interceptor returns the connect interceptor that authenticates and authorizes every call
// a handler receives (unary and streaming; client-side calls pass through), in this order:
//
//  1. the API key (KeyFromHeader), looked up by its SHA-256: Unauthenticated when missing,
//     malformed or unknown;
//  2. the procedure's Policy: PermissionDenied "no access policy for <procedure>" when there
//     is none (fail closed), `key "<id>" lacks scope "<scope>"` when the key holds neither
//     the scope nor ScopeAdmin;
//  3. the account: when the request message has a non-empty GetAppId(), PermissionDenied
//     `key "<id>" may not use account "<app_id>"` unless the key lists it or AllAccounts
//     (for streams, every received message is checked);
//
// then runs the handler with the Caller in its context (FromContext), and for a Policy with
// Audit logs "audit: token read" with key_id, app_id, procedure and ok (whether the handler
// succeeded) once a call that passed every check ends.
// While disabled only the Caller (anonymous) and the audit line remain.
//
// rpcserver.NewHandlerOptions places it right inside recovery and error mapping, so its
// refusals are neither counted by the RPC metrics nor logged as failed calls; they are
// counted in wxsuite_auth_denied_total instead.
func (a *Authenticator) Interceptor() connect.Interceptor {
	return interceptor{a: a}
}

type interceptor struct {
	a *Authenticator
}

// appIDGetter is implemented by request messages that name an account.
type appIDGetter interface {
	GetAppId() string
}

func appIDOf(msg any) string {
	if g, ok := msg.(appIDGetter); ok {
		return g.GetAppId()
	}
	return ""
}

// WrapUnary implements connect.Interceptor.
func (i interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		spec := req.Spec()
		if spec.IsClient {
			return next(ctx, req)
		}
		a := i.a
		k, err := a.authenticate(req.Header())
		if err != nil {
			return nil, a.unauthenticatedCall(ctx, spec.Procedure, err)
		}
		pol, err := a.authorize(ctx, k, spec.Procedure)
		if err != nil {
			return nil, err
		}
		appID := appIDOf(req.Any())
		if err := a.checkAccount(ctx, k, spec.Procedure, appID); err != nil {
			return nil, err
		}
		ctx = WithCaller(ctx, k.caller)
		if !pol.audit {
			return next(ctx, req)
		}
		resp, err := next(ctx, req)
		a.audit(ctx, k, spec.Procedure, appID, err)
		return resp, err
	}
}

// WrapStreamingClient implements connect.Interceptor; clients pass through.
func (i interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

// WrapStreamingHandler implements connect.Interceptor.
func (i interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		a := i.a
		procedure := conn.Spec().Procedure
		k, err := a.authenticate(conn.RequestHeader())
		if err != nil {
			return a.unauthenticatedCall(ctx, procedure, err)
		}
		pol, err := a.authorize(ctx, k, procedure)
		if err != nil {
			return err
		}
		ctx = WithCaller(ctx, k.caller)
		sc := &streamConn{StreamingHandlerConn: conn, ctx: ctx, a: a, k: k, procedure: procedure}
		err = next(ctx, sc)
		if pol.audit && !sc.denied {
			a.audit(ctx, k, procedure, sc.appID, err)
		}
		return err
	}
}

// streamConn checks the account of every message a stream receives.
type streamConn struct {
	connect.StreamingHandlerConn
	ctx       context.Context // the stream's, for the denial log line
	a         *Authenticator
	k         *key
	procedure string
	appID     string // the last account named, for the audit line
	denied    bool   // a message named an account the key may not use (not audited, as in unary)
}

// Receive implements connect.StreamingHandlerConn.
func (c *streamConn) Receive(msg any) error {
	if err := c.StreamingHandlerConn.Receive(msg); err != nil {
		return err
	}
	appID := appIDOf(msg)
	if appID == "" {
		return nil
	}
	if err := c.a.checkAccount(c.ctx, c.k, c.procedure, appID); err != nil {
		c.denied = true
		return err
	}
	c.appID = appID
	return nil
}
