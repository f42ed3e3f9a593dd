// Package wxcrypto implements the URL/message signatures and AES message crypto of the
// WeChat platform: the signatures web pages and servers exchange with WeChat (JS-SDK
// wx.config, card cardExt and cardSign) and the protection of callback messages.
//
// Every function is pure: it takes the ticket, token or key it needs as an argument and
// neither fetches nor logs anything. Signatures are lowercase hex, as WeChat expects.
package wxcrypto
