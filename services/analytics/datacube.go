package analytics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// datacube describes one /datacube/ endpoint.
type datacube struct {
	// path is the API path.
	path string
	// span is the most days one call may ask for.
	span int
	// split allows splitting a longer range into calls of span days; without it a range
	// over span is refused.
	split bool
}

// The datacube endpoints and their spans (the digest's 数据统计 chapter; card
// statistics 62 days). The dist week and month spans follow the classic table (30).
var (
	cubeUserSummary      = datacube{"/datacube/getusersummary", 7, true}
	cubeUserCumulate     = datacube{"/datacube/getusercumulate", 7, true}
	cubeArticleSummary   = datacube{"/datacube/getarticlesummary", 1, true}
	cubeArticleTotal     = datacube{"/datacube/getarticletotal", 1, true}
	cubeUserRead         = datacube{"/datacube/getuserread", 3, true}
	cubeUserReadHour     = datacube{"/datacube/getuserreadhour", 1, true}
	cubeUserShare        = datacube{"/datacube/getusershare", 7, true}
	cubeUserShareHour    = datacube{"/datacube/getusersharehour", 1, true}
	cubeUpstreamMsg      = datacube{"/datacube/getupstreammsg", 7, true}
	cubeUpstreamMsgHour  = datacube{"/datacube/getupstreammsghour", 1, true}
	cubeUpstreamMsgWeek  = datacube{"/datacube/getupstreammsgweek", 30, false}
	cubeUpstreamMsgMonth = datacube{"/datacube/getupstreammsgmonth", 30, false}
	cubeUpstreamDist     = datacube{"/datacube/getupstreammsgdist", 15, true}
	cubeUpstreamDistWeek = datacube{"/datacube/getupstreammsgdistweek", 30, false}
	cubeUpstreamDistMon  = datacube{"/datacube/getupstreammsgdistmonth", 30, false}
	cubeInterface        = datacube{"/datacube/getinterfacesummary", 30, true}
	cubeInterfaceHour    = datacube{"/datacube/getinterfacesummaryhour", 1, true}
	cubeCardBizUin       = datacube{"/datacube/getcardbizuininfo", 62, true}
	cubeCardCard         = datacube{"/datacube/getcardcardinfo", 62, true}
	cubeMemberCard       = datacube{"/datacube/getcardmembercardinfo", 62, true}
	cubeMemberCardDetail = datacube{"/datacube/getcardmembercarddetail", 62, true}
)

// rangeRequest is the part every datacube request shares.
type rangeRequest interface {
	GetAppId() string
	GetBeginDate() string
	GetEndDate() string
}

// listAnswer is a datacube answer: {"list":[…]}.
type listAnswer struct {
	List []json.RawMessage `json:"list"`
}

// rowDecoding reads the platform's list entries into proto rows.
var rowDecoding = protojson.UnmarshalOptions{DiscardUnknown: true}

// plan checks the account and the range of req for c and returns the calls to make.
func (s *Service) plan(c datacube, req rangeRequest) ([]dayRange, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	limit := c.span
	if c.split {
		limit = s.cfg.MaxRangeDays
	}
	r, err := s.datacubeRange(req.GetBeginDate(), req.GetEndDate(), limit)
	if err != nil {
		return nil, err
	}
	return r.chunks(c.span), nil
}

// fetch sends the planned calls of c in order with body fields extra (besides the
// dates) and returns their list entries concatenated.
func (s *Service) fetch(ctx context.Context, c datacube, appID string, calls []dayRange, extra map[string]any) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for i, r := range calls {
		body := map[string]any{"begin_date": day(r.begin), "end_date": day(r.end)}
		for k, v := range extra {
			body[k] = v
		}
		var ans listAnswer
		err := s.wc.Do(ctx, &wechat.Request{AppID: appID, Method: http.MethodPost, Path: c.path, Body: body, Idempotent: true}, &ans)
		if err != nil {
			if len(calls) == 1 {
				return nil, err
			}
			return nil, &SplitError{Call: i + 1, Calls: len(calls), Begin: day(r.begin), End: day(r.end), Err: err}
		}
		out = append(out, ans.List...)
	}
	return out, nil
}

// decodeRows decodes list entries into rows made by newRow. When stats is not nil it
// returns, for a row, a sub-message that the same entry is decoded into as well (the
// platform's flat counters grouped in the proto).
func decodeRows[R proto.Message](path string, raws []json.RawMessage, newRow func() R, stats func(R) proto.Message) ([]R, error) {
	out := make([]R, 0, len(raws))
	for i, raw := range raws {
		row := newRow()
		if err := rowDecoding.Unmarshal(raw, row); err != nil {
			return nil, fmt.Errorf("%s: decode list[%d]: %w", path, i, err)
		}
		if stats != nil {
			if m := stats(row); m != nil {
				if err := rowDecoding.Unmarshal(raw, m); err != nil {
					return nil, fmt.Errorf("%s: decode list[%d]: %w", path, i, err)
				}
			}
		}
		out = append(out, row)
	}
	return out, nil
}

// query plans, fetches and decodes one datacube RPC.
func query[R proto.Message](ctx context.Context, s *Service, c datacube, req rangeRequest, extra map[string]any, newRow func() R, stats func(R) proto.Message) ([]R, error) {
	calls, err := s.plan(c, req)
	if err != nil {
		return nil, err
	}
	raws, err := s.fetch(ctx, c, req.GetAppId(), calls, extra)
	if err != nil {
		return nil, err
	}
	return decodeRows(c.path, raws, newRow, stats)
}
