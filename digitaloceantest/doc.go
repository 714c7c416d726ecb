// Package digitaloceantest is a stateful, in-memory fake of the
// DigitalOcean API (Account, Actions, 1-Click applications and all of App
// Platform) for testing code that uses the digitalocean SDK, or any other
// HTTP client of the API.
//
// The fake behaves like the API as its OpenAPI description tells it, and
// where the live API does more than the description says, like the live API
// (testdata/live-api-behaviour.md in the SDK's repository; "fact N" is its
// numbered fact, d.N an item of its section (d)):
//
//   - State: creating an app starts a deployment that moves through
//     PENDING_BUILD, BUILDING, DEPLOYING and ACTIVE as the fake's clock
//     advances (Server.Advance, or WithRealClock). Restarts, rollbacks,
//     reverts, commits, cancellations and deletes change the state as the
//     API does; events, job invocations, instances, alerts, health and logs
//     follow it. Actions complete over time.
//   - Stored specs: a created or updated spec is stored, returned and
//     deployed as the live API rewrites it, by the fake's own model of
//     those rewrites (livespec.go, table below), which shares no code with
//     the SDK's normaliser, so that tests against the fake can catch a
//     wrong rule in it.
//   - Secrets: SECRET env values, at app level and in every component, and
//     image.registry_credentials come back as EV[1:<nonce>:<sealed>]
//     ciphertext in the create or update response and every later read
//     (facts 1–5). A ciphertext sent back is kept byte for byte; a
//     plaintext, even one sent before, gets a new ciphertext (facts 3, 4).
//   - Control panel: Server.EditInControlPanel changes a spec as a user
//     does in the control panel; the next update overwrites what was set
//     there with what it sends (fact 35).
//   - Create and update: the answer carries pending_deployment (fact 24); a
//     spec.name another app has is 409 conflict, on create and on an update
//     that renames (fact 26). Alerts of the spec, app-level and per component,
//     are listed by ListAlerts with IDs, one per rule (fact 27).
//   - Deployments: every deployment carries progress, one step per phase; a
//     superseded or canceled deployment keeps the progress it had (fact 25).
//     Lists are newest first (fact 24). Each carries its created_at (the
//     fake's clock) and cause_details: type MANUAL with the user action
//     CREATE_DEPLOYMENT (create, CreateDeployment), UPDATE_SPEC (update,
//     control panel), RESTART, UPGRADE_BUILDPACK or RESET_DATABASE_PASSWORD;
//     MANUAL_ROLLBACK with ROLLBACK_APP (cloned_from the target) or
//     REVERT_APP_ROLLBACK; UPDATE_DATABASE_TRUSTED_SOURCES for a trusted
//     sources toggle that changes the value (fact 30). Server.DeployOnPush
//     starts a DEPLOY_ON_PUSH deployment with git_push details, as a push
//     to the source does; Server.DeployByPlatform a MAINTENANCE or
//     AUTO_ROLLBACK one, internal and with no user action, as the platform
//     does.
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
//     expires live streams (mid-line too), ExpireLogURLs expires every
//     URL handed out and RemoveLogArchive makes a deployment's archived
//     logs answer 404.
//   - Console: GetExec URLs open an echoing shell on the second host
//     (echo, hostname, pwd, env, stty size, exit), authorised by the URL's
//     token only (an Authorization header is refused); ConsoleSessions
//     records stdin, resizes and keep-alives, CloseConsoles and
//     DropConsoles end sessions.
//   - Live-API operations: the 8 operations of live-api-overlay.yaml
//     (tiers, buildpacks, detect, upgrade_buildpack, database connection
//     details, reset_password, trusted_sources) are served statefully.
//   - Faults: Server.FailNext answers matching requests with an error
//     status, a delay, a dropped connection or (WithHTTP2, which serves
//     the API over HTTP/2) a reset stream, with INTERNAL_ERROR or the
//     code Fault.ResetCode chooses (0x7 REFUSED_STREAM, say), before or
//     after carrying the request out; Server.SetRateLimit exhausts the
//     rate limit.
//     Server.Effects counts, by operation, the writes that changed the
//     fake's state, so a test can check that one call had one effect.
//
// # The rewrite table
//
// What the fake does to a spec it stores, in order, and the facts of
// live-api-behaviour.md it follows:
//
//	rewrite                                                        facts
//	each component route → an ingress rule {match.path.prefix:     12, 13, 14
//	  route path, component: name + preserve_path_prefix}, carrying
//	  the component's cors; routes and cors leave the component
//	one service or static site, nothing routed → rule "/" to it    15
//	  (with its cors)
//	internal-only service (internal_ports, no http_port): no rule, 16, 10
//	  no port
//	services without http_port get 8080                            18
//	env type GENERAL reads back absent                             9, 10
//	envs read back sorted by key (stable), not in the order sent   32
//	SECRET env values and image.registry_credentials → EV[1:…:…];  1–5, 8
//	  a ciphertext sent back is kept, a plaintext re-encrypted
//	an update replaces the whole spec, control-panel settings too  35
//	kept as given: instance_count, instance_size_slug, region,     19–21
//	  legacy size slugs
//
// # Known differences from the live API
//
// Where the facts file marks a behaviour not established, the fake makes a
// choice, and it may differ from the live API:
//
//   - Several routable components with no routes and no ingress rules get
//     no generated rule (fact 15); a lone functions component gets none
//     either. An explicit ingress without rules is treated as no ingress.
//     Rules made of routes are appended after the spec's own rules, in the
//     order app_spec lists components (services, static sites,
//     functions). A component's cors with no rule to carry it stays on the
//     component.
//   - An internal-only service is one with no http_port and some
//     internal_ports; it gets no port and no rule (fact 16). The live API
//     may decide otherwise when internal_ports does not include 8080.
//   - Envs are sorted by key: the live API returns "another order" (fact
//     32, uncertain), which order is not known. Compare envs by key.
//   - Defaults for instance_size_slug, region, features, alerts and
//     jobs[].kind are not written into the spec (facts 20, 22, 23); the
//     features and alerts a live spec may carry unasked (fact 36,
//     uncertain) never appear. Env scope is kept as sent.
//   - Ingress string matches come back as sent; the live API may return
//     an empty object or an empty string for them (fact 11).
//   - Only SECRET env values and image.registry_credentials are encrypted;
//     log destination keys, OpenSearch passwords and secure header values
//     are stored as sent (fact 5). Propose returns the rewritten spec but
//     encrypts nothing (fact 6). An empty SECRET value stays empty. The
//     ciphertext is random bytes: nothing can decrypt it.
//   - Every update starts a deployment of every component, whether the
//     spec changed or not (fact 31 says so for a re-encrypted secret).
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
//     an UPDATE_DATABASE_TRUSTED_SOURCES deployment (fact 30, inferred).
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
