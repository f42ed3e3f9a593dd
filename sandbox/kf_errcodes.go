package sandbox

// Errcodes of the customer-service endpoints (behaviour.md §2.3, §2.4 and §6). Their
// errmsg texts are in errmsgs (errcodes.go).
const (
	codeKfInvalidFileType  = 40005
	codeKfMediaSize        = 45001
	codeKfMediaMissing     = 41005
	codeKfInvalidAccount   = 65401
	codeKfNeedBind         = 65402
	codeKfIllegalNickname  = 65403
	codeKfIllegalAccount   = 65404
	codeKfAccountLimit     = 65405
	codeKfAccountExists    = 65406
	codeKfAlreadyWorker    = 65407
	codeKfAlreadyInvited   = 65408
	codeKfWeChatInvalid    = 65409
	codeKfInvitationExists = 65411
	codeKfAlreadyBound     = 65412
	codeKfNoSession        = 65413
	codeKfOtherWorker      = 65414
	codeKfNotOnline        = 65415
	codeKfParamInvalid     = 65416
	codeKfTimeRangeTooLong = 65417
)
