// Package digitaloceantest is a stateful, in-memory fake of the
// DigitalOcean API (Account, Actions, 1-Click applications and all of App
// Platform) for testing code that uses the digitalocean SDK, or any other
// HTTP client of the API.
//
// The fake behaves like the API as its OpenAPI description tells it, and
// where the live API does more than the description says, like the live API
// (testdata/live-api-behaviour.md in the SDK's repository, section (a) and
// (d); fact numbers below refer to it):
//
//   - State: creating an app starts a deployment that moves through
//     PENDING_BUILD, BUILDING, DEPLOYING and ACTIVE as the fake's clock
//     advances (Server.Advance, or WithRealClock). Restarts, rollbacks,
//     reverts, commits, cancellations and deletes change the state as the
//     API does; events, job invocations, instances, alerts, health and logs
//     follow it. Actions complete over time.
//   - Stored specs: a created or updated spec is stored, returned and
//     deployed as the live API rewrites it, by the same table as the SDK's
//     NormalizeAppSpec: component routes and cors become top-level
//     ingress.rules (a.12–a.14), a lone service or static site gets the rule
//     "/" (a.15), services get http_port 8080 unless internal-only (a.16,
//     a.18), env type GENERAL reads back absent (a.9). instance_count,
//     sizes, regions and legacy slugs stay as given (a.19–a.21).
//   - Secrets: SECRET env values, at app level and in every component, and
//     image.registry_credentials come back as EV[1:<nonce>:<sealed>]
//     ciphertext in the create or update response and every later read
//     (a.1–a.5). A ciphertext sent back is kept byte for byte; a plaintext,
//     even one sent before, gets a new ciphertext (a.3, a.4).
//   - Create and update: the answer carries pending_deployment (a.24); a
//     spec.name another app has is 409 conflict, on create and on an update
//     that renames (a.26). Alerts of the spec, app-level and per component,
//     are listed by ListAlerts with IDs, one per rule (a.27).
//   - Deployments: every deployment carries progress, one step per phase; a
//     superseded or canceled deployment keeps the progress it had (a.25).
//     Lists are newest first (a.24).
//   - Spec errors: a spec that breaks a rule of the API (names, env keys,
//     instance counts, domains, ingress targets, …) is answered, on create,
//     update and propose, with 400 and {"id": "invalid_argument", "message":
//     "error validating app spec field \"services.name\": <problem>"}: one
//     problem only, the field as a dotted path without indexes or component
//     names (d.1–d.4).
//   - Wire: status codes, the error object (id, message, request_id),
//     pagination (absolute links.pages URLs, meta.total, per_page default
//     20, at most 200), ratelimit-* headers and x-request-id.
//   - Strictness: requests need "Authorization: Bearer <token>"; every
//     request body is checked against its operation's schema in the
//     OpenAPI documents (a table generated from them, never from the SDK's
//     Go types or enum constants): malformed JSON and unknown keys get 400
//     bad_request, a problem in an app spec 400 invalid_argument naming
//     the field as the live API does, other missing required keys, types,
//     enums, patterns and ranges 422 unprocessable_entity. Query
//     parameters are checked against the operation's parameters in the
//     same documents (with live-api-overlay.yaml's x-parameter-additions):
//     an unknown key, a missing required one or a value of the wrong type,
//     enum or range gets 400 bad_request; a path parameter of the wrong
//     type (a non-numeric action id) 404 (docs/validation.md). A malformed
//     request fails in a test rather than in production.
//   - Logs: log URLs point at a second host, carry a pre-signed token and
//     need no Authorization header; Server.LogRequestsWithAuth counts
//     requests that leaked one. Live logs are websockets, one
//     {"data": "<line>\n"} message per line, ended by close 1000 when the
//     logs end (at once after the backlog without follow); a plain GET
//     gets 426 (WithChunkedLiveLogs serves chunked HTTP instead).
//     tail_lines (<= 0: no limit) and component_name are honoured; URLs
//     expire after LogURLLifetime (403); FailNextLogStreams drops or
//     expires live streams (mid-line too) and ExpireLogURLs expires every
//     URL handed out.
//   - Console: GetExec URLs open an echoing shell on the second host
//     (echo, hostname, pwd, env, stty size, exit), authorised by the URL's
//     token only (an Authorization header is refused); ConsoleSessions
//     records stdin, resizes and keep-alives, CloseConsoles and
//     DropConsoles end sessions.
//   - Live-API operations: the 8 operations of live-api-overlay.yaml
//     (tiers, buildpacks, detect, upgrade_buildpack, database connection
//     details, reset_password, trusted_sources) are served statefully.
//   - Faults: Server.FailNext answers matching requests with an error
//     status, a delay or a dropped connection; Server.SetRateLimit
//     exhausts the rate limit.
//
// # Known differences from the live API
//
// Where the facts file marks a behaviour not established, the fake makes a
// choice, and it may differ from the live API:
//
//   - Several routable components with no routes and no ingress rules get
//     no generated rule (a.15); a lone functions component gets none
//     either. Routes sent next to ingress rules are appended after them.
//     A component's cors with no route to carry it stays on the component.
//   - An internal-only service is one with no http_port and some
//     internal_ports; it gets no port and no rule (a.16). The live API may
//     decide otherwise when internal_ports does not include 8080.
//   - Defaults for instance_size_slug, region, features and jobs[].kind are
//     not written into the spec (a.20, a.22, a.23).
//   - Only SECRET env values and image.registry_credentials are encrypted;
//     log destination keys, OpenSearch passwords and secure header values
//     are stored as sent (a.5). Propose returns the rewritten spec but
//     encrypts nothing (a.6). An empty SECRET value stays empty. The
//     ciphertext is random bytes: nothing can decrypt it.
//   - Unknown query parameters are refused; the live API may ignore
//     them. per_page above 200 is refused as the documents say;
//     the live API may serve 200.
//   - The 400 body's id is "invalid_argument" (d.2 leaves it open), and an
//     app-wide problem (no component at all) names the field "services".
//     The fake checks fewer rules than the API; malformed or mistyped
//     requests are refused by the schema checks above.
//   - A superseded deployment's running step stays RUNNING.
//   - Live log URLs are http:// on the fake's plain host (clients dial
//     them as ws://, as doctl does); the live API's are https:// (wss).
//     Without follow the backlog ends with close 1000 and an expired URL's
//     stream with close 1000 too, both inferred (c.9); the 426 for a plain
//     GET is the fake's choice.
//   - The console closes a session idle for ConsoleIdleTimeout (100 s)
//     with 1001; the live value is not documented. Its refusal statuses
//     (400, 403, 426) are the fake's choice.
//   - Detect never answers pending: true; toggling trusted sources starts
//     an UPDATE_DATABASE_TRUSTED_SOURCES deployment (a.30, inferred).
//   - Alert IDs are derived from the app, the component and the rule (and
//     which of that component's alerts on the rule it is), so they survive
//     updates that reorder alerts; whether the live API keeps them is not
//     established.
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
