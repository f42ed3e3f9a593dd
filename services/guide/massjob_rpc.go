package guide

import (
	"context"
	"time"
	"unicode/utf8"

	guidev1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/guide/v1/guidev1connect"
)

// WeChat paths of GuideMassJobService.
const (
	pathJobAdd    = "/cgi-bin/guide/addguidemassendjob"
	pathJobList   = "/cgi-bin/guide/getguidemassendjoblist"
	pathJobGet    = "/cgi-bin/guide/getguidemassendjob"
	pathJobUpdate = "/cgi-bin/guide/updateguidemassendjob"
	pathJobCancel = "/cgi-bin/guide/cancelguidemassendjob"
)

// MassJobHandler implements GuideMassJobService over Service.
type MassJobHandler struct {
	s *Service
}

var _ guidev1connect.GuideMassJobServiceHandler = (*MassJobHandler)(nil)

// NewMassJobHandler returns the GuideMassJobService implementation of s.
func NewMassJobHandler(s *Service) *MassJobHandler { return &MassJobHandler{s: s} }

// checkTaskID refuses a task id that is not positive.
func checkTaskID(id int64) error {
	if id <= 0 {
		return argf("task_id", "must be positive")
	}
	return nil
}

// checkJobText checks a job's name and remark (required says the name must be given).
func checkJobText(name, remark string, required bool) error {
	if required {
		if err := checkText("task_name", name); err != nil {
			return err
		}
	}
	if n := utf8.RuneCountInString(name); n > maxTaskName {
		return argf("task_name", "must be at most %d characters, got %d", maxTaskName, n)
	}
	if n := utf8.RuneCountInString(remark); n > maxTaskRemark {
		return argf("task_remark", "must be at most %d characters, got %d", maxTaskRemark, n)
	}
	return nil
}

// checkPushTime checks a push time from now to 30 days ahead.
func checkPushTime(t int64, now time.Time) error {
	if t < now.Unix() || t > now.Add(jobWindow).Unix() {
		return argf("push_time", "must be from now to %d days ahead (Unix seconds), got %d", int(jobWindow.Hours()/24), t)
	}
	return nil
}

// checkJobBuyers checks 1 to 15,000 openids.
func checkJobBuyers(ids []string) error {
	switch {
	case len(ids) == 0:
		return argf("openid", "must hold at least one openid")
	case len(ids) > maxJobBuyers:
		return argf("openid", "must hold at most %d openids, got %d", maxJobBuyers, len(ids))
	}
	for i, id := range ids {
		if err := checkOpenID(fieldIndex("openid", i), id); err != nil {
			return err
		}
	}
	return nil
}

// checkMaterials checks 1 to 3 materials of the shapes their types need.
func checkMaterials(mats []*guidev1.MassMaterial) error {
	switch {
	case len(mats) == 0:
		return argf("material", "must hold at least one material")
	case len(mats) > maxJobMaterials:
		return argf("material", "must hold at most %d materials, got %d", maxJobMaterials, len(mats))
	}
	for i, m := range mats {
		f := fieldIndex("material", i)
		switch m.GetType() {
		case 1:
			if err := checkText(f+".word", m.GetWord()); err != nil {
				return err
			}
			if len(m.GetWord()) > maxWordBytes {
				return argf(f+".word", "must be at most %d bytes, got %d", maxWordBytes, len(m.GetWord()))
			}
		case 3:
			if err := checkText(f+".media_id", m.GetMediaId()); err != nil {
				return err
			}
		case 49:
			for _, c := range [][2]string{{"title", m.GetTitle()}, {"path", m.GetPath()}, {"media_id", m.GetMediaId()}} {
				if err := checkText(f+"."+c[0], c[1]); err != nil {
					return err
				}
			}
			if err := checkAppID(f+".appid", m.GetAppid()); err != nil {
				return err
			}
		default:
			return argf(f+".type", "must be 1 (text), 3 (image) or 49 (mini program card), got %d", m.GetType())
		}
		if m.GetPicUrl() != "" {
			return argf(f+".pic_url", "is set by the platform; give media_id")
		}
	}
	return nil
}

// CreateMassJob implements GuideMassJobService.CreateMassJob.
func (h *MassJobHandler) CreateMassJob(ctx context.Context, req *guidev1.CreateMassJobRequest) (*guidev1.CreateMassJobResponse, error) {
	out := &guidev1.CreateMassJobResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	if err == nil {
		err = checkJobText(req.GetTaskName(), req.GetTaskRemark(), true)
	}
	if err == nil {
		err = checkPushTime(req.GetPushTime(), h.s.now())
	}
	if err == nil {
		err = checkJobBuyers(req.GetOpenid())
	}
	if err == nil {
		err = checkMaterials(req.GetMaterial())
	}
	if err == nil {
		// Not idempotent: a resent create after a lost answer would make a second job.
		err = h.s.do(ctx, call{path: pathJobAdd}, req, out)
	}
	return result(out, err)
}

// ListMassJobs implements GuideMassJobService.ListMassJobs.
func (h *MassJobHandler) ListMassJobs(ctx context.Context, req *guidev1.ListMassJobsRequest) (*guidev1.ListMassJobsResponse, error) {
	out := &guidev1.ListMassJobsResponse{}
	err := checkGuide("", req.GetGuideAccount(), req.GetGuideOpenid(), false)
	for i, st := range req.GetTaskStatus() {
		if err == nil && (st < 1 || st > 4) {
			err = argf(fieldIndex("task_status", i), "must be 1 to 4, got %d", st)
		}
	}
	if err == nil && req.GetOffset() < 0 {
		err = argf("offset", "must not be negative")
	}
	if err == nil && req.GetLimit() < 0 {
		err = argf("limit", "must not be negative (0 means 50)")
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathJobList, idempotent: true}, req, out)
	}
	return result(out, err)
}

// GetMassJob implements GuideMassJobService.GetMassJob.
func (h *MassJobHandler) GetMassJob(ctx context.Context, req *guidev1.GetMassJobRequest) (*guidev1.GetMassJobResponse, error) {
	out := &guidev1.GetMassJobResponse{}
	err := checkTaskID(req.GetTaskId())
	if err == nil {
		err = h.s.do(ctx, call{path: pathJobGet, idempotent: true}, req, out)
	}
	return result(out, err)
}

// UpdateMassJob implements GuideMassJobService.UpdateMassJob.
func (h *MassJobHandler) UpdateMassJob(ctx context.Context, req *guidev1.UpdateMassJobRequest) (*guidev1.UpdateMassJobResponse, error) {
	err := checkTaskID(req.GetTaskId())
	if err == nil && req.GetTaskName() == "" && req.GetTaskRemark() == "" && req.GetPushTime() == 0 &&
		len(req.GetOpenid()) == 0 && len(req.GetMaterial()) == 0 {
		err = argf("task_name", "nothing to change: give at least one of task_name, task_remark, push_time, openid and material")
	}
	if err == nil {
		err = checkJobText(req.GetTaskName(), req.GetTaskRemark(), false)
	}
	if err == nil && req.GetPushTime() != 0 {
		err = checkPushTime(req.GetPushTime(), h.s.now())
	}
	if err == nil && len(req.GetOpenid()) > 0 {
		err = checkJobBuyers(req.GetOpenid())
	}
	if err == nil && len(req.GetMaterial()) > 0 {
		err = checkMaterials(req.GetMaterial())
	}
	if err == nil {
		err = h.s.do(ctx, call{path: pathJobUpdate, idempotent: true}, req, nil)
	}
	return result(&guidev1.UpdateMassJobResponse{}, err)
}

// CancelMassJob implements GuideMassJobService.CancelMassJob.
func (h *MassJobHandler) CancelMassJob(ctx context.Context, req *guidev1.CancelMassJobRequest) (*guidev1.CancelMassJobResponse, error) {
	err := checkTaskID(req.GetTaskId())
	if err == nil {
		err = h.s.do(ctx, call{path: pathJobCancel}, req, nil)
	}
	return result(&guidev1.CancelMassJobResponse{}, err)
}
