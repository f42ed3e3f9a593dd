package sandbox

// This file implements the shopping-guide admin RPC: advisor–buyer chat records.

import (
	"context"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
)

// AddGuideChatRecord records a chat message between an advisor and a buyer.
func (x *admin) AddGuideChatRecord(_ context.Context, req *sandboxv1.AddGuideChatRecordRequest) (*sandboxv1.AddGuideChatRecordResponse, error) {
	if err := requireAppID(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := requireOpenID(req.GetOpenid()); err != nil {
		return nil, err
	}
	if (req.GetGuideAccount() == "") == (req.GetGuideOpenid() == "") {
		return nil, invalid("guide_account", "exactly one of guide_account and guide_openid is required")
	}
	if req.GetCreateTime() < 0 {
		return nil, invalid("create_time", "must not be negative")
	}
	err := x.s.AddGuideChatRecord(req.GetAppId(), GuideChatRecord{
		GuideAccount: req.GetGuideAccount(), GuideOpenID: req.GetGuideOpenid(), OpenID: req.GetOpenid(),
		CreateTime: req.GetCreateTime(), Content: req.GetContent(), ContentType: int(req.GetContentType()),
		Direction: int(req.GetDirection()),
	})
	if err != nil {
		return nil, adminRenameField(err, adminSnakeField("record."))
	}
	return &sandboxv1.AddGuideChatRecordResponse{}, nil
}
