package digitalocean

// WriteOperationsForTest maps the operationId of every write in the
// operations table to whether it may be re-sent after an attempt that may
// have been applied (opConverge) or not (opOnce). faults_matrix_test.go
// derives its rows from it: it is an external test, because the fake it
// runs against imports this package.
var WriteOperationsForTest = func() map[string]bool {
	out := map[string]bool{}
	for i := range operations {
		if o := &operations[i]; o.write() {
			out[o.id] = o.resend()
		}
	}
	return out
}()
