package bench

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// apiServer serves the fixtures on loopback. A base URL of the form
// {srv.URL}/{latencyMs}/{total}/ selects the latency added to every
// request and the length of the actions list, so one server backs every
// benchmark; paths straight under /v2/ get neither (godo drops the base
// path on some routes). It answers from prebuilt bytes, or streams action
// pages through a pooled 4 KiB buffer, so its own allocations, which the
// benchmarks count as well, are few and the same for every client.
type apiServer struct {
	*httptest.Server
	f        *fixtures
	requests atomic.Int64
	bufs     sync.Pool
}

var (
	jsonType   = []string{"application/json; charset=utf-8"}
	rateLimit  = []string{"5000"}
	rateRemain = []string{"4999"}
	rateReset  = []string{strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}
)

func newAPIServer(f *fixtures) *apiServer {
	s := &apiServer{f: f}
	s.bufs.New = func() any { b := make([]byte, 0, 4<<10); return &b }
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// base returns the base URL for the given latency and actions total.
func (s *apiServer) base(latency time.Duration, total int) string {
	return s.URL + "/" + strconv.Itoa(int(latency/time.Millisecond)) + "/" + strconv.Itoa(total) + "/"
}

func (s *apiServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	route := strings.TrimPrefix(r.URL.Path, "/")
	latency, total := 0, 0
	if !strings.HasPrefix(route, "v2/") { // godo drops the base path on some routes, such as apps
		var latencyMs, totalStr string
		latencyMs, route, _ = strings.Cut(route, "/")
		totalStr, route, _ = strings.Cut(route, "/")
		latency, _ = strconv.Atoi(latencyMs)
		total, _ = strconv.Atoi(totalStr)
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		http.Error(w, `{"id":"unauthorized","message":"no token"}`, http.StatusUnauthorized)
		return
	}
	if latency > 0 {
		time.Sleep(time.Duration(latency) * time.Millisecond)
	}

	if route == "v2/actions" {
		s.serveActions(w, r.URL.RawQuery, total)
		return
	}
	var body []byte
	switch route {
	case "v2/account":
		body = s.f.account
	case "v2/apps":
		body = s.f.apps50
	default:
		if strings.HasPrefix(route, "v2/apps/") {
			body = s.f.app
			break
		}
		http.Error(w, `{"id":"not_found","message":"no such route"}`, http.StatusNotFound)
		return
	}
	s.headers(w, len(body))
	_, _ = w.Write(body)
}

// serveActions streams one page of a list of total actions.
func (s *apiServer) serveActions(w http.ResponseWriter, rawQuery string, total int) {
	page := queryInt(rawQuery, "page", 1)
	perPage := min(queryInt(rawQuery, "per_page", 20), 200)
	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	s.headers(w, s.f.writeActionsPage(byteCounter{}, *bp, page, perPage, total))
	s.f.writeActionsPage(w, *bp, page, perPage, total)
}

func (s *apiServer) headers(w http.ResponseWriter, length int) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Ratelimit-Limit"] = rateLimit
	h["Ratelimit-Remaining"] = rateRemain
	h["Ratelimit-Reset"] = rateReset
	h["Content-Length"] = []string{strconv.Itoa(length)}
}

// queryInt reads a decimal query parameter without allocating.
func queryInt(rawQuery, key string, def int) int {
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if k, v, ok := strings.Cut(pair, "="); ok && k == key {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				return n
			}
		}
	}
	return def
}
