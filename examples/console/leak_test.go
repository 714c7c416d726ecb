package main

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine outlives them: a
// leaked connection, a stream reader or a prefetching worker.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
