package sandbox

// Errcodes of the menu endpoints (behaviour.md §2.5 and §6). Their errmsg texts are in
// errmsgs (errcodes.go).
const (
	codeMenuButtonSize     = 40016
	codeMenuButtonType     = 40017
	codeMenuButtonNameSize = 40018
	codeMenuKeySize        = 40019
	codeMenuURLSize        = 40020
	codeMenuSubButtonSize  = 40023
	codeMenuSubButtonType  = 40024
	codeMenuSubNameSize    = 40025
	codeMenuSubKeySize     = 40026
	codeMenuSubURLSize     = 40027
	codeMenuSubURLDomain   = 40054
	codeMenuURLDomain      = 40055
	codeMenuMediaIDSize    = 40117
	codeMenuSubMediaIDSize = 40118
	codeMenuWeappPagePath  = 40165
	codeMenuWeappAppID     = 40166
	codeMenuSubMenuMissing = 41007
	codeMenuNoExist        = 46003
	codeMenuNotConditional = 65301
	codeMenuNoSuchUser     = 65302
	codeMenuNoSelfMenu     = 65303
	codeMenuMatchRuleEmpty = 65304
	codeMenuCountLimit     = 65305
	codeMenuCountryEmpty   = 65310
	codeMenuProvinceEmpty  = 65311
	codeMenuDomainLimit    = 65316
	codeMenuInvalidURL     = 65317
	codeMenuCharset        = 65318
	codeMenuPrivacyRule    = 65320
)
