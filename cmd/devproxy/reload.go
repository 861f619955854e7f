package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// watchReload reloads the configuration file on SIGHUP, as a config update
// reaches Envoy: every VM gets a new root context with it while requests in
// flight finish under the old one (wasmhost.Pool.Reconfigure); a
// configuration the plugin refuses is reported and the previous one keeps
// serving. A configuration read from stdin (-config -) cannot be reloaded.
// The returned function stops watching.
func watchReload(path string, pool *wasmhost.Pool, out io.Writer, outMu *sync.Mutex) (stop func()) {
	if path == "-" {
		return func() {}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-hup:
				msg := reload(path, pool)
				outMu.Lock()
				fmt.Fprintln(out, msg)
				outMu.Unlock()
				if reloaded != nil {
					reloaded <- msg
				}
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// reloaded, when set (tests), gets each reload's message.
var reloaded chan string

// reload applies the file at path and says what happened.
func reload(path string, pool *wasmhost.Pool) string {
	config, err := readConfig(path, nil)
	if err != nil {
		return "devproxy: reload: " + err.Error() + "; still serving the previous configuration"
	}
	var ce *wasmhost.ConfigError
	switch err := pool.Reconfigure(config.JSON()); {
	case errors.As(err, &ce):
		var lines strings.Builder
		config.refusal(&lines)
		return lines.String() + "devproxy: reload: the plugin refused the configuration in " + path + "; still serving the previous one"
	case err != nil:
		return "devproxy: reload: " + err.Error()
	}
	return "devproxy: reloaded " + path
}
