package messaging

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// maxOpenIDBytes bounds an openid argument (openids are 28 characters).
const maxOpenIDBytes = 128

// Location operations of the accept script.
const (
	locationSet    = "set"
	locationDelete = "del"
)

// locationUpdate says what a new push does to its sender's location hash: a LOCATION
// report replaces it, an unsubscribe deletes it (the platform requires that data kept
// about a user be deleted when they unfollow). key is "" for any other push.
func locationUpdate(acc *account, ev *messagingv1.Event) (key, op string, data []byte, err error) {
	switch p := ev.GetPayload().(type) {
	case *messagingv1.Event_LocationReport:
		data, err = proto.Marshal(&messagingv1.GetUserLocationResponse{Location: p.LocationReport, ReportTime: ev.GetCreateTime()})
		if err != nil {
			return "", "", nil, fmt.Errorf("encode location: %w", err)
		}
		return acc.keys.location(ev.GetFromUserName()), locationSet, data, nil
	case *messagingv1.Event_Unsubscribe:
		return acc.keys.location(ev.GetFromUserName()), locationDelete, nil, nil
	}
	return "", "", nil, nil
}

// UserLocationNotFoundError is returned by GetUserLocation when no location is known for
// the user: they never reported one, unfollowed since, or it expired
// (messaging.location_ttl).
type UserLocationNotFoundError struct {
	AppID string
}

func (e *UserLocationNotFoundError) Error() string {
	return fmt.Sprintf("no location known for this user of %s (none reported, unfollowed since, or expired)", e.AppID)
}

// GetUserLocation returns the last LOCATION report of the user openID.
func (s *Service) GetUserLocation(ctx context.Context, appID, openID string) (*messagingv1.GetUserLocationResponse, error) {
	acc, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	switch {
	case openID == "":
		return nil, &ArgumentError{Field: "openid", Reason: "is required"}
	case len(openID) > maxOpenIDBytes:
		return nil, &ArgumentError{Field: "openid", Reason: fmt.Sprintf("is %d bytes, at most %d", len(openID), maxOpenIDBytes)}
	}
	vals, err := s.rdb.HMGet(ctx, acc.keys.location(openID), "d", "i").Result()
	if err != nil {
		return nil, &StoreError{AppID: appID, Op: "read location", Err: err}
	}
	raw, ok := vals[0].(string)
	if !ok {
		return nil, &UserLocationNotFoundError{AppID: appID}
	}
	out := &messagingv1.GetUserLocationResponse{}
	if err := proto.Unmarshal([]byte(raw), out); err != nil {
		return nil, fmt.Errorf("decode location of %s: %w", appID, err)
	}
	out.EventId, _ = vals[1].(string)
	return out, nil
}
