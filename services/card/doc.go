// Package card is the card service of wxsuite (微信卡券): card definitions (coupons,
// member cards, special tickets), their distribution (QR codes, shelf pages, mpnews
// HTML), the test whitelist and card cells; codes (query, consume, decrypt, deposit,
// unavailable, change, a user's cards); member cards (activation, activation form and
// its temporary info, bonus and balance updates, member data); special tickets
// (boarding passes, meeting and movie tickets); pay-gift rules; and sub-merchants.
// It serves CardService, CardCodeService, MemberCardService, SpecialTicketService,
// GiftCardService and SubMerchantService of proto package wxsuite.card.v1. The stores
// part of the domain (POI, store mini-programs, 一物一码) is the sub-package
// services/card/stores.
//
// Every call goes to WeChat through the shared *wechat.Client. Requests are checked
// before anything is sent (card types and the object of that type, base_info lengths,
// colours, code types, validity periods, stock, list sizes, code and openid shapes,
// expiries); errors name the field path. The platform's JSON is produced from the
// typed messages with their proto field names, which are the platform's names.
package card
