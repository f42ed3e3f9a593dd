package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/internal/platform/metrics"
)

func TestHandlerServesRegistry(t *testing.T) {
	t.Parallel()
	reg := metrics.New()
	rpc, err := metrics.NewRPC(reg)
	if err != nil {
		t.Fatal(err)
	}
	rpc.Requests.WithLabelValues("/x.v1.S/M", "ok").Inc()
	again, err := metrics.NewRPC(reg)
	if err != nil {
		t.Fatalf("second NewRPC on the same registry: %v", err)
	}
	again.Requests.WithLabelValues("/x.v1.S/M", "ok").Inc()

	srv := httptest.NewServer(metrics.Handler(reg))
	t.Cleanup(srv.Close)
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	tests := []string{
		"go_goroutines",
		"process_",
		`wxsuite_rpc_requests_total{code="ok",procedure="/x.v1.S/M"} 2`,
	}
	for _, want := range tests {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
