package sandbox

// Comments on published articles: comment/open, close, list, markelect, unmarkelect,
// delete, reply/add and reply/delete (behaviour.md §4.3), and the Sandbox methods that
// publish news and make simulated users comment.

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Comment limits. Sandbox choices where the platform states none: 100 elected comments
// an article (88003), replies up to 1,000 characters (88007), comments up to 600.
const (
	maxElected       = 100
	maxReplyRunes    = 1_000
	maxCommentRunes  = 600
	maxCommentsCount = 50
)

// publishedNews is a news material as sent to users, with its articles' comments.
type publishedNews struct {
	msgDataID uint32
	mediaID   string
	articles  []*publishedArticle
}

// publishedArticle is one article of published news.
type publishedArticle struct {
	open     bool
	onlyFans bool
	comments []*userComment // in creation order; user_comment_id is the position + 1
}

// userComment is one user comment.
type userComment struct {
	id          int64
	openID      string
	created     time.Time
	content     string
	elected     bool
	deleted     bool // deleted by the account (comment/delete)
	userDeleted bool // deleted by its author
	reply       *commentReply
}

// commentReply is the account's reply to a comment.
type commentReply struct {
	content string
	created time.Time
}

// commentTarget is the body every comment endpoint shares.
type commentTarget struct {
	MsgDataID     *int64 `json:"msg_data_id"`
	Index         int    `json:"index"`
	UserCommentID *int64 `json:"user_comment_id"`
	Begin         int    `json:"begin"`
	Count         *int   `json:"count"`
	Type          int    `json:"type"`
	Content       string `json:"content"`
}

// article returns the published article the body names (88001 if none).
func (t *commentTarget) article(cs *contentState) (*publishedArticle, int) {
	if t.MsgDataID == nil {
		return nil, codeMissingFields
	}
	if *t.MsgDataID < 0 || *t.MsgDataID > 1<<32-1 {
		return nil, codeCommentMsgDataNotExists
	}
	p, ok := cs.published[uint32(*t.MsgDataID)]
	if !ok || t.Index < 0 || t.Index >= len(p.articles) {
		return nil, codeCommentMsgDataNotExists
	}
	return p.articles[t.Index], codeOK
}

// comment returns the comment the body names, on an article whose comments are open
// (88000 when closed; sandbox choice, behaviour.md §4.3), 88008 for an unknown or
// deleted one, 88004 for one its author deleted.
func (t *commentTarget) comment(cs *contentState) (*userComment, int) {
	art, code := t.article(cs)
	if code != codeOK {
		return nil, code
	}
	if !art.open {
		return nil, codeCommentNoPrivilege
	}
	if t.UserCommentID == nil {
		return nil, codeMissingFields
	}
	id := *t.UserCommentID
	if id < 1 || id > int64(len(art.comments)) {
		return nil, codeCommentNotExists
	}
	cm := art.comments[id-1]
	switch {
	case cm.deleted:
		return nil, codeCommentNotExists
	case cm.userDeleted:
		return nil, codeCommentDeletedByUser
	}
	return cm, codeOK
}

// decodeCommentTarget decodes the body of a comment endpoint.
func decodeCommentTarget(c *apiCall) (*commentTarget, int) {
	var t commentTarget
	if code := c.decode(&t); code != codeOK {
		return nil, code
	}
	return &t, codeOK
}

func (s *Sandbox) serveCommentOpen(c *apiCall) answer  { return s.setCommentsOpen(c, true) }
func (s *Sandbox) serveCommentClose(c *apiCall) answer { return s.setCommentsOpen(c, false) }

// setCommentsOpen answers comment/open and comment/close {"msg_data_id","index"}.
func (s *Sandbox) setCommentsOpen(c *apiCall, open bool) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	art, code := t.article(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	art.open = open
	return fail(codeOK)
}

// commentItemJSON is one comment of comment/list's answer.
type commentItemJSON struct {
	UserCommentID int64             `json:"user_comment_id"`
	OpenID        string            `json:"openid,omitempty"`
	CreateTime    int64             `json:"create_time"`
	Content       string            `json:"content"`
	CommentType   int               `json:"comment_type"`
	Reply         *commentReplyJSON `json:"reply,omitempty"`
}

// commentReplyJSON is a comment's reply in comment/list's answer.
type commentReplyJSON struct {
	Content    string `json:"content"`
	CreateTime int64  `json:"create_time"`
}

// commentListAnswer is comment/list's answer.
type commentListAnswer struct {
	Errcode int               `json:"errcode"`
	Errmsg  string            `json:"errmsg"`
	Total   int               `json:"total"`
	Comment []commentItemJSON `json:"comment"`
}

// serveCommentList answers comment/list {"msg_data_id","index","begin","count","type"}:
// count 1 to 50 (88010), type 0 all, 1 normal, 2 elected. Comments come oldest first;
// deleted ones are left out of the list and of total. Listing works on closed articles.
func (s *Sandbox) serveCommentList(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	art, code := t.article(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	switch {
	case t.Count == nil || *t.Count <= 0 || *t.Count > maxCommentsCount:
		return fail(codeCommentCountRange)
	case t.Type < 0 || t.Type > 2, t.Begin < 0:
		return fail(codeInvalidArgs)
	}
	out := commentListAnswer{Errmsg: errmsgs[codeOK], Comment: []commentItemJSON{}}
	for _, cm := range art.comments {
		if cm.deleted || cm.userDeleted || (t.Type == 1 && cm.elected) || (t.Type == 2 && !cm.elected) {
			continue
		}
		out.Total++
		if out.Total <= t.Begin || len(out.Comment) >= *t.Count {
			continue
		}
		j := commentItemJSON{UserCommentID: cm.id, OpenID: cm.openID, CreateTime: cm.created.Unix(), Content: cm.content}
		if cm.elected {
			j.CommentType = 1
		}
		if cm.reply != nil {
			j.Reply = &commentReplyJSON{Content: cm.reply.content, CreateTime: cm.reply.created.Unix()}
		}
		out.Comment = append(out.Comment, j)
	}
	return succeed(out)
}

// serveCommentMarkElect answers comment/markelect.
func (s *Sandbox) serveCommentMarkElect(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	cm, code := t.comment(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	if !cm.elected {
		art, _ := t.article(&c.a.content)
		n := 0
		for _, x := range art.comments {
			if x.elected && !x.deleted && !x.userDeleted {
				n++
			}
		}
		if n >= maxElected {
			return fail(codeCommentElectedLimit)
		}
	}
	cm.elected = true
	return fail(codeOK)
}

// serveCommentUnmarkElect answers comment/unmarkelect.
func (s *Sandbox) serveCommentUnmarkElect(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	cm, code := t.comment(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	cm.elected = false
	return fail(codeOK)
}

// serveCommentDelete answers comment/delete.
func (s *Sandbox) serveCommentDelete(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	cm, code := t.comment(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	cm.deleted = true
	return fail(codeOK)
}

// serveCommentReplyAdd answers comment/reply/add {…,"content"}: one reply a comment
// (88005), 1 to 1,000 characters (88007).
func (s *Sandbox) serveCommentReplyAdd(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	cm, code := t.comment(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	switch n := utf8.RuneCountInString(t.Content); {
	case n == 0 || n > maxReplyRunes:
		return fail(codeCommentReplyLength)
	case cm.reply != nil:
		return fail(codeCommentAlreadyReplied)
	}
	cm.reply = &commentReply{content: t.Content, created: c.now}
	return fail(codeOK)
}

// serveCommentReplyDelete answers comment/reply/delete.
func (s *Sandbox) serveCommentReplyDelete(c *apiCall) answer {
	t, code := decodeCommentTarget(c)
	if code != codeOK {
		return fail(code)
	}
	cm, code := t.comment(&c.a.content)
	if code != codeOK {
		return fail(code)
	}
	if cm.reply == nil {
		return fail(codeCommentReplyNotExists)
	}
	cm.reply = nil
	return fail(codeOK)
}

// PublishedNews describes news the sandbox published (as a mass send of it would).
type PublishedNews struct {
	// MsgDataID addresses the articles in the comment endpoints.
	MsgDataID uint32
	// Articles is the number of articles (indexes 0 to Articles-1).
	Articles int
}

// PublishNews publishes the permanent news material mediaID of the account appID as a
// mass send would, returning its msg_data_id. Each article's comments are open when it
// was created with need_open_comment=1 (comment/open opens the others), and restricted
// to followers with only_fans_can_comment=1. Errors wrap ErrUnknownAccount or
// ErrUnknownMaterial.
func (s *Sandbox) PublishNews(appID, mediaID string) (PublishedNews, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return PublishedNews{}, unknownAccount(appID)
	}
	p, ok := s.publishNewsLocked(a, mediaID)
	if !ok {
		return PublishedNews{}, fmt.Errorf("media_id %q: %w", mediaID, ErrUnknownMaterial)
	}
	return PublishedNews{MsgDataID: p.msgDataID, Articles: len(p.articles)}, nil
}

// publishNewsLocked publishes the permanent news mediaID of a and returns it with its new
// msg_data_id; ok is false when mediaID names no news material. A mass send of permanent
// news can call it to make the sent articles commentable. Callers hold s.mu.
func (s *Sandbox) publishNewsLocked(a *account, mediaID string) (p *publishedNews, ok bool) {
	cs := &a.content
	m, ok := cs.materials[mediaID]
	if !ok || m.kind != materialNews {
		return nil, false
	}
	if cs.published == nil {
		cs.published = make(map[uint32]*publishedNews)
		// msg_data_ids look like the platform's (ten digits) and increase from a random start.
		cs.nextMsgID = 2_247_000_000 + uint32(s.rng.IntN(1_000_000))
	}
	p = &publishedNews{msgDataID: cs.nextMsgID, mediaID: mediaID}
	cs.nextMsgID++
	for _, art := range m.articles {
		p.articles = append(p.articles, &publishedArticle{open: art.NeedOpenComment == 1, onlyFans: art.OnlyFansCanComment == 1})
	}
	cs.published[p.msgDataID] = p
	return p, true
}

// AddComment makes a simulated user comment content on article index of the published
// news msgDataID and returns the user_comment_id. An empty openID is a comment without a
// WeChat identity (list shows no openid). Errors: an *ArgumentError for empty or too long
// content (600 characters), ErrUnknownAccount, ErrUnknownArticle, and ErrCommentsClosed
// when comments are closed or restricted to followers and openID is not one.
func (s *Sandbox) AddComment(appID string, msgDataID uint32, index int, openID, content string) (int64, error) {
	switch n := utf8.RuneCountInString(content); {
	case n == 0:
		return 0, &ArgumentError{Field: "content", Reason: "is required"}
	case n > maxCommentRunes:
		return 0, &ArgumentError{Field: "content", Reason: fmt.Sprintf("must be at most %d characters", maxCommentRunes)}
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return 0, unknownAccount(appID)
	}
	p, ok := a.content.published[msgDataID]
	if !ok || index < 0 || index >= len(p.articles) {
		return 0, fmt.Errorf("msg_data_id %d index %d: %w", msgDataID, index, ErrUnknownArticle)
	}
	art := p.articles[index]
	if !art.open {
		return 0, fmt.Errorf("msg_data_id %d index %d: comments are closed: %w", msgDataID, index, ErrCommentsClosed)
	}
	if art.onlyFans {
		u, ok := a.users[openID]
		if openID == "" || !ok || u.Unsubscribed {
			return 0, fmt.Errorf("msg_data_id %d index %d: only followers may comment and %q is not one: %w", msgDataID, index, openID, ErrCommentsClosed)
		}
	}
	cm := &userComment{id: int64(len(art.comments) + 1), openID: openID, created: now, content: content}
	art.comments = append(art.comments, cm)
	return cm.id, nil
}

// DeleteOwnComment makes the author of a comment delete it (later operations on it get
// 88004). Errors wrap ErrUnknownAccount or ErrUnknownArticle; an unknown comment is an
// *ArgumentError.
func (s *Sandbox) DeleteOwnComment(appID string, msgDataID uint32, index int, userCommentID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	p, ok := a.content.published[msgDataID]
	if !ok || index < 0 || index >= len(p.articles) {
		return fmt.Errorf("msg_data_id %d index %d: %w", msgDataID, index, ErrUnknownArticle)
	}
	art := p.articles[index]
	if userCommentID < 1 || userCommentID > int64(len(art.comments)) {
		return &ArgumentError{Field: "user_comment_id", Reason: fmt.Sprintf("%d names no comment", userCommentID)}
	}
	art.comments[userCommentID-1].userDeleted = true
	return nil
}
