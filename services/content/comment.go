package content

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Paths of the comment endpoints.
const (
	pathCommentOpen      = "/cgi-bin/comment/open"
	pathCommentClose     = "/cgi-bin/comment/close"
	pathCommentList      = "/cgi-bin/comment/list"
	pathCommentMarkElect = "/cgi-bin/comment/markelect"
	pathCommentUnmark    = "/cgi-bin/comment/unmarkelect"
	pathCommentDelete    = "/cgi-bin/comment/delete"
	pathCommentReplyAdd  = "/cgi-bin/comment/reply/add"
	pathCommentReplyDel  = "/cgi-bin/comment/reply/delete"
)

// MaxCommentCount is the most comments comment/list returns per call.
const MaxCommentCount = 50

// ArticleRef addresses a published article: the msg_data_id of the mass send that
// published the news and the article's 0-based index.
type ArticleRef struct {
	// AppID is the account.
	AppID string
	// MsgDataID is the mass send's msg_data_id.
	MsgDataID uint32
	// Index is the article's 0-based position.
	Index uint32
}

func (r ArticleRef) check(s *Service) error {
	if err := s.checkAccount(r.AppID); err != nil {
		return err
	}
	if r.MsgDataID == 0 {
		return &ArgumentError{Field: "msg_data_id", Reason: "is required"}
	}
	if r.Index >= MaxArticles {
		return &ArgumentError{Field: "index", Reason: fmt.Sprintf("must be 0 to %d", MaxArticles-1)}
	}
	return nil
}

// commentCall checks ref (and a comment id when id is not nil) and sends body plus the
// article's fields to path.
func (s *Service) commentCall(ctx context.Context, op, path string, ref ArticleRef, id *int64, body map[string]any, out any) error {
	if err := ref.check(s); err != nil {
		return err
	}
	if body == nil {
		body = map[string]any{}
	}
	body["msg_data_id"], body["index"] = ref.MsgDataID, ref.Index
	if id != nil {
		if *id <= 0 {
			return &ArgumentError{Field: "user_comment_id", Reason: "is required (a positive id from ListComments)"}
		}
		body["user_comment_id"] = *id
	}
	return s.call(ctx, op, &wechat.Request{AppID: ref.AppID, Method: http.MethodPost, Path: path, Body: body}, out)
}

// SetCommentsOpen opens or closes an article's comments.
func (s *Service) SetCommentsOpen(ctx context.Context, ref ArticleRef, open bool) error {
	op, path := "open comments", pathCommentOpen
	if !open {
		op, path = "close comments", pathCommentClose
	}
	return s.commentCall(ctx, op, path, ref, nil, nil, nil)
}

// CommentFilter selects comments: 0 all, 1 not elected, 2 elected (WeChat's type).
type CommentFilter int

// Comment is one comment (WeChat's JSON shape).
type Comment struct {
	// UserCommentID identifies the comment.
	UserCommentID int64 `json:"user_comment_id"`
	// OpenID is the commenter ("" without a WeChat identity).
	OpenID string `json:"openid"`
	// CreateTime is Unix seconds.
	CreateTime int64 `json:"create_time"`
	// Content is the text.
	Content string `json:"content"`
	// CommentType is 1 for elected comments.
	CommentType int `json:"comment_type"`
	// Reply is the account's reply, if any.
	Reply *struct {
		Content    string `json:"content"`
		CreateTime int64  `json:"create_time"`
	} `json:"reply"`
}

// CommentPage is one page of comments.
type CommentPage struct {
	// Total is how many comments match.
	Total int `json:"total"`
	// Comments is the page.
	Comments []Comment `json:"comment"`
}

// ListComments lists count (1 to 50; 0 means 50) comments from begin.
func (s *Service) ListComments(ctx context.Context, ref ArticleRef, begin, count int, filter CommentFilter) (CommentPage, error) {
	var out CommentPage
	if count == 0 {
		count = MaxCommentCount
	}
	switch {
	case begin < 0:
		return out, &ArgumentError{Field: "begin", Reason: "must not be negative"}
	case count < 1 || count > MaxCommentCount:
		return out, &ArgumentError{Field: "count", Reason: fmt.Sprintf("must be 1 to %d", MaxCommentCount)}
	case filter < 0 || filter > 2:
		return out, &ArgumentError{Field: "filter", Reason: "is unknown"}
	}
	err := s.commentCall(ctx, "list comments", pathCommentList, ref, nil,
		map[string]any{"begin": begin, "count": count, "type": int(filter)}, &out)
	return out, err
}

// SetElected marks or unmarks a comment as elected.
func (s *Service) SetElected(ctx context.Context, ref ArticleRef, id int64, elected bool) error {
	op, path := "mark comment elected", pathCommentMarkElect
	if !elected {
		op, path = "unmark comment elected", pathCommentUnmark
	}
	return s.commentCall(ctx, op, path, ref, &id, nil, nil)
}

// DeleteComment deletes a comment.
func (s *Service) DeleteComment(ctx context.Context, ref ArticleRef, id int64) error {
	return s.commentCall(ctx, "delete comment", pathCommentDelete, ref, &id, nil, nil)
}

// AddReply replies content to a comment.
func (s *Service) AddReply(ctx context.Context, ref ArticleRef, id int64, content string) error {
	if strings.TrimSpace(content) == "" {
		if err := ref.check(s); err != nil {
			return err
		}
		return &ArgumentError{Field: "content", Reason: "is required"}
	}
	return s.commentCall(ctx, "reply to comment", pathCommentReplyAdd, ref, &id, map[string]any{"content": content}, nil)
}

// DeleteReply deletes the reply to a comment.
func (s *Service) DeleteReply(ctx context.Context, ref ArticleRef, id int64) error {
	return s.commentCall(ctx, "delete reply", pathCommentReplyDel, ref, &id, nil, nil)
}
