package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// profiler records the server's CPU profile during a run's window with Linux perf
// (`perf record -F 999 -g -p PID`): the servers have no pprof endpoint, and perf reads the
// frame pointers of Go binaries. Read the result with
// `perf report -i FILE --children --stdio -g none`.
type profiler struct {
	cmd  *exec.Cmd
	path string
}

// startProfile starts perf on pid, writing dir/<name>.perf.data.
func startProfile(dir, name string, pid int) (*profiler, error) {
	path := filepath.Join(dir, name+".perf.data")
	cmd := exec.Command("perf", "record", "-q", "-F", "999", "-g", "-p", fmt.Sprint(pid), "-o", path)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("perf record: %w (is perf installed?)", err)
	}
	return &profiler{cmd: cmd, path: path}, nil
}

// stop ends the recording (perf writes its file on SIGINT).
func (p *profiler) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		if _, serr := os.Stat(p.path); serr != nil {
			return fmt.Errorf("perf record: %v, no %s", err, p.path)
		}
		return nil
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		return fmt.Errorf("perf record did not stop")
	}
}
