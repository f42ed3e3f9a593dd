//go:build !linux

package main

import (
	"errors"
	"os/exec"
	"syscall"
	"time"
)

// errNoCPU: reading another process's CPU time is implemented for Linux only.
var errNoCPU = errors.New("process CPU time is only read on Linux")

// childAttr needs nothing special outside Linux.
func childAttr() *syscall.SysProcAttr { return nil }

// signalGroup kills the process itself (no process groups or SIGTERM everywhere).
func signalGroup(cmd *exec.Cmd, _ bool) { _ = cmd.Process.Kill() }

func processCPU(int) (time.Duration, error) { return 0, errNoCPU }

func selfCPU() (time.Duration, error) { return 0, errNoCPU }
