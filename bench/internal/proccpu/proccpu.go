// Package proccpu reads the CPU time of processes for the load generators under bench/:
// another process's from /proc/<pid>/stat (Linux) and this process's from getrusage.
package proccpu

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// ErrUnsupported is returned where another process's CPU time cannot be read (outside Linux).
var ErrUnsupported = errors.New("process CPU time is only read on Linux")

// clockTick is USER_HZ, the unit of the CPU times in /proc/<pid>/stat (100 Hz on Linux).
const clockTick = 10 * time.Millisecond

// ParseStat reads utime and stime (fields 14 and 15) from a /proc/<pid>/stat line and
// returns their sum. The command name (field 2) is in parentheses and may contain spaces,
// so fields are counted from the last ')'.
func ParseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, errors.New("/proc stat: no command field")
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state); utime is field 14, stime field 15.
	if len(f) < 13 {
		return 0, errors.New("/proc stat: " + strconv.Itoa(len(f)+2) + " fields")
	}
	u, err1 := strconv.ParseInt(string(f[11]), 10, 64)
	s, err2 := strconv.ParseInt(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, errors.New("/proc stat: utime/stime not numbers")
	}
	return time.Duration(u+s) * clockTick, nil
}
