package wxcrypto

// Known-answer vectors of the WeChat callback crypto, as collected in the project's WeChat
// facts (sections 1a, 1b, 1e). Values marked "derived" are computed from published inputs
// and checked independently; no source publishes them.

// Vector A: official Java WXBizMsgCryptTest (testAesEncrypt, testAesEncrypt2), fixed random.
const (
	vaKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	vaToken  = "pamtest"
	vaTS     = "1409304348"
	vaNonce  = "xxxxxx"
	vaAppID  = "wxb11529c136998cb6"
	vaRandom = "aaaabbbbccccdddd"

	va1Plain   = "我是中文abcd123"
	va1Encrypt = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
	va1MsgSig  = "82c962d39941aa48552f90ef55aa323dc620cc10" // derived

	va2Plain   = `<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime><MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GUxqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title><Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>`
	va2Encrypt = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlkupqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAlHF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQpsJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudYR/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb"
	va2MsgSig  = "ea88b765074e41eb8c7a75b449db34fa2fd560d5" // derived
)

// Vector C: official Python Sample.py decrypt case (a compatible-mode body).
const (
	vcKey     = vaKey
	vcToken   = "spamtest"
	vcAppID   = "wx2c2769f8efd9abc2"
	vcTS      = "1409735669"
	vcNonce   = "1320562132"
	vcMsgSig  = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
	vcEncrypt = "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
	vcBody    = `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</MsgId><Encrypt><![CDATA[` + vcEncrypt + `]]></Encrypt></xml>`
	vcPlain   = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>\n<CreateTime>1409735668</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[abcdteT]]></Content>\n<MsgId>6054768590064713728</MsgId>\n</xml>"
	vcRandom  = "89465c840c5f116f" // derived: re-encrypting with it reproduces vcEncrypt
)

// Vector B: official WeCom doc / Java testVerifyUrl (corpid as receive-id).
const (
	vbKey     = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vbToken   = "QDG6eK"
	vbCorpID  = "wx5823bf96d3bd56c7"
	vbMsgSig  = "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3"
	vbTS      = "1409659589"
	vbNonce   = "263014780"
	vbEchostr = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
	vbPlain   = "1616140317555161061"
	vbRandom  = "c41b64491c2468d0"
)

// wechatpy tests/test_crypto.py (wechatpy.work.crypto).
const (
	wpToken  = "123456"
	wpKey    = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
	wpCorpID = "wx49f0ab532d5d035a"

	wpURLSig     = "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96"
	wpURLTS      = "1411443780"
	wpURLNonce   = "437374425"
	wpURLEchostr = "4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=="
	wpURLPlain   = "5927782489442352469" // derived

	wpDecSig     = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"
	wpDecTS      = "1411525903"
	wpDecNonce   = "461056294"
	wpDecEncrypt = "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="

	wpEncRandom = "1234567890123456"
	wpEncTS     = 1411525903
	wpEncNonce  = "461056294"
	wpEncPlain  = "<xml>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[test]]></Content>\n<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>\n<ToUserName><![CDATA[messense]]></ToUserName>\n<AgentID>1</AgentID>\n<CreateTime>1411525903</CreateTime>\n</xml>"
	wpEncrypt   = "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3"
	wpEncMsgSig = "407518b7649e86ef23978113f92d27afa9296533"
	// wechatpy's expected reply has a newline after <xml> and after each element; the
	// official samples' template, which AppendReplyEnvelope follows, has none.
	wpEncReplyWechatpy = "<xml>\n<Encrypt><![CDATA[" + wpEncrypt + "]]></Encrypt>\n<MsgSignature><![CDATA[" + wpEncMsgSig + "]]></MsgSignature>\n<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>"
)
