// Command cors-wasm is the proxy-wasm plugin's package main. Built with
// GOOS=wasip1 GOARCH=wasm -buildmode=c-shared it is a WASI reactor: the host
// calls _initialize (which runs init) and then the proxy-wasm exports; main
// never runs.
package main

import (
	"github.com/cors-wasm/cors-wasm/filter"
	"github.com/cors-wasm/cors-wasm/internal/abi"
)

func init() {
	abi.SetVMContext(filter.NewVMContext(abi.NewHost()))
}

func main() {}
