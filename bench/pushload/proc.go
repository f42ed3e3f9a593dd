package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// build compiles the main package pkg into out with go build, in dir (a module root).
func build(ctx context.Context, dir, pkg, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s (in %s): %w", pkg, dir, err)
	}
	return nil
}

// moduleRoot is the directory of the main module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside the wxsuite module: run from the repository")
	}
	return filepath.Dir(gomod), nil
}

// server is a started child process whose output goes to a log file.
type server struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid once done is closed
}

// startServer starts bin with args and this process's environment plus env, its stdout
// and stderr going straight to dir/name.log (the child holds the descriptor: no pipe,
// nothing copied here). The child leads its own process group and, on Linux, dies with
// this process.
func startServer(name, dir string, env []string, bin string, args ...string) (*server, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &server{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		s.err = cmd.Wait()
		close(s.done)
	}()
	return s, nil
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// waitReady polls url until it answers 200, the process exits or timeout passes.
func (s *server) waitReady(ctx context.Context, url string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before it was ready (%v); see %s", s.name, s.err, s.log)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready at %s: %w; see %s", s.name, url, ctx.Err(), s.log)
		case <-tick.C:
		}
	}
}

// alive reports an error when the process has exited.
func (s *server) alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("%s exited (%v); see %s", s.name, s.err, s.log)
	default:
		return nil
	}
}

// stop asks the process group to terminate, then kills it after grace.
func (s *server) stop(grace time.Duration) {
	select {
	case <-s.done:
		return
	default:
	}
	signalGroup(s.cmd, false)
	select {
	case <-s.done:
	case <-time.After(grace):
		signalGroup(s.cmd, true)
		<-s.done
	}
}
