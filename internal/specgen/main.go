// Command specgen generates the App Platform Go types of package
// digitalocean (apps_types.gen.go) from the OpenAPI spec subset in testdata
// and the live-API overlay in overlay.yaml. Run it from the module root:
//
//	go run ./internal/specgen
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
)

func main() {
	specPath := flag.String("spec", "testdata/digitalocean-v2-subset.yaml", "OpenAPI spec")
	overlayPath := flag.String("overlay", "internal/specgen/overlay.yaml", "live-API overlay")
	out := flag.String("out", "apps_types.gen.go", "output file")
	flag.Parse()
	src, err := generate(*specPath, *overlayPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if old, err := os.ReadFile(*out); err == nil && bytes.Equal(old, src) {
		return
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// generate returns the formatted source of apps_types.gen.go. The paths are
// also printed in the file header, so pass them relative to the module root
// for a reproducible header.
func generate(specPath, overlayPath string) ([]byte, error) {
	return generateFrom(specPath, overlayPath, specPath, overlayPath)
}

func generateFrom(specPath, overlayPath, specName, overlayName string) ([]byte, error) {
	spec, err := loadSpec(specPath)
	if err != nil {
		return nil, err
	}
	ov, err := loadOverlay(overlayPath)
	if err != nil {
		return nil, err
	}
	if err := applyOverlay(spec, ov); err != nil {
		return nil, err
	}
	m := newModel(spec)
	if err := m.build(); err != nil {
		return nil, err
	}
	return m.emit(specName, overlayName)
}
