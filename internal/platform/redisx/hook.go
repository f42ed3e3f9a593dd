package redisx

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/wxsuite/wxsuite/internal/platform/metrics"
)

// MetricsHook is a go-redis Hook counting commands and failed commands by command name
// (wxsuite_redis_commands_total, wxsuite_redis_command_errors_total) and dial failures
// (wxsuite_redis_dial_errors_total). redis.Nil is not an error. Add it with
// client.AddHook.
type MetricsHook struct {
	commands   *prometheus.CounterVec
	errors     *prometheus.CounterVec
	dialErrors prometheus.Counter
}

var _ redis.Hook = (*MetricsHook)(nil)

// NewMetricsHook creates the hook and registers its collectors with reg (sharing collectors
// already registered by another hook).
func NewMetricsHook(reg prometheus.Registerer) (*MetricsHook, error) {
	h := &MetricsHook{
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "redis", Name: "commands_total",
			Help: "Redis commands sent, by command (pipelined commands counted one by one).",
		}, []string{"command"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "redis", Name: "command_errors_total",
			Help: "Redis commands that failed (redis.Nil excluded), by command.",
		}, []string{"command"}),
		dialErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "redis", Name: "dial_errors_total",
			Help: "Failed connection attempts to Redis.",
		}),
	}
	var err error
	if h.commands, err = metrics.Register(reg, h.commands); err != nil {
		return nil, err
	}
	if h.errors, err = metrics.Register(reg, h.errors); err != nil {
		return nil, err
	}
	if h.dialErrors, err = metrics.Register(reg, h.dialErrors); err != nil {
		return nil, err
	}
	return h, nil
}

// DialHook counts failed dials.
func (h *MetricsHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := next(ctx, network, addr)
		if err != nil {
			h.dialErrors.Inc()
		}
		return c, err
	}
}

// ProcessHook counts one command.
func (h *MetricsHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.observe(cmd, err)
		return err
	}
}

// ProcessPipelineHook counts every command of a pipeline or transaction.
func (h *MetricsHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			h.observe(cmd, cmd.Err())
		}
		return err
	}
}

func (h *MetricsHook) observe(cmd redis.Cmder, err error) {
	name := strings.ToLower(cmd.Name())
	h.commands.WithLabelValues(name).Inc()
	if err != nil && !errors.Is(err, redis.Nil) {
		h.errors.WithLabelValues(name).Inc()
	}
}
