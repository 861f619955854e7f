// Command trapplugin is a test plugin that traps (an unrecovered panic) on
// any request carrying an x-trap header, and otherwise continues. Tests use
// it to check that a host answers 503 and keeps serving.
package main

func main() {}
