package wasmhost

import (
	"encoding/binary"
	"testing"
)

// WASI results as proxy-wasm-cpp-host's src/exports.cc gives them (the
// functions named wasi_unstable_*).
func TestWASIResultsLikeEnvoy(t *testing.T) {
	h := newHostcallVM(t, ProfileCurrent)
	out := uint64(h.scratch + 512)
	cases := []struct {
		name string
		fn   string
		args []uint64
		want uint64
	}{
		{"clock_time_get realtime", "clock_time_get", []uint64{0, 0, out}, errnoSuccess},
		{"clock_time_get process cputime is ENOTSUP", "clock_time_get", []uint64{2, 0, out}, errnoNotsup},
		{"clock_time_get bad pointer is EFAULT", "clock_time_get", []uint64{0, 0, 1 << 31}, errnoFault},
		{"clock_res_get monotonic", "clock_res_get", []uint64{1, out}, errnoSuccess},
		{"clock_res_get thread cputime is ENOTSUP", "clock_res_get", []uint64{3, out}, errnoNotsup},
		{"random_get 64 KiB", "random_get", []uint64{uint64(h.scratch), 64 << 10}, errnoSuccess},
		{"random_get over 64 KiB is EINVAL", "random_get", []uint64{uint64(h.scratch), 64<<10 + 1}, errnoInval},
		{"random_get nothing", "random_get", []uint64{1 << 31, 0}, errnoSuccess},
		{"random_get bad pointer is EFAULT", "random_get", []uint64{1 << 31, 8}, errnoFault},
		{"fd_read is ENOSYS", "fd_read", []uint64{0, 0, 0, out}, errnoNosys},
		{"fd_close succeeds", "fd_close", []uint64{3}, errnoSuccess},
		{"fd_fdstat_get stdout", "fd_fdstat_get", []uint64{1, out}, errnoSuccess},
		{"fd_fdstat_get other fd is EBADF", "fd_fdstat_get", []uint64{3, out}, errnoBadf},
		{"fd_prestat_dir_name is ENOSYS", "fd_prestat_dir_name", []uint64{3, out, 8}, errnoNosys},
		{"path_open is ENOENT", "path_open", []uint64{3, 0, 0, 0, 0, 0, 0, 0, out}, errnoNoent},
		{"fd_write to fd 3 is EBADF", "fd_write", []uint64{3, 0, 0, out}, errnoBadf},
		{"poll_oneoff succeeds with no events", "poll_oneoff", []uint64{0, 0, 1, out}, errnoSuccess},
	}
	for _, c := range cases {
		h.mem.WriteUint32Le(uint32(out), 0xFFFF)
		if st := h.call(wasiFunctions, c.fn, c.args...); st != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, st, c.want)
		}
	}
	// poll_oneoff: nevents 0, no sleep, whatever the subscriptions.
	h.call(wasiFunctions, "poll_oneoff", 0, 0, 1, out)
	if n, _ := h.mem.ReadUint32Le(uint32(out)); n != 0 {
		t.Errorf("poll_oneoff wrote %d events, want 0", n)
	}
	h.call(wasiFunctions, "proc_exit", 2) // returns, as in Envoy: no trap
	if st := newHostcallVM(t, ProfileEnvoy133).call(wasiFunctions, "poll_oneoff", 0, 0, 0, out); st != errnoNosys {
		t.Errorf("envoy-1.33 poll_oneoff: errno %d, want ENOSYS", st)
	}
}

// fd_write makes one log line per call (stdout at info, stderr at error),
// dropping one trailing newline (src/exports.cc writevImpl).
func TestFdWriteOneLogLinePerCall(t *testing.T) {
	h := newHostcallVM(t, ProfileCurrent)
	write := func(fd uint64, parts ...string) {
		iov := make([]byte, 8*len(parts))
		at := h.scratch + 1024
		for i, p := range parts {
			h.mem.Write(at, []byte(p))
			binary.LittleEndian.PutUint32(iov[8*i:], at)
			binary.LittleEndian.PutUint32(iov[8*i+4:], uint32(len(p)))
			at += uint32(len(p))
		}
		h.mem.Write(h.scratch, iov)
		if st := h.call(wasiFunctions, "fd_write", fd, uint64(h.scratch), uint64(len(parts)), uint64(h.scratch+512)); st != errnoSuccess {
			t.Fatalf("fd_write: errno %d", st)
		}
	}
	mark := h.logs.Len()
	write(1, "partial")
	write(2, "a\nb", "c\n")
	write(1, "")
	got := h.logs.Since(mark)
	want := []LogLine{{LevelInfo, "partial"}, {LevelError, "a\nbc"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("log lines %q, want %q", got, want)
	}
	if n, _ := h.mem.ReadUint32Le(h.scratch + 512); n != 0 {
		t.Errorf("empty write: %d bytes written, want 0", n)
	}
}

// The environment comes from the VM configuration (Envoy:
// vm_config.environment_variables; src/exports.cc wasi_unstable_environ_get).
func TestEnvironFromVMConfig(t *testing.T) {
	h := newHostcallVM(t, ProfileCurrent)
	h.env = [][2]string{{"A", "1"}, {"MODE", "x=y"}}
	if st := h.call(wasiFunctions, "environ_sizes_get", uint64(h.scratch), uint64(h.scratch+4)); st != errnoSuccess {
		t.Fatalf("environ_sizes_get: errno %d", st)
	}
	n, _ := h.mem.ReadUint32Le(h.scratch)
	size, _ := h.mem.ReadUint32Le(h.scratch + 4)
	if n != 2 || size != uint32(len("A=1\x00MODE=x=y\x00")) {
		t.Fatalf("environ sizes %d, %d", n, size)
	}
	if st := h.call(wasiFunctions, "environ_get", uint64(h.scratch+16), uint64(h.scratch+64)); st != errnoSuccess {
		t.Fatalf("environ_get: errno %d", st)
	}
	p0, _ := h.mem.ReadUint32Le(h.scratch + 16)
	p1, _ := h.mem.ReadUint32Le(h.scratch + 20)
	buf, _ := h.mem.Read(h.scratch+64, size)
	if p0 != h.scratch+64 || p1 != h.scratch+68 || string(buf) != "A=1\x00MODE=x=y\x00" {
		t.Errorf("environ: pointers %d %d, buffer %q", p0, p1, buf)
	}
}
