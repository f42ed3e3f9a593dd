// Package stores is the stores part of wxsuite's card service: an official account's
// stores (微信门店, PoiService), its store mini-program with the Tencent Map places and
// stores it holds (门店小程序, StoreService), and 一物一码 codes (MarketCodeService), all in
// proto package wxsuite.card.v1.
//
// Every call goes to WeChat through the shared *wechat.Client (token injection, refresh
// on 40001, retries, WECHAT_ERRCODE details). Requests are checked before anything is
// sent (required fields, the platform's documented limits such as 50 stores a page,
// code counts in multiples of 10,000 up to 20,000,000, opening hours "HH:MM-HH:MM");
// errors name the field path. The platform's errcodes keep their ErrorInfo detail:
// 65115/65116 (unknown or deleted store) become NotFound, 65106/65107/65118 (wrong
// review state) FailedPrecondition and the other 651xx field errors InvalidArgument.
//
// The package has no configuration of its own; the lead composes its Module into the
// card service.
package stores
