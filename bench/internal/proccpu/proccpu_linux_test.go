package proccpu

import (
	"os"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want time.Duration
	}{
		{"plain", "12685 (bare) S 1 12685 12685 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 6 0 4242 1000 2000", 1290 * clockTick},
		{"name with spaces and parens", "7 (my (odd) name) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 1 1", 7 * clockTick},
	}
	for _, tt := range tests {
		got, err := ParseStat([]byte(tt.give))
		if err != nil || got != tt.want {
			t.Errorf("%s: %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "1 (x) S 1 2", "1 (x) S 1 1 1 0 -1 0 0 0 0 0 u s"} {
		if _, err := ParseStat([]byte(bad)); err == nil {
			t.Errorf("ParseStat(%q): no error", bad)
		}
	}
}

func TestProcessReadsThisProcess(t *testing.T) {
	t.Parallel()
	if _, err := Process(os.Getpid()); err != nil {
		t.Fatal(err)
	}
	if _, err := Self(); err != nil {
		t.Fatal(err)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("12685 (bare) S 1 12685 12685 0 -1 4194560 900 0 0 0 1234 56 0 0 20 0 6 0 4242 1000 2000"))
	f.Add([]byte(") ) )"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseStat(b)
	})
}
