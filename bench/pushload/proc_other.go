//go:build !linux

package main

import (
	"os/exec"
	"syscall"
)

// childAttr needs nothing special outside Linux.
func childAttr() *syscall.SysProcAttr { return nil }

// signalGroup kills the process itself (no process groups or SIGTERM everywhere).
func signalGroup(cmd *exec.Cmd, _ bool) { _ = cmd.Process.Kill() }
