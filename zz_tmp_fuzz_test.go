package digitalocean

import "testing"

func FuzzZZTmpLogLine(f *testing.F) {
	f.Add("web 2024-05-01T12:00:00Z hi")
	f.Fuzz(func(t *testing.T, s string) { _ = ParseLogLine(s) })
}
