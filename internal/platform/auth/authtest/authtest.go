// Package authtest holds test helpers for callers of wxsuite's authenticated RPCs.
package authtest

import (
	"context"

	"connectrpc.com/connect"
)

// Bearer returns a Connect client option that sends key as "Authorization: Bearer <key>"
// on every unary call, as wxsuite's API-key authentication expects.
func Bearer(key string) connect.Option {
	return connect.WithInterceptors(connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+key)
			return next(ctx, req)
		}
	}))
}
