package sandbox

// Errcodes of the outbound messaging endpoints (behaviour.md §2.1, §2.2, §2.7–§2.9 and
// §6; facts.md §3). Their errmsg texts are in errmsgs (errcodes.go).
const (
	codeOutInvalidMediaID         = 40007
	codeOutInvalidMessageType     = 40008
	codeOutInvalidOpenIDList      = 40032
	codeOutInvalidTemplateID      = 40037
	codeOutInvalidArticleIdx      = 40060
	codeOutOpenIDListTooShort     = 40130
	codeOutInvalidWeappPagepath   = 40165
	codeOutInvalidWeappAppID      = 40166
	codeOutInvalidKeywordList     = 40246
	codeOutInvalidPage            = 41030
	codeOutRequireSubscribe       = 43004
	codeOutChangeIndustryTooSoon  = 43100
	codeOutUserRefused            = 43101
	codeOutEmptyContent           = 44004
	codeOutContentTooLong         = 45002
	codeOutArticleSize            = 45008
	codeOutResponseOutOfTime      = 45015
	codeOutTemplateNumLimit       = 45026
	codeOutTemplateIndustry       = 45027
	codeOutNoMassQuota            = 45028
	codeOutResponseCount          = 45047
	codeOutMassInvalidType        = 45052
	codeOutClientMsgIDExists      = 45065
	codeOutClientMsgIDTooFast     = 45066
	codeOutClientMsgIDTooLong     = 45067
	codeOutInvalidCommand         = 45072
	codeOutTypingNoExchange       = 45080
	codeOutAlreadyTyping          = 45081
	codeOutSpeedOutOfRange        = 45083
	codeOutArgumentInvalid        = 47003
	codeOutInvalidKfAccount       = 65401
	codeOutUserBlock              = 48002
	codeOutRequireRemoveBlacklist = 43019
	codeOutInvalidTagID           = 45159
	codeOutPriTmplLimit           = 200012
	codeOutInvalidStart           = 200016
	codeOutInvalidLimit           = 200017
	codeOutIDsMissing             = 200018
	codeOutIDsInvalid             = 200019
	codeOutInvalidTid             = 200014
	codeOutInvalidKidList         = 200020
	codeOutInvalidSceneDesc       = 200021
)
