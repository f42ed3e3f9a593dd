package metrics

import (
	"errors"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Namespace prefixes every wxsuite metric name.
const Namespace = "wxsuite"

// New returns a registry holding the Go runtime and process collectors.
func New() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return reg
}

// Handler serves reg in the Prometheus exposition format; errors while gathering are
// reported as metrics and the remaining metrics are still served.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		Registry:          reg,
		ErrorHandling:     promhttp.ContinueOnError,
		EnableOpenMetrics: true,
	})
}

// Register registers c with reg and returns it; when an identical collector is already
// registered (a second server or client on the same registry) it returns that one instead,
// so the same series are shared.
func Register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

// RPC holds the RPC server collectors.
type RPC struct {
	// Requests counts finished calls by procedure and code ("ok", "not_found"…):
	// wxsuite_rpc_requests_total.
	Requests *prometheus.CounterVec
	// Duration observes call latency in seconds by procedure: wxsuite_rpc_duration_seconds.
	Duration *prometheus.HistogramVec
}

// NewRPC creates the RPC collectors and registers them with reg (reusing already
// registered ones). A nil reg leaves them unregistered.
func NewRPC(reg prometheus.Registerer) (*RPC, error) {
	m := &RPC{
		Requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Subsystem: "rpc", Name: "requests_total",
			Help: "Finished RPCs by procedure and status code.",
		}, []string{"procedure", "code"}),
		Duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Subsystem: "rpc", Name: "duration_seconds",
			Help:    "RPC latency by procedure.",
			Buckets: prometheus.DefBuckets,
		}, []string{"procedure"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.Requests, err = Register(reg, m.Requests); err != nil {
		return nil, err
	}
	if m.Duration, err = Register(reg, m.Duration); err != nil {
		return nil, err
	}
	return m, nil
}
