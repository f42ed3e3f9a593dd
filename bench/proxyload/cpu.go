package main

import (
	"runtime"
	"time"

	"github.com/wxsuite/wxsuite/bench/internal/proccpu"
)

func numCPU() int { return runtime.NumCPU() }

// cpuTime returns the CPU time (user + system) used so far by this process and by the
// server process pid; ok is false where it cannot be read (outside Linux).
func cpuTime(pid int) (self, server time.Duration, ok bool) {
	self, err := proccpu.Self()
	if err != nil {
		return 0, 0, false
	}
	server, err = proccpu.Process(pid)
	if err != nil {
		return self, 0, false
	}
	return self, server, true
}
