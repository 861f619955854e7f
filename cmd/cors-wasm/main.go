// Command cors-wasm is the proxy-wasm plugin's package main (a stub until the
// plugin lands).
package main

func main() {}
