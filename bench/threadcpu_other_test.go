//go:build !linux

package bench

// threadCPU is 0 where the thread's CPU time is not available.
func threadCPU() int64 { return 0 }
