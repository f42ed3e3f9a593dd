package token

import (
	"context"
	"time"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

var _ wechat.ExpiringTokenSource = (*Service)(nil)

// AccessTokenWithExpiry returns the account's current access token and its expiry
// (wechat.ExpiringTokenSource).
func (s *Service) AccessTokenWithExpiry(ctx context.Context, appID string) (string, time.Time, error) {
	c, err := s.GetAccessToken(ctx, appID)
	if err != nil {
		return "", time.Time{}, err
	}
	return c.Value, c.ExpiresAt, nil
}
