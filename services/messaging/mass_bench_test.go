package messaging

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// BenchmarkStartMassSend dispatches one mass operation of 10,000 and of 100,000 openids
// (sandbox, Redis and the Sender real, in this process) and reports the peak heap in use
// above the baseline while the request is handled and every batch is sent (GC target 10%
// so that the peak follows the live heap), per openid too. The baseline already holds the
// list (built before it is taken; list-MB is its strings): what is above it is the
// operation's own memory, which must not grow with the list.
//
//	go test -run '^$' -bench StartMassSend -benchtime 1x ./services/messaging/
func BenchmarkStartMassSend(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(fmt.Sprintf("openids=%d", n), func(b *testing.B) {
			e := newSendEnv(b, sendEnvOpt{})
			for b.Loop() {
				ids := make([]string, n)
				for i := range ids {
					ids[i] = fmt.Sprintf("oBench%022d", i)
				}
				listBytes := uint64(n) * (28 + 16)
				// A low GC target makes the peak follow the live heap, not the pacer's
				// headroom (which grows with any live data, the list included).
				old := debug.SetGCPercent(10)
				runtime.GC()
				var base runtime.MemStats
				runtime.ReadMemStats(&base)
				stop := make(chan struct{})
				peak := peakHeap(stop)
				start := time.Now()
				res, err := e.sender.StartMassSend(b.Context(), &messagingv1.StartMassSendRequest{AppId: e.appID, Openids: ids,
					Content: &messagingv1.MassContent{Content: &messagingv1.MassContent_Text{Text: "bench"}}})
				if err != nil {
					b.Fatal(err)
				}
				op := e.waitOperation(b, res.GetOperationId(), false)
				elapsed := time.Since(start)
				close(stop)
				p := peak()
				debug.SetGCPercent(old)
				if op.GetState() != messagingv1.MassOperationState_MASS_OPERATION_STATE_SUCCEEDED {
					b.Fatalf("operation = %v", op)
				}
				above := int64(p) - int64(base.HeapInuse)
				b.ReportMetric(float64(above)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(above)/float64(n), "peak-B/openid")
				b.ReportMetric(float64(listBytes)/(1<<20), "list-MB")
				b.ReportMetric(float64(op.GetBatchesTotal()), "calls")
				b.ReportMetric(elapsed.Seconds(), "s/op-wall")
				runtime.KeepAlive(ids)
			}
		})
	}
}

// peakHeap samples HeapInuse every 2 ms until stop is closed; the returned function
// waits for the sampler and gives the highest value seen.
func peakHeap(stop <-chan struct{}) func() uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	})
	return func() uint64 { wg.Wait(); return peak.Load() }
}
