package main

import (
	"os/exec"
	"syscall"
)

// childAttr needs nothing special on Windows.
func childAttr() *syscall.SysProcAttr { return nil }

// signalGroup kills the process: Windows has no SIGTERM to ask politely with.
func signalGroup(cmd *exec.Cmd, _ bool) { _ = cmd.Process.Kill() }
