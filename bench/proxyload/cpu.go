package main

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func numCPU() int { return runtime.NumCPU() }

// clockTick is USER_HZ, the unit of /proc/<pid>/stat CPU times (100 on Linux).
const clockTick = 100

// cpuTime returns the CPU time (user + system) used so far by this process and by the
// server process pid; ok is false where it cannot be read (outside Linux).
func cpuTime(pid int) (self, server time.Duration, ok bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0, false
	}
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return self, 0, false
	}
	// Fields after the command (which may hold spaces) start after the last ')'.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return self, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return self, 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return self, 0, false
	}
	return self, time.Duration(utime+stime) * time.Second / clockTick, true
}
