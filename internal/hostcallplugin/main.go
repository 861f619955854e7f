// Command hostcallplugin measures what one host call costs. Its request
// callback calls proxy_get_header_map_value once per request header line (a
// lookup that finds nothing), and does nothing else; every other export
// returns at once, like internal/emptyplugin. Benchmarks that run it with 1
// and with 9 header lines get the cost of 8 host calls by subtraction.
package main

func main() {}
