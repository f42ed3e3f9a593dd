package proxy

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Values of the source label of wxsuite_proxy_calls_total.
const (
	sourceWeChat = "wechat" // the platform answered (errcode as answered)
	sourceProxy  = "proxy"  // the proxy answered itself (token answers and refusals)
)

// otherEndpoint is the endpoint label of paths outside the platform's API, so that
// callers cannot grow the label set.
const otherEndpoint = "other"

// metrics holds the proxy's collectors; a nil *metrics records nothing.
type metrics struct {
	calls    *prometheus.CounterVec
	duration *prometheus.HistogramVec
	daily    *prometheus.GaugeVec
	retries  *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_proxy_calls_total",
			Help: "Calls through the transparent WeChat API proxy, by account, endpoint path, errcode (0 success, http_<status> for non-2xx answers) and source (wechat: the platform answered; proxy: answered or refused by the proxy itself).",
		}, []string{"app_id", "endpoint", "errcode", "source"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "wxsuite_proxy_call_duration_seconds",
			Help:    "Latency of calls through the transparent WeChat API proxy, by endpoint path.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"endpoint"}),
		daily: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "wxsuite_proxy_daily_calls",
			Help: "Calls the proxy forwarded today (Beijing day, all replicas) per account and endpoint, for endpoints with a daily limit; compare with wxsuite_proxy_daily_limit.",
		}, []string{"app_id", "endpoint"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wxsuite_proxy_token_refreshes_total",
			Help: "Passive token refreshes after WeChat rejected the central token (40001/40014/42001), by account and whether the call was sent again (retried) or answered as is (body too large to resend).",
		}, []string{"app_id", "outcome"}),
	}
	for _, c := range []prometheus.Collector{m.calls, m.duration, m.daily, m.retries} {
		if err := reg.Register(c); err != nil {
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, fmt.Errorf("proxy: metrics already registered (one proxy per registry): %w", err)
			}
			return nil, fmt.Errorf("proxy: register metrics: %w", err)
		}
	}
	return m, nil
}

// registerLimits exports the configured daily limits as wxsuite_proxy_daily_limit.
func registerLimits(reg prometheus.Registerer, limits map[string]int64) error {
	if reg == nil {
		return nil
	}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "wxsuite_proxy_daily_limit",
		Help: "The platform's daily per-account call limit the proxy counts against, by endpoint path.",
	}, []string{"endpoint"})
	for p, n := range limits {
		g.WithLabelValues(p).Set(float64(n))
	}
	if err := reg.Register(g); err != nil {
		return fmt.Errorf("proxy: register metrics: %w", err)
	}
	return nil
}

func (m *metrics) observe(appID, endpoint, errcode, source string, d time.Duration) {
	if m == nil {
		return
	}
	m.calls.WithLabelValues(appID, endpoint, errcode, source).Inc()
	m.duration.WithLabelValues(endpoint).Observe(d.Seconds())
}

func (m *metrics) setDaily(appID, endpoint string, n int64) {
	if m == nil {
		return
	}
	m.daily.WithLabelValues(appID, endpoint).Set(float64(n))
}

func (m *metrics) refreshed(appID, outcome string) {
	if m == nil {
		return
	}
	m.retries.WithLabelValues(appID, outcome).Inc()
}
