package main

import (
	"errors"
	"os"
	"syscall"
)

// exitWithParent asks the kernel to send SIGTERM to devproxy when its parent
// dies, however it dies: `make run` execs devproxy, so killing make (even
// with SIGKILL, which make cannot forward) still stops the proxy and the demo
// servers and frees their ports.
func exitWithParent() error {
	parent := os.Getppid()
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0); errno != 0 {
		return errno
	}
	if os.Getppid() != parent { // the parent died before the request took effect
		return errors.New("the parent process has already exited")
	}
	return nil
}
