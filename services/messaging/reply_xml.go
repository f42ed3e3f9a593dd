package messaging

import (
	"strconv"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// appendReplyXML appends the plaintext passive reply to the user toUser from the account
// fromUser (its gh_ id): the header of facts §2.3 and body, a reply's pre-rendered XML
// (appendReplyBody). Every text goes through wxcrypto.AppendCDATA, which splits "]]>".
func appendReplyXML(dst []byte, toUser, fromUser string, createTime int64, body []byte) []byte {
	dst = append(dst, "<xml><ToUserName>"...)
	dst = wxcrypto.AppendCDATA(dst, toUser)
	dst = append(dst, "</ToUserName><FromUserName>"...)
	dst = wxcrypto.AppendCDATA(dst, fromUser)
	dst = append(dst, "</FromUserName><CreateTime>"...)
	dst = strconv.AppendInt(dst, createTime, 10)
	dst = append(dst, "</CreateTime>"...)
	dst = append(dst, body...)
	return append(dst, "</xml>"...)
}

// appendReplyBody appends the MsgType and the type's elements of r (facts §2.3). r must
// have passed checkPassiveReply.
func appendReplyBody(dst []byte, r *messagingv1.PassiveReply) []byte {
	el := func(name, v string) {
		dst = append(dst, '<')
		dst = append(dst, name...)
		dst = append(dst, '>')
		dst = wxcrypto.AppendCDATA(dst, v)
		dst = append(dst, "</"...)
		dst = append(dst, name...)
		dst = append(dst, '>')
	}
	open := func(name string) { dst = append(dst, "<"+name+">"...) }
	closeEl := func(name string) { dst = append(dst, "</"+name+">"...) }
	switch x := r.GetReply().(type) {
	case *messagingv1.PassiveReply_Text:
		el("MsgType", "text")
		el("Content", x.Text.GetContent())
	case *messagingv1.PassiveReply_Image:
		el("MsgType", "image")
		open("Image")
		el("MediaId", x.Image.GetMediaId())
		closeEl("Image")
	case *messagingv1.PassiveReply_Voice:
		el("MsgType", "voice")
		open("Voice")
		el("MediaId", x.Voice.GetMediaId())
		closeEl("Voice")
	case *messagingv1.PassiveReply_Video:
		el("MsgType", "video")
		open("Video")
		el("MediaId", x.Video.GetMediaId())
		el("Title", x.Video.GetTitle())
		el("Description", x.Video.GetDescription())
		closeEl("Video")
	case *messagingv1.PassiveReply_Music:
		m := x.Music
		el("MsgType", "music")
		open("Music")
		el("Title", m.GetTitle())
		el("Description", m.GetDescription())
		el("MusicUrl", m.GetMusicUrl())
		el("HQMusicUrl", m.GetHqMusicUrl())
		el("ThumbMediaId", m.GetThumbMediaId())
		closeEl("Music")
	case *messagingv1.PassiveReply_News:
		arts := x.News.GetArticles()
		el("MsgType", "news")
		dst = append(dst, "<ArticleCount>"...)
		dst = strconv.AppendInt(dst, int64(len(arts)), 10)
		dst = append(dst, "</ArticleCount><Articles>"...)
		for _, a := range arts {
			open("item")
			el("Title", a.GetTitle())
			el("Description", a.GetDescription())
			el("PicUrl", a.GetPicUrl())
			el("Url", a.GetUrl())
			closeEl("item")
		}
		closeEl("Articles")
	case *messagingv1.PassiveReply_TransferCustomerService:
		el("MsgType", "transfer_customer_service")
		if kf := x.TransferCustomerService.GetKfAccount(); kf != "" {
			open("TransInfo")
			el("KfAccount", kf)
			closeEl("TransInfo")
		}
	}
	return dst
}
