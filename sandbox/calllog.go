package sandbox

import "time"

// Call is one request the emulated WeChat API received, or one push attempt the sandbox
// sent to an account's callback URL (Push set).
type Call struct {
	// Seq numbers calls from 1 in the order they were answered; it keeps increasing
	// across ClearCalls.
	Seq int64
	// Time is the simulated time the call arrived.
	Time time.Time
	// Method is the HTTP method.
	Method string
	// Path is the URL path, e.g. "/cgi-bin/token".
	Path string
	// AppID is the account the call was for: the appid parameter (query or JSON body) or
	// the owner of the access token it carried; "" when unknown.
	AppID string
	// AccessToken is the access_token query parameter the call carried, if any.
	AccessToken string
	// Errcode is the errcode answered (0 on success and for HTTP_STATUS faults).
	Errcode int
	// HTTPStatus is the HTTP status answered; 0 when the connection was dropped or the
	// client went away during a latency fault.
	HTTPStatus int
	// FaultID is the ID of the fault rule that affected the call, if any.
	FaultID string
	// Push is true for a push attempt the sandbox sent (see [Sandbox.PushXML]): Method is
	// POST, Path the callback URL's path, AppID the account, HTTPStatus the status the
	// account's server answered (0 when none came in time or the connection failed).
	Push bool
}

// CallFilter selects calls; zero fields match everything.
type CallFilter struct {
	// Path keeps only calls with this exact path.
	Path string
	// AppID keeps only calls for this account.
	AppID string
	// AfterSeq keeps only calls with a greater Seq.
	AfterSeq int64
}

func (f CallFilter) match(c *Call) bool {
	return (f.Path == "" || c.Path == f.Path) && (f.AppID == "" || c.AppID == f.AppID) && c.Seq > f.AfterSeq
}

// Calls returns the logged calls matching f, oldest first. The log keeps at least the
// last Options.MaxCalls calls (and up to a quarter more: it is trimmed in batches).
func (s *Sandbox) Calls(f CallFilter) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for i := range s.calls {
		if f.match(&s.calls[i]) {
			out = append(out, s.calls[i])
		}
	}
	return out
}

// ClearCalls empties the call log. Sequence numbers continue where they were, so a
// cursor taken before stays valid.
func (s *Sandbox) ClearCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
}

// record appends c to the log, assigning its Seq. It runs before the answer is written
// so that a client that has its answer finds the call in the log.
func (s *Sandbox) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.callSeq++
	c.Seq = s.callSeq
	s.calls = append(s.calls, c)
	// Trim in batches so that a full log does not copy on every call.
	if len(s.calls) > s.maxCalls+s.maxCalls/4 {
		n := copy(s.calls, s.calls[len(s.calls)-s.maxCalls:])
		clear(s.calls[n:])
		s.calls = s.calls[:n]
	}
}
