package main

import (
	"os/exec"
	"syscall"
)

// childAttr puts the child in its own process group and kills it when this process dies.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// signalGroup sends SIGTERM (or SIGKILL when kill is set) to cmd's process group.
func signalGroup(cmd *exec.Cmd, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	// A negative pid addresses the group the child leads (see childAttr).
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
