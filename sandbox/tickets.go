package sandbox

import "time"

const (
	// ticketLifetime is the documented jsapi_ticket / wx_card ticket lifetime.
	ticketLifetime = 7200 * time.Second
	// ticketRenewBefore is how long before expiry TicketReuse issues a new ticket (Q7).
	ticketRenewBefore = 300 * time.Second
)

// ticketTypes are the getticket types the platform accepts.
var ticketTypes = map[string]bool{"jsapi": true, "wx_card": true}

// ticket is an issued jsapi or wx_card ticket. The sandbox never checks tickets (they
// only feed client-side signatures), so it keeps just the current one per type.
type ticket struct {
	value   string
	expires time.Time
}

// ticketFor returns the ticket getticket answers for a and typ at now, issuing a new one
// when there is none, when the current one is within ticketRenewBefore of expiry, or
// always under TicketNewEachCall. Callers hold s.mu.
func (s *Sandbox) ticketFor(a *account, typ string, now time.Time) *ticket {
	cur := a.tickets[typ]
	if s.ticketRotation == TicketReuse && cur != nil && cur.expires.Sub(now) > ticketRenewBefore {
		return cur
	}
	// Real tickets are 86 characters such as "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5O…".
	t := &ticket{value: s.randString(86), expires: now.Add(ticketLifetime)}
	a.tickets[typ] = t
	return t
}
