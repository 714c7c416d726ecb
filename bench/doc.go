// Package bench compares this SDK with godo and with bare net/http +
// encoding/json clients on the same loopback server. Everything lives in
// the _test.go files; run.sh runs the benchmarks and prints benchstat
// tables. See RESULTS.md.
package bench
