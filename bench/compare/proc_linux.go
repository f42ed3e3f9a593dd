package main

import "syscall"

// childAttr makes the child lead its own process group and receive SIGKILL if this
// process dies without cleaning up.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
