package wechat

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Values of the errcode label besides WeChat's own errcodes ("0" is success).
const (
	// errcodeLabelTransport marks an attempt that got no HTTP response.
	errcodeLabelTransport = "transport"
	// errcodeLabelHTTPPrefix prefixes the status of a non-2xx response ("http_502").
	errcodeLabelHTTPPrefix = "http_"
)

// metrics holds the client's collectors; a nil *metrics records nothing.
type metrics struct {
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// newMetrics registers the collectors with reg, reusing those already registered by another
// Client so that several clients in one process share them.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	calls := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "wxsuite_wechat_calls_total",
		Help: "HTTP requests sent to the WeChat API, by endpoint path and errcode (0 success, http_<status> for non-2xx answers, transport when no answer came, invalid_json for an undecodable answer).",
	}, []string{"endpoint", "errcode"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "wxsuite_wechat_call_duration_seconds",
		Help:    "Latency of HTTP requests sent to the WeChat API, by endpoint path.",
		Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"endpoint"})
	var err error
	if calls, err = register(reg, calls); err != nil {
		return nil, err
	}
	if duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	return &metrics{calls: calls, duration: duration}, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, fmt.Errorf("wechat: register metrics: %w", err)
}

// observe records one attempt.
func (m *metrics) observe(endpoint, errcode string, d time.Duration) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(endpoint, errcode).Inc()
	m.duration.WithLabelValues(endpoint).Observe(d.Seconds())
}
