package digitalocean

import (
	"context"
)

// Detect inspects a source repository (exactly one of req.Git, req.GitHub,
// req.GitLab and req.Bitbucket) and reports the components App Platform
// would build from it, or the app spec of the deploy template it carries.
// Detection can take a while: while the result's Pending is true, call
// Detect again with the same request. It is a POST and is never re-sent
// after it may have reached the server.
//
// API: not in the public API reference; the live-API description is
// apps_detect in testdata/live-api-overlay.yaml, as godo calls it:
// https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.Detect
func (s *AppsService) Detect(ctx context.Context, req *AppDetectRequest) (*AppDetectResponse, *Response, error) {
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	sources := 0
	for _, set := range []bool{req.Git != nil, req.GitHub != nil, req.GitLab != nil, req.Bitbucket != nil} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must name exactly one source of Git, GitHub, GitLab and Bitbucket"}
	}
	out := new(AppDetectResponse)
	resp, err := s.client.call(ctx, opAppsDetect, "v2/apps/detect", nil, req, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}
