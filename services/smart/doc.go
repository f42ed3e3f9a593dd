// Package smart is the smart service of wxsuite: the platform's intelligence calls
// (智能接口) behind LanguageService (semantic understanding, voice recognition,
// translation) and VisionService (OCR of identity cards, bank cards, driving and
// business licences, printed text, plate numbers and menus; QR/bar code scanning, smart
// cropping and super-resolution), proto package wxsuite.smart.v1.
//
// Every call goes to WeChat through the shared *wechat.Client (token injection, refresh
// on 40001, retries of the idempotent calls, WECHAT_ERRCODE details). Requests are
// checked before anything is sent: images (exactly one of an absolute http(s) img_url
// or img bytes of a jpeg, png, bmp or gif of at most 2 MiB), voices (an mp3 of at most
// 1 MiB under a voice_id of printable ASCII), translation texts (1 to 600 bytes of
// UTF-8), semantic queries and categories, coordinates and crop ratios; errors name the
// field path.
package smart
