package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"
)

// redisLogger routes go-redis' own messages (dial failures, pool events), which it
// otherwise prints as plain text to stderr, into the process's structured log.
type redisLogger struct {
	log *slog.Logger
}

// Printf implements go-redis' logging interface.
func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, fmt.Sprintf(format, v...), "component", "go-redis")
}

// routeRedisLogs installs redisLogger; go-redis keeps its logger in a package variable,
// so this is done once, here in main's package.
var routeRedisLogs = fx.Invoke(func(log *slog.Logger) { redis.SetLogger(redisLogger{log: log}) })
