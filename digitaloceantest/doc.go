// Package digitaloceantest is a stateful, in-memory fake of the
// DigitalOcean API (Account, Actions, 1-Click applications and all of App
// Platform) for testing code that uses the digitalocean SDK, or any other
// HTTP client of the API.
//
// The fake behaves like the API as its OpenAPI description tells it:
//
//   - State: creating an app starts a deployment that moves through
//     PENDING_BUILD, BUILDING, DEPLOYING and ACTIVE as the fake's clock
//     advances (Server.Advance, or WithRealClock). Restarts, rollbacks,
//     reverts, commits, cancellations and deletes change the state as the
//     API does; events, job invocations, instances, alerts, health and logs
//     follow it. Actions complete over time.
//   - Wire: status codes, the error object (id, message, request_id),
//     pagination (absolute links.pages URLs, meta.total, per_page default
//     20, at most 200), ratelimit-* headers and x-request-id.
//   - Strictness: requests need "Authorization: Bearer <token>"; every
//     request body is checked against its operation's schema in the
//     OpenAPI documents (a table generated from them, never from the SDK's
//     Go types): malformed JSON and unknown keys get 400 bad_request, a
//     problem in an app spec 400 invalid_argument naming the field as the
//     live API does, other missing required keys, types, enums, patterns
//     and ranges 422 unprocessable_entity (docs/validation.md), so a
//     malformed request fails in a test rather than in production.
//   - Logs: log URLs point at a second host, carry a pre-signed token and
//     need no Authorization header; Server.LogRequestsWithAuth counts
//     requests that leaked one. Live logs are streamed one line per chunk.
//   - Faults: Server.FailNext answers matching requests with an error
//     status, a delay or a dropped connection; Server.SetRateLimit
//     exhausts the rate limit.
//
// A test starts a fake with New and talks to it with Client:
//
//	srv := digitaloceantest.New(t)
//	client := srv.Client()
//	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: spec})
//	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration) // the deployment is ACTIVE
//
// Inside a testing/synctest bubble, use WithInMemoryNetwork (and, to let
// deployments progress while the SDK waits, WithRealClock): retries,
// rate-limit pauses and waiters then run in fake time.
//
// Outside tests, NewServer starts a fake that runs until Close, for demos.
package digitaloceantest
