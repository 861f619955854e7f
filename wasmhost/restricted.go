package wasmhost

// Envoy's host lets a module call only some imports while _initialize runs
// (proxy-wasm-cpp-host src/wasm.cc WasmBase::startVm) and while
// proxy_on_memory_allocate runs (include/proxy-wasm/wasm.h
// WasmBase::allocMemory); any other call traps the VM ("restricted_callback",
// src/v8/v8.cc). Commit 94091cd (April 2026) widened both lists; the older
// ones are kept for ProfileEnvoy133. Only functions this host provides are
// listed (Envoy also allows env.emscripten_notify_memory_growth and the
// wasi_unstable names).

type callSet map[string]bool

func calls(names ...string) callSet {
	s := callSet{}
	for _, n := range names {
		s[n] = true
	}
	return s
}

const w = wasiModule + "."

var (
	initializeCurrent = calls("env.proxy_log", w+"fd_write", w+"args_sizes_get", w+"args_get",
		w+"environ_sizes_get", w+"environ_get", w+"clock_time_get", w+"clock_res_get", w+"random_get",
		w+"poll_oneoff", w+"fd_fdstat_get", w+"fd_fdstat_set_flags",
		// "allow all of these (for the most part, they just return ENOTSUP)"
		w+"fd_advise", w+"fd_allocate", w+"fd_datasync", w+"fd_fdstat_set_rights", w+"fd_filestat_get",
		w+"fd_filestat_set_size", w+"fd_filestat_set_times", w+"fd_pread", w+"fd_prestat_dir_name",
		w+"fd_prestat_get", w+"fd_pwrite", w+"fd_readdir", w+"fd_renumber", w+"fd_sync", w+"fd_tell",
		w+"path_create_directory", w+"path_filestat_get", w+"path_filestat_set_times", w+"path_link",
		w+"path_readlink", w+"path_remove_directory", w+"path_rename", w+"path_symlink",
		w+"path_unlink_file", w+"sock_accept", w+"sock_recv", w+"sock_send", w+"sock_shutdown")
	allocateCurrent = calls("env.proxy_log", w+"fd_write", w+"clock_time_get", w+"poll_oneoff")

	initializeEnvoy133 = calls("env.proxy_log", w+"fd_write", w+"args_sizes_get", w+"args_get",
		w+"environ_sizes_get", w+"environ_get", w+"fd_prestat_get", w+"fd_prestat_dir_name",
		w+"clock_time_get", w+"random_get", w+"fd_fdstat_get", w+"fd_fdstat_set_flags")
	allocateEnvoy133 = calls("env.proxy_log", w+"fd_write", w+"clock_time_get")
)

// allowed returns the calls a restricted phase allows in this VM's profile.
func (vm *VM) allowed() callSet {
	switch {
	case vm.phase == phaseInitialize && vm.profile == ProfileEnvoy133:
		return initializeEnvoy133
	case vm.phase == phaseInitialize:
		return initializeCurrent
	case vm.profile == ProfileEnvoy133:
		return allocateEnvoy133
	}
	return allocateCurrent
}

// checkRestricted traps (panics inside the host call, which wazero turns into
// an error of the running export) when key is not allowed now. It counts the
// violation first, so tests can see one happened even if a guest recovers.
func (vm *VM) checkRestricted(key string) {
	if vm.allowed()[key] {
		return
	}
	vm.Restricted++
	where := "_initialize"
	if vm.phase == phaseAllocate {
		where = "proxy_on_memory_allocate"
	}
	panic("wasmhost: restricted_callback: " + key + " called during " + where + ", which Envoy's host (" + vm.profile.String() + ") does not allow there")
}
