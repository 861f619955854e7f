package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
)

// pluginConfig is the configuration devproxy hands the plugin, and the file
// it came from: a plugin configuration, or any deployment file that carries
// one (an Envoy bootstrap, an Istio WasmPlugin, an Envoy Gateway
// EnvoyExtensionPolicy), converted as that platform converts it.
type pluginConfig struct {
	file string // as given, "stdin" for -
	c    configfile.Config
}

// readConfig reads -config: the file, or standard input for "-".
func readConfig(path string, stdin io.Reader) (pluginConfig, error) {
	var data []byte
	var err error
	name := path
	if path == "-" {
		name = "stdin"
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return pluginConfig{}, fmt.Errorf("reading the configuration: %w", err)
	}
	kind, configs, err := configfile.Find(data)
	switch {
	case err != nil:
		return pluginConfig{}, fmt.Errorf("%s: %w", name, err)
	case len(configs) == 0:
		return pluginConfig{}, fmt.Errorf("%s: no cors-wasm configuration in this %s (corsctl check %s says why)", name, kind, path)
	case len(configs) > 1:
		var where []string
		for _, c := range configs {
			where = append(where, name+":"+strconv.Itoa(c.Line)+" "+c.Where)
		}
		return pluginConfig{}, fmt.Errorf("%s holds %d cors-wasm configurations (%s); devproxy runs one: put it in a file of its own",
			name, len(configs), strings.Join(where, "; "))
	case configs[0].Problem != "":
		return pluginConfig{}, fmt.Errorf("%s:%d: %s: %s", name, configs[0].Line, configs[0].Where, configs[0].Problem)
	}
	return pluginConfig{file: name, c: configs[0]}, nil
}

// JSON is the configuration as the plugin receives it.
func (p pluginConfig) JSON() []byte { return p.c.JSON }

// refusal says, for a configuration the plugin refused, which lines of the
// file are wrong: the plugin's own log lines give JSON paths, and in a
// deployment file the JSON path of the embedded configuration is far from
// the line to edit. The judge is the same code, policy.Load.
func (p pluginConfig) refusal(w io.Writer) {
	_, err := policy.Load(p.c.JSON)
	var errs policy.Errors
	if !errors.As(err, &errs) {
		return
	}
	for _, e := range errs {
		fmt.Fprintf(w, "devproxy: %s:%d: %s\n", p.file, p.c.LineOfError(e), e.Error())
	}
}
