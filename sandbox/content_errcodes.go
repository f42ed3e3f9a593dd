package sandbox

// Errcodes of the content endpoints: temporary media, permanent material and article
// comments (behaviour.md §4 and §6). Their errmsg texts are in errmsgs (errcodes.go);
// codes other domains answer too (40007, 40060, 44004, 45002, 45008) share the text
// registered there.
const (
	codeContentInvalidMediaType  = 40004
	codeContentInvalidFileType   = 40005
	codeContentInvalidMediaSize  = 40006
	codeContentInvalidMediaID    = 40007
	codeContentInvalidImageSize  = 40009
	codeContentInvalidVoiceSize  = 40010
	codeContentInvalidVideoSize  = 40011
	codeContentInvalidThumbSize  = 40012
	codeContentInvalidArticleIdx = 40060
	codeContentUnsupportedFile   = 40113
	codeContentMediaDataMissing  = 41005
	codeContentEmptyMediaData    = 44001
	codeContentEmptyNewsData     = 44003
	codeContentEmptyContent      = 44004
	codeContentMediaSizeLimit    = 45001
	codeContentContentTooLong    = 45002
	codeContentTitleTooLong      = 45003
	codeContentDigestTooLong     = 45004
	codeContentPlaytimeLimit     = 45007
	codeContentArticleSize       = 45008
	codeContentMaterialLimit     = 45074
	codeContentUsedByMenu        = 48005
	codeCommentNoPrivilege       = 88000
	codeCommentMsgDataNotExists  = 88001
	codeCommentArticleLimited    = 88002
	codeCommentElectedLimit      = 88003
	codeCommentDeletedByUser     = 88004
	codeCommentAlreadyReplied    = 88005
	codeCommentReplyLength       = 88007
	codeCommentNotExists         = 88008
	codeCommentReplyNotExists    = 88009
	codeCommentCountRange        = 88010
)
