package sandbox

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Paths of the mass job endpoints.
const (
	pathGuideJobAdd    = "/cgi-bin/guide/addguidemassendjob"
	pathGuideJobList   = "/cgi-bin/guide/getguidemassendjoblist"
	pathGuideJobGet    = "/cgi-bin/guide/getguidemassendjob"
	pathGuideJobUpdate = "/cgi-bin/guide/updateguidemassendjob"
	pathGuideJobCancel = "/cgi-bin/guide/cancelguidemassendjob"
)

// Mass job statuses (task_status) and buyer send statuses (send_status).
const (
	guideJobPending   = 1 // 任务未执行
	guideJobRunning   = 2 // 已执行
	guideJobDone      = 3 // 执行完成
	guideJobCancelled = 4 // 任务取消

	guideSendPending     = 1 // 未发送
	guideSendOK          = 2 // 发送成功
	guideSendNotFollower = 3 // 未关注公众号
)

// registerGuideJobs adds the mass job endpoints to m.
func registerGuideJobs(m map[string]endpoint, post func(func(*Sandbox, *apiCall) answer) endpoint) {
	m[pathGuideJobAdd] = post((*Sandbox).serveGuideJobAdd)
	m[pathGuideJobList] = post((*Sandbox).serveGuideJobList)
	m[pathGuideJobGet] = post((*Sandbox).serveGuideJobGet)
	m[pathGuideJobUpdate] = post((*Sandbox).serveGuideJobUpdate)
	m[pathGuideJobCancel] = post((*Sandbox).serveGuideJobCancel)
}

// guideMaterial is a material of a mass job (request and answer shape).
type guideMaterial struct {
	Type    int    `json:"type"`
	Word    string `json:"word,omitempty"`
	MediaID string `json:"media_id,omitempty"`
	Title   string `json:"title,omitempty"`
	Path    string `json:"path,omitempty"`
	AppID   string `json:"appid,omitempty"`
	PicURL  string `json:"pic_url,omitempty"`
}

// guideJobBuyer is a buyer of a job.
type guideJobBuyer struct {
	OpenID     string `json:"openid"`
	SendStatus int    `json:"send_status"`
}

// guideJob is a mass job.
type guideJob struct {
	id                         int64
	guide                      string // guideKey
	name, remark               string
	created, updated, pushTime int64
	finished                   int64
	status                     int
	material                   []guideMaterial
	buyers                     []guideJobBuyer
}

// guideJobJSON is a job in answers.
type guideJobJSON struct {
	TaskID      int64           `json:"task_id"`
	GuideOpenID string          `json:"guide_openid"`
	CreateTime  int64           `json:"create_time"`
	UpdateTime  int64           `json:"update_time"`
	PushTime    int64           `json:"push_time"`
	FinishTime  int64           `json:"finish_time"`
	TaskName    string          `json:"task_name"`
	TaskRemark  string          `json:"task_remark"`
	TaskStatus  int             `json:"task_status"`
	Material    []guideMaterial `json:"material"`
	BuyerInfo   []guideJobBuyer `json:"buyer_info"`
}

// json is j in answers; media_id is not reported back (the pages list pic_url).
func (j *guideJob) json(st *guideState) guideJobJSON {
	openID := ""
	if g, ok := st.guides[j.guide]; ok {
		openID = g.openID
	}
	mats := make([]guideMaterial, len(j.material))
	for i, m := range j.material {
		m.MediaID = ""
		mats[i] = m
	}
	return guideJobJSON{j.id, openID, j.created, j.updated, j.pushTime, j.finished, j.name, j.remark,
		j.status, mats, slices.Clone(j.buyers)}
}

// guideSweepJobs runs the jobs whose push time has come: the sandbox hands them to the advisor
// and finishes them at once, sending to the buyers who still follow. Callers hold s.mu.
func (s *Sandbox) guideSweepJobs(a *account, now int64) {
	for _, j := range a.guide.jobList {
		if j.status != guideJobPending || now < j.pushTime {
			continue
		}
		j.status = guideJobDone
		j.finished = j.pushTime
		for i := range j.buyers {
			if u, ok := a.users[j.buyers[i].OpenID]; ok && !u.Unsubscribed {
				j.buyers[i].SendStatus = guideSendOK
			} else {
				j.buyers[i].SendStatus = guideSendNotFollower
			}
		}
	}
}

// guideCheckMaterials checks the materials of a job: 1 to 3 (40097), each of type 1 (a
// word of at most 10,240 bytes), 3 (a permanent image media_id, else 9300819) or 49 (a
// card: title, path, a mini program appid (9300821) and a permanent image cover).
func guideCheckMaterials(a *account, mats []guideMaterial) int {
	if len(mats) == 0 {
		return codeMissingFields
	}
	if len(mats) > guideMaxJobMaterials {
		return codeInvalidArgs
	}
	for _, m := range mats {
		switch m.Type {
		case 1:
			if strings.TrimSpace(m.Word) == "" || len(m.Word) > guideMaxWordBytes {
				return codeInvalidArgs
			}
		case 3:
			if !guideIsImage(a, m.MediaID) {
				return codeGuideBadMediaID
			}
		case 49:
			switch {
			case m.Title == "" || m.Path == "":
				return codeMissingFields
			case !guideAppIDRe.MatchString(m.AppID):
				return codeGuideBadCardAppID
			case !guideIsImage(a, m.MediaID):
				return codeGuideBadMediaID
			}
		default:
			return codeInvalidArgs
		}
	}
	return codeOK
}

// guideJobMaterials returns the stored form of mats (with the images' URLs).
func guideJobMaterials(a *account, mats []guideMaterial) []guideMaterial {
	out := slices.Clone(mats)
	for i := range out {
		if m, ok := a.content.materials[out[i].MediaID]; ok {
			out[i].PicURL = m.url
		}
	}
	return out
}

// guideCheckJobFields checks a job's name, remark and push time (40097; the pages list
// 40097 as 参数错误): a name of at most 16 characters, a remark of at most 100 and a
// push time from now to 30 days ahead. Zero values are not checked (updates).
func guideCheckJobFields(name, remark string, pushTime, now int64) int {
	switch {
	case utf8.RuneCountInString(name) > guideMaxTaskName, utf8.RuneCountInString(remark) > guideMaxTaskRemark:
		return codeInvalidArgs
	case pushTime != 0 && (pushTime < now || pushTime > now+int64(guideJobWindow.Seconds())):
		return codeInvalidArgs
	}
	return codeOK
}

// guideCheckJobBuyers checks the buyers of a job: 1 to 15,000, each a follower (40003,
// 43004) bound to the advisor (9300806).
func (s *Sandbox) guideCheckJobBuyers(a *account, key string, ids []string) int {
	if len(ids) == 0 {
		return codeMissingFields
	}
	if len(ids) > guideMaxJobBuyers {
		return codeInvalidArgs
	}
	for _, id := range ids {
		if code := s.guideBuyerUser(a, id); code != codeOK {
			return code
		}
		if r, ok := a.guide.buyers[id]; !ok || r.guide != key {
			return codeGuideNoRelation
		}
	}
	return codeOK
}

// guideJobBuyers are the job buyers of ids, not yet sent.
func guideJobBuyers(ids []string) []guideJobBuyer {
	out := make([]guideJobBuyer, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, guideJobBuyer{OpenID: id, SendStatus: guideSendPending})
		}
	}
	return out
}

// serveGuideJobAdd answers addguidemassendjob with one job for all the buyers.
func (s *Sandbox) serveGuideJobAdd(c *apiCall) answer {
	var req struct {
		guideRef
		Name     string          `json:"task_name"`
		Remark   string          `json:"task_remark"`
		PushTime int64           `json:"push_time"`
		OpenIDs  []string        `json:"openid"`
		Material []guideMaterial `json:"material"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	now := c.now.Unix()
	if strings.TrimSpace(req.Name) == "" || req.PushTime == 0 {
		return fail(codeMissingFields)
	}
	if code := guideCheckJobFields(req.Name, req.Remark, req.PushTime, now); code != codeOK {
		return fail(code)
	}
	if code := s.guideCheckJobBuyers(c.a, g.key(), req.OpenIDs); code != codeOK {
		return guideFail(code)
	}
	if code := guideCheckMaterials(c.a, req.Material); code != codeOK {
		return guideFail(code)
	}
	st := &c.a.guide
	j := &guideJob{id: st.nextJobID, guide: g.key(), name: req.Name, remark: req.Remark, created: now,
		updated: now, pushTime: req.PushTime, status: guideJobPending,
		material: guideJobMaterials(c.a, req.Material), buyers: guideJobBuyers(req.OpenIDs)}
	st.nextJobID++
	st.jobs[j.id] = j
	st.jobList = append(st.jobList, j)
	type result struct {
		TaskID int64    `json:"task_id"`
		OpenID []string `json:"openid"`
	}
	ids := make([]string, len(j.buyers))
	for i, b := range j.buyers {
		ids[i] = b.OpenID
	}
	return succeed(struct {
		envelope
		Results []result `json:"task_result"`
	}{envelope{Errmsg: "ok"}, []result{{j.id, ids}}})
}

// serveGuideJobList answers getguidemassendjoblist: limit defaults to 50.
func (s *Sandbox) serveGuideJobList(c *apiCall) answer {
	var req struct {
		guideRef
		Status []int `json:"task_status"`
		Offset int   `json:"offset"`
		Limit  *int  `json:"limit"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	g, code := s.guideFind(c.a, req.guideRef)
	if code != codeOK {
		return guideFail(code)
	}
	limit := 50
	if req.Limit != nil {
		limit = *req.Limit
	}
	for _, st := range req.Status {
		if st < guideJobPending || st > guideJobCancelled {
			return fail(codeInvalidArgs)
		}
	}
	lo, hi, code := guideRange(req.Offset, limit)
	if code != codeOK {
		return fail(code)
	}
	s.guideSweepJobs(c.a, c.now.Unix())
	st := &c.a.guide
	var all []guideJobJSON
	for _, j := range st.jobList {
		if j.guide == g.key() && (len(req.Status) == 0 || slices.Contains(req.Status, j.status)) {
			all = append(all, j.json(st))
		}
	}
	return succeed(struct {
		envelope
		Total int            `json:"total_count"`
		List  []guideJobJSON `json:"list"`
	}{envelope{Errmsg: "ok"}, len(all), guideSlice(all, lo, hi)})
}

// guideJobOf resolves a task_id: 40097 when unknown (no page gives the code).
func (st *guideState) guideJobOf(id int64) (*guideJob, int) {
	if j, ok := st.jobs[id]; ok {
		return j, codeOK
	}
	return nil, codeInvalidArgs
}

// serveGuideJobGet answers getguidemassendjob.
func (s *Sandbox) serveGuideJobGet(c *apiCall) answer {
	var req struct {
		TaskID int64 `json:"task_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	s.guideSweepJobs(c.a, c.now.Unix())
	st := &c.a.guide
	j, code := st.guideJobOf(req.TaskID)
	if code != codeOK {
		return fail(code)
	}
	return succeed(struct {
		envelope
		Job guideJobJSON `json:"job"`
	}{envelope{Errmsg: "ok"}, j.json(st)})
}

// serveGuideJobUpdate answers updateguidemassendjob: only a job that has not run may
// change (40097 otherwise); empty fields are left.
func (s *Sandbox) serveGuideJobUpdate(c *apiCall) answer {
	var req struct {
		TaskID   int64           `json:"task_id"`
		Name     string          `json:"task_name"`
		Remark   string          `json:"task_remark"`
		PushTime int64           `json:"push_time"`
		OpenIDs  []string        `json:"openid"`
		Material []guideMaterial `json:"material"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	now := c.now.Unix()
	s.guideSweepJobs(c.a, now)
	st := &c.a.guide
	j, code := st.guideJobOf(req.TaskID)
	if code != codeOK {
		return fail(code)
	}
	if j.status != guideJobPending {
		return fail(codeInvalidArgs)
	}
	if code := guideCheckJobFields(req.Name, req.Remark, req.PushTime, now); code != codeOK {
		return fail(code)
	}
	if len(req.OpenIDs) > 0 {
		if code := s.guideCheckJobBuyers(c.a, j.guide, req.OpenIDs); code != codeOK {
			return guideFail(code)
		}
	}
	if len(req.Material) > 0 {
		if code := guideCheckMaterials(c.a, req.Material); code != codeOK {
			return guideFail(code)
		}
	}
	if req.Name != "" {
		j.name = req.Name
	}
	if req.Remark != "" {
		j.remark = req.Remark
	}
	if req.PushTime != 0 {
		j.pushTime = req.PushTime
	}
	if len(req.OpenIDs) > 0 {
		j.buyers = guideJobBuyers(req.OpenIDs)
	}
	if len(req.Material) > 0 {
		j.material = guideJobMaterials(c.a, req.Material)
	}
	j.updated = now
	return guideOK()
}

// serveGuideJobCancel answers cancelguidemassendjob: only a job that has not run
// (40097 otherwise).
func (s *Sandbox) serveGuideJobCancel(c *apiCall) answer {
	var req struct {
		TaskID int64 `json:"task_id"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	now := c.now.Unix()
	s.guideSweepJobs(c.a, now)
	st := &c.a.guide
	j, code := st.guideJobOf(req.TaskID)
	if code != codeOK {
		return fail(code)
	}
	if j.status != guideJobPending {
		return fail(codeInvalidArgs)
	}
	j.status = guideJobCancelled
	j.updated = now
	return guideOK()
}
