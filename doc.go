// Package digitalocean is a typed Go client for the DigitalOcean API v2,
// covering Account, Actions, App Platform (Apps) and 1-Click applications
// completely: every operation and field of the official OpenAPI
// description, plus the operations, query parameters and fields the live
// API has beyond it (testdata/live-api-overlay.yaml).
//
// # Authentication
//
// Create one Client and share it; it is safe for concurrent use:
//
//	client, err := digitalocean.New(digitalocean.WithToken(os.Getenv("DIGITALOCEAN_TOKEN")))
//
// WithTokenSource accepts any oauth2.TokenSource (for refreshing OAuth
// tokens). The bearer token is sent only to the API's own scheme and host:
// never on a redirect to another host, never to the pre-signed log URLs,
// and never in an error, a log line or a *Response a caller can reach.
// WithHTTPClient keeps your transport, timeout and middleware (tracing,
// proxies) and wraps it; WithBaseURL points the client at a proxy or the
// fake API (a path prefix is kept); WithUserAgent names your product.
//
// # Calls and errors
//
// Every method takes a context and returns the result, the *Response
// (HTTP response, rate limits, pagination links, request ID) and an error:
//
//	app, resp, err := client.Apps.Get(ctx, appID)
//
// API failures are *Error values carrying status, the API's error id
// ("not_found", "too_many_requests", ...), message and request ID; use
// errors.Is with ErrNotFound, ErrUnauthorized, ErrForbidden, ErrRateLimited,
// ErrServerError, or errors.As for the details. Invalid arguments (an empty
// ID, a value outside the API's enum, a missing required field) return an
// *ArgumentError before anything is sent. A 2xx body that cannot be decoded
// is a *DecodeError that still carries the *Response; a network failure is a
// *RequestError.
//
// # Pagination and iterators
//
// List methods return one page ([]T) and a *Response whose Links, Meta,
// NextPage and LastPage describe the rest. Every paginated list also has an
// iterator that fetches pages of MaxPerPage (200) as the loop needs them,
// stops fetching when the loop breaks, honours ctx, and ends with
// ErrPaginationLoop rather than looping forever on a misbehaving server:
//
//	for action, err := range client.Actions.All(ctx, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(action.ID, action.Status)
//	}
//
// ListOptions.Prefetch fetches pages ahead in parallel once the total is
// known, still yielding items in order.
//
// # Retries and rate limits
//
// GET, HEAD, PUT and DELETE are retried on 429, 500, 502, 503, 504 and
// transport errors, with capped exponential backoff and full jitter,
// honouring retry-after and ratelimit-reset and never sleeping past the
// context deadline. The API has no idempotency keys, so a POST is re-sent
// only when it certainly never reached the server or was refused with 429;
// otherwise its error reports that the outcome is unknown. WithRetry tunes
// or disables this. Client.Rate reports the latest rate-limit figures; when
// the window is used up the next request waits for the reset instead of
// drawing a 429. WithClientRateLimit(APIRequestsPerMinute, APIRequestsPerHour)
// adds an optional client-side limiter that keeps bulk jobs under the API's
// budgets. WithLogger logs each attempt at debug level (allow-listed
// headers, secret-looking query values redacted), and each log-stream,
// archived-log and console connection by host and path, never its signed
// query; it costs nothing when off.
//
// # Waiting
//
// Actions.Wait and Apps.WaitForDeployment poll with capped exponential
// backoff until the action completes or the deployment is ACTIVE, and
// return typed errors (*ActionFailedError, *DeploymentFailedError naming the
// failing step and its reason) otherwise. Cancelling the context stops the
// waiting, not the operation. Apps.WaitForAppDeployment waits for the
// deployment that a Create, Update or CreateDeployment started.
// WaitOptions.OnProgress receives every polled deployment or action, so a
// caller can show a deployment's steps as they complete.
//
// # Logs
//
// Apps.GetLogs returns pre-signed live and historic log URLs on other
// hosts; Apps.StreamLogs yields the live log line by line (https or wss) and
// Apps.DownloadLogs opens a historic log. Apps.FollowLogs follows an app's
// logs across dropped connections and expired URLs without duplicating or
// skipping a line. The API token is never sent to those hosts.
//
// # Console
//
// Apps.OpenConsole opens the exec console of a component: a *Console is an
// io.ReadWriteCloser over the console websocket with Resize and automatic
// keep-alives. The console URL carries its own credential; the API token is
// never sent to it.
//
// # App spec files
//
// Package appspec (github.com/oceankit/digitalocean/appspec) holds the
// app-spec toolkit. appspec.Load and appspec.Parse read an App Platform
// app spec file (YAML or JSON, the format of the control panel and doctl),
// reporting every problem at once (appspec.Errors), a likely typo with the
// known key it misspells; appspec.Marshal writes one back losslessly,
// unknown keys included, and appspec.LoadDeployTemplate reads
// .do/deploy.template.yaml (see docs/appspec-files.md). appspec.Validate
// checks a spec offline and returns every problem (an appspec.Errors, as
// appspec.Parse does); Apps.Propose validates it against the API.
// appspec.Normalize applies what the live API does to a stored spec
// (routes to ingress rules, defaults), appspec.Diff lists semantic changes
// between two specs (SECRET ciphertext against plaintext is flagged
// undecidable, not reported as drift, and settled by appspec.DiffWith from
// the fingerprints of the secrets last applied). AppSpec's YAML methods read and
// write the same format, and AppSpec.Clone deep-copies a spec
// (docs/providers.md). *Error.Field names the spec field an API rejection
// names.
// AppSpec.Components and AppSpec.Component walk and find components. Specs
// read from the API keep fields this SDK does not know yet
// (AppSpec.UnknownFields lists them), so Get → modify → Update never loses
// data. Optional fields whose zero value means something are pointers; set
// them with Ptr.
//
// # Testing
//
// Package digitaloceantest runs a stateful, strict fake of every operation
// on loopback, with a controllable clock and fault injection, for your own
// tests:
//
//	srv := digitaloceantest.New(t)
//	client := srv.Client()
package digitalocean
