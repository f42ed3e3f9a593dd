package messaging

import (
	"fmt"
	"strings"
	"testing"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// fixture is one pushed message or event, written from facts §2.1/§2.2 (the samples of
// wechatpy, fastwego, silenceper and the official docs), and what its typed Event holds.
type fixture struct {
	name     string
	xml      string
	wantType string
	check    func(t *testing.T, ev *messagingv1.Event)
}

const fxFrom, fxTo = "oFixtureOpenID_0001", "gh_fixture00001"

func msgXML(msgType, body string, msgID int) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[%s]]></MsgType>%s<MsgId>%d</MsgId></xml>`,
		fxTo, fxFrom, msgType, body, msgID)
}

func eventXML(event, body string) string {
	return fmt.Sprintf(`<xml><ToUserName><![CDATA[%s]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName><CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event>%s</xml>`,
		fxTo, fxFrom, event, body)
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// fixtures returns one fixture per message and event type; msgBase keeps MsgIds unique
// per test run (real Redis is shared).
func fixtures(msgBase int) []fixture {
	return []fixture{
		{"text", msgXML("text", `<Content><![CDATA[你好 <b>]]></Content><bizmsgmenuid>101</bizmsgmenuid>`, msgBase+1), "text", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "content", ev.GetText().GetContent(), "你好 <b>")
			eq(t, "bizmsgmenuid", ev.GetText().GetBizMsgMenuId(), "101")
			eq(t, "msg_id", ev.GetMsgId(), int64(msgBase+1))
			eq(t, "create_time", ev.GetCreateTime().GetSeconds(), int64(1348831860))
			eq(t, "from", ev.GetFromUserName(), fxFrom)
			eq(t, "to", ev.GetToUserName(), fxTo)
		}},
		{"image", msgXML("image", `<PicUrl><![CDATA[http://mmbiz/pic]]></PicUrl><MediaId><![CDATA[media_id]]></MediaId>`, msgBase+2), "image", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "pic_url", ev.GetImage().GetPicUrl(), "http://mmbiz/pic")
			eq(t, "media_id", ev.GetImage().GetMediaId(), "media_id")
		}},
		{"voice", msgXML("voice", `<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format><Recognition><![CDATA[腾讯微信团队]]></Recognition>`, msgBase+3), "voice", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "format", ev.GetVoice().GetFormat(), "amr")
			eq(t, "recognition", ev.GetVoice().GetRecognition(), "腾讯微信团队")
		}},
		{"video", msgXML("video", `<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[thumb]]></ThumbMediaId>`, msgBase+4), "video", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "thumb", ev.GetVideo().GetThumbMediaId(), "thumb")
		}},
		{"shortvideo", msgXML("shortvideo", `<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[thumb2]]></ThumbMediaId>`, msgBase+5), "shortvideo", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "thumb", ev.GetShortVideo().GetThumbMediaId(), "thumb2")
		}},
		{"location", msgXML("location", `<Location_X>23.134521</Location_X><Location_Y>113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[位置信息]]></Label>`, msgBase+6), "location", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "lat", ev.GetLocation().GetLatitude(), 23.134521)
			eq(t, "lng", ev.GetLocation().GetLongitude(), 113.358803)
			eq(t, "scale", ev.GetLocation().GetScale(), int32(20))
			eq(t, "label", ev.GetLocation().GetLabel(), "位置信息")
		}},
		{"link", msgXML("link", `<Title><![CDATA[公众平台官网链接]]></Title><Description><![CDATA[desc]]></Description><Url><![CDATA[http://url]]></Url>`, msgBase+7), "link", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "title", ev.GetLink().GetTitle(), "公众平台官网链接")
			eq(t, "url", ev.GetLink().GetUrl(), "http://url")
		}},
		{"file", msgXML("file", `<Title><![CDATA[a.pdf]]></Title><Description><![CDATA[d]]></Description><FileKey><![CDATA[k]]></FileKey><FileMd5><![CDATA[md5]]></FileMd5><FileTotalLen>12345</FileTotalLen>`, msgBase+8), "file", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "len", ev.GetFile().GetFileTotalLen(), int64(12345))
			eq(t, "md5", ev.GetFile().GetFileMd5(), "md5")
		}},
		{"subscribe", eventXML("subscribe", ``), "subscribe", func(t *testing.T, ev *messagingv1.Event) {
			if ev.GetSubscribe() == nil {
				t.Error("no subscribe payload")
			}
			eq(t, "scene", ev.GetSubscribe().GetScene(), "")
		}},
		{"subscribe_qr", eventXML("subscribe", `<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`), "subscribe", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "scene", ev.GetSubscribe().GetScene(), "123123")
			eq(t, "key", ev.GetSubscribe().GetEventKey(), "qrscene_123123")
			eq(t, "ticket", ev.GetSubscribe().GetTicket(), "TICKET")
		}},
		{"unsubscribe", eventXML("unsubscribe", ``), "unsubscribe", func(t *testing.T, ev *messagingv1.Event) {
			if ev.GetUnsubscribe() == nil {
				t.Error("no unsubscribe payload")
			}
		}},
		{"SCAN", eventXML("SCAN", `<EventKey><![CDATA[SCENE_VALUE]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>`), "SCAN", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "key", ev.GetScan().GetEventKey(), "SCENE_VALUE")
			eq(t, "ticket", ev.GetScan().GetTicket(), "TICKET")
		}},
		{"LOCATION", eventXML("LOCATION", `<Latitude>23.137466</Latitude><Longitude>113.352425</Longitude><Precision>119.385040</Precision>`), "LOCATION", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "lat", ev.GetLocationReport().GetLatitude(), 23.137466)
			eq(t, "precision", ev.GetLocationReport().GetPrecision(), 119.385040)
		}},
		{"CLICK", eventXML("CLICK", `<EventKey><![CDATA[EVENTKEY]]></EventKey>`), "CLICK", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "key", ev.GetClick().GetEventKey(), "EVENTKEY")
		}},
		{"VIEW", eventXML("VIEW", `<EventKey><![CDATA[www.qq.com]]></EventKey><MenuId>MENUID</MenuId>`), "VIEW", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "key", ev.GetView().GetEventKey(), "www.qq.com")
			eq(t, "menu", ev.GetView().GetMenuId(), "MENUID")
		}},
		{"view_miniprogram", eventXML("view_miniprogram", `<EventKey><![CDATA[pages/index/index]]></EventKey><MenuId>MENUID</MenuId>`), "view_miniprogram", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "key", ev.GetViewMiniprogram().GetEventKey(), "pages/index/index")
		}},
		{"scancode_push", eventXML("scancode_push", `<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo>`), "scancode_push", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "type", ev.GetScancodePush().GetScanType(), "qrcode")
			eq(t, "result", ev.GetScancodePush().GetScanResult(), "1")
		}},
		{"scancode_waitmsg", eventXML("scancode_waitmsg", `<EventKey><![CDATA[6]]></EventKey><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[2]]></ScanResult></ScanCodeInfo>`), "scancode_waitmsg", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "result", ev.GetScancodeWaitmsg().GetScanResult(), "2")
		}},
		{"pic_sysphoto", eventXML("pic_sysphoto", `<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[1b5f7c23b5bf75682a53e7b6d163e185]]></PicMd5Sum></item></PicList></SendPicsInfo>`), "pic_sysphoto", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "count", ev.GetPicSysphoto().GetCount(), int32(1))
			if got := ev.GetPicSysphoto().GetPicMd5Sums(); len(got) != 1 || got[0] != "1b5f7c23b5bf75682a53e7b6d163e185" {
				t.Errorf("md5s = %v", got)
			}
		}},
		{"pic_photo_or_album", eventXML("pic_photo_or_album", `<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum><![CDATA[5a75aaca956d97be686719218f275c6b]]></PicMd5Sum></item><item><PicMd5Sum><![CDATA[x]]></PicMd5Sum></item></PicList></SendPicsInfo>`), "pic_photo_or_album", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "n", len(ev.GetPicPhotoOrAlbum().GetPicMd5Sums()), 2)
		}},
		{"pic_weixin", eventXML("pic_weixin", `<EventKey><![CDATA[6]]></EventKey><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[5a75aaca956d97be686719218f275c6b]]></PicMd5Sum></item></PicList></SendPicsInfo>`), "pic_weixin", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "md5", ev.GetPicWeixin().GetPicMd5Sums()[0], "5a75aaca956d97be686719218f275c6b")
		}},
		{"location_select", eventXML("location_select", `<EventKey><![CDATA[6]]></EventKey><SendLocationInfo><Location_X><![CDATA[23]]></Location_X><Location_Y><![CDATA[113]]></Location_Y><Scale><![CDATA[15]]></Scale><Label><![CDATA[ 广州市海珠区客村艺苑路 106号]]></Label><Poiname><![CDATA[]]></Poiname></SendLocationInfo>`), "location_select", func(t *testing.T, ev *messagingv1.Event) {
			l := ev.GetLocationSelect()
			eq(t, "lat", l.GetLatitude(), 23.0)
			eq(t, "lng", l.GetLongitude(), 113.0)
			eq(t, "scale", l.GetScale(), int32(15))
			eq(t, "label", l.GetLabel(), " 广州市海珠区客村艺苑路 106号")
		}},
		{"TEMPLATESENDJOBFINISH", eventXML("TEMPLATESENDJOBFINISH", `<MsgID>200163836</MsgID><Status><![CDATA[failed: system failed]]></Status>`), "TEMPLATESENDJOBFINISH", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "msg_id", ev.GetTemplateSendJobFinish().GetMsgId(), int64(200163836))
			eq(t, "status", ev.GetTemplateSendJobFinish().GetStatus(), "failed: system failed")
			eq(t, "event msg_id", ev.GetMsgId(), int64(0))
		}},
		{"MASSSENDJOBFINISH", eventXML("MASSSENDJOBFINISH", `<MsgID>1000001625</MsgID><Status><![CDATA[err(30003)]]></Status><TotalCount>0</TotalCount><FilterCount>0</FilterCount><SentCount>0</SentCount><ErrorCount>0</ErrorCount><CopyrightCheckResult><Count>2</Count><ResultList><item><ArticleIdx>1</ArticleIdx><UserDeclareState>0</UserDeclareState><AuditState>2</AuditState><OriginalArticleUrl><![CDATA[Url_1]]></OriginalArticleUrl><OriginalArticleType>1</OriginalArticleType><CanReprint>1</CanReprint><NeedReplaceContent>1</NeedReplaceContent><NeedShowReprintSource>1</NeedShowReprintSource></item></ResultList><CheckState>2</CheckState></CopyrightCheckResult><ArticleUrlResult><Count>1</Count><ResultList><item><ArticleIdx>1</ArticleIdx><ArticleUrl><![CDATA[http://a]]></ArticleUrl></item></ResultList></ArticleUrlResult>`), "MASSSENDJOBFINISH", func(t *testing.T, ev *messagingv1.Event) {
			m := ev.GetMassSendJobFinish()
			eq(t, "msg_id", m.GetMsgId(), int64(1000001625))
			eq(t, "status", m.GetStatus(), "err(30003)")
			eq(t, "check_state", m.GetCopyrightCheckResult().GetCheckState(), int32(2))
			eq(t, "items", len(m.GetCopyrightCheckResult().GetItems()), 1)
			eq(t, "orig url", m.GetCopyrightCheckResult().GetItems()[0].GetOriginalArticleUrl(), "Url_1")
			eq(t, "article url", m.GetArticleUrls()[0].GetArticleUrl(), "http://a")
		}},
		{"subscribe_msg_popup_event", eventXML("subscribe_msg_popup_event", `<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId><SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString><PopupScene>2</PopupScene></List><List><TemplateId><![CDATA[T2]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString><PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent>`), "subscribe_msg_popup_event", func(t *testing.T, ev *messagingv1.Event) {
			it := ev.GetSubscribeMsgPopup().GetItems()
			eq(t, "n", len(it), 2)
			eq(t, "tpl", it[0].GetTemplateId(), "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc")
			eq(t, "scene", it[0].GetPopupScene(), int32(2))
			eq(t, "status", it[1].GetSubscribeStatus(), "reject")
		}},
		{"subscribe_msg_change_event", eventXML("subscribe_msg_change_event", `<SubscribeMsgChangeEvent><List><TemplateId><![CDATA[T1]]></TemplateId><SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString></List></SubscribeMsgChangeEvent>`), "subscribe_msg_change_event", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "status", ev.GetSubscribeMsgChange().GetItems()[0].GetSubscribeStatus(), "reject")
		}},
		{"subscribe_msg_sent_event", eventXML("subscribe_msg_sent_event", `<SubscribeMsgSentEvent><List><TemplateId><![CDATA[T1]]></TemplateId><MsgID>1700827132819554304</MsgID><ErrorCode>0</ErrorCode><ErrorStatus><![CDATA[success]]></ErrorStatus></List></SubscribeMsgSentEvent>`), "subscribe_msg_sent_event", func(t *testing.T, ev *messagingv1.Event) {
			it := ev.GetSubscribeMsgSent().GetItems()[0]
			eq(t, "msg_id", it.GetMsgId(), int64(1700827132819554304))
			eq(t, "status", it.GetErrorStatus(), "success")
		}},
		{"qualification_verify_success", eventXML("qualification_verify_success", `<ExpiredTime>1442401156</ExpiredTime>`), "qualification_verify_success", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "expired", ev.GetQualificationVerifySuccess().GetExpiredTime().GetSeconds(), int64(1442401156))
		}},
		{"qualification_verify_fail", eventXML("qualification_verify_fail", `<FailTime>1442401122</FailTime><FailReason><![CDATA[by time]]></FailReason>`), "qualification_verify_fail", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "reason", ev.GetQualificationVerifyFail().GetFailReason(), "by time")
			eq(t, "time", ev.GetQualificationVerifyFail().GetFailTime().GetSeconds(), int64(1442401122))
		}},
		{"naming_verify_success", eventXML("naming_verify_success", `<ExpiredTime>1442401093</ExpiredTime>`), "naming_verify_success", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "expired", ev.GetNamingVerifySuccess().GetExpiredTime().GetSeconds(), int64(1442401093))
		}},
		{"naming_verify_fail", eventXML("naming_verify_fail", `<FailTime>1442401061</FailTime><FailReason><![CDATA[by time]]></FailReason>`), "naming_verify_fail", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "reason", ev.GetNamingVerifyFail().GetFailReason(), "by time")
		}},
		{"annual_renew", eventXML("annual_renew", `<ExpiredTime>1442401004</ExpiredTime>`), "annual_renew", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "expired", ev.GetAnnualRenew().GetExpiredTime().GetSeconds(), int64(1442401004))
		}},
		{"verify_expired", eventXML("verify_expired", `<ExpiredTime>1442400900</ExpiredTime>`), "verify_expired", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "expired", ev.GetVerifyExpired().GetExpiredTime().GetSeconds(), int64(1442400900))
		}},
		{"poi_check_notify", eventXML("poi_check_notify", `<UniqId><![CDATA[123adb]]></UniqId><PoiId><![CDATA[123123]]></PoiId><Result><![CDATA[fail]]></Result><Msg><![CDATA[xxxxxx]]></Msg>`), "poi_check_notify", func(t *testing.T, ev *messagingv1.Event) {
			p := ev.GetPoiCheckNotify()
			eq(t, "uniq", p.GetUniqId(), "123adb")
			eq(t, "poi", p.GetPoiId(), "123123")
			eq(t, "result", p.GetResult(), "fail")
			eq(t, "msg", p.GetMsg(), "xxxxxx")
		}},
		{"kf_create_session", eventXML("kf_create_session", `<KfAccount><![CDATA[test1@test]]></KfAccount>`), "kf_create_session", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "kf", ev.GetKfCreateSession().GetKfAccount(), "test1@test")
		}},
		{"kf_close_session", eventXML("kf_close_session", `<KfAccount><![CDATA[test1@test]]></KfAccount>`), "kf_close_session", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "kf", ev.GetKfCloseSession().GetKfAccount(), "test1@test")
		}},
		{"kf_switch_session", eventXML("kf_switch_session", `<FromKfAccount><![CDATA[a@test]]></FromKfAccount><ToKfAccount><![CDATA[b@test]]></ToKfAccount>`), "kf_switch_session", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "to", ev.GetKfSwitchSession().GetToKfAccount(), "b@test")
		}},
		{"card_pass_check", eventXML("card_pass_check", `<CardId><![CDATA[c1]]></CardId>`), "card_pass_check", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "card", ev.GetCardPassCheck().GetCardId(), "c1")
		}},
		{"card_not_pass_check", eventXML("card_not_pass_check", `<CardId><![CDATA[c1]]></CardId><RefuseReason><![CDATA[非法代制]]></RefuseReason>`), "card_not_pass_check", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "reason", ev.GetCardNotPassCheck().GetRefuseReason(), "非法代制")
		}},
		{"user_get_card", eventXML("user_get_card", `<CardId><![CDATA[pZI8Fjwsy5fVPRBeD78J4RmqVvBc]]></CardId><IsGiveByFriend>0</IsGiveByFriend><UserCardCode><![CDATA[226009850808]]></UserCardCode><FriendUserName><![CDATA[]]></FriendUserName><OuterId>0</OuterId><OldUserCardCode><![CDATA[]]></OldUserCardCode><OuterStr><![CDATA[12b]]></OuterStr><IsRestoreMemberCard>0</IsRestoreMemberCard><IsRecommendByFriend>0</IsRecommendByFriend><UnionId>u1</UnionId>`), "user_get_card", func(t *testing.T, ev *messagingv1.Event) {
			c := ev.GetUserGetCard()
			eq(t, "card", c.GetCardId(), "pZI8Fjwsy5fVPRBeD78J4RmqVvBc")
			eq(t, "code", c.GetUserCardCode(), "226009850808")
			eq(t, "outer", c.GetOuterStr(), "12b")
			eq(t, "union", c.GetUnionId(), "u1")
		}},
		{"user_gifting_card", eventXML("user_gifting_card", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[1]]></UserCardCode><IsReturnBack>1</IsReturnBack><FriendUserName><![CDATA[f]]></FriendUserName><IsChatRoom>1</IsChatRoom>`), "user_gifting_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "back", ev.GetUserGiftingCard().GetIsReturnBack(), int32(1))
			eq(t, "friend", ev.GetUserGiftingCard().GetFriendUserName(), "f")
		}},
		{"user_del_card", eventXML("user_del_card", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[12312312]]></UserCardCode>`), "user_del_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "code", ev.GetUserDelCard().GetUserCardCode(), "12312312")
		}},
		{"user_consume_card", eventXML("user_consume_card", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[1]]></UserCardCode><ConsumeSource><![CDATA[FROM_API]]></ConsumeSource><LocationName><![CDATA[l]]></LocationName><StaffOpenId><![CDATA[s]]></StaffOpenId><VerifyCode><![CDATA[v]]></VerifyCode><RemarkAmount><![CDATA[r]]></RemarkAmount><OuterStr><![CDATA[o]]></OuterStr>`), "user_consume_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "source", ev.GetUserConsumeCard().GetConsumeSource(), "FROM_API")
			eq(t, "staff", ev.GetUserConsumeCard().GetStaffOpenId(), "s")
		}},
		{"user_pay_from_pay_cell", eventXML("user_pay_from_pay_cell", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[1]]></UserCardCode><TransId><![CDATA[t]]></TransId><LocationId>123</LocationId><Fee><![CDATA[100]]></Fee><OriginalFee><![CDATA[200]]></OriginalFee>`), "user_pay_from_pay_cell", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "loc", ev.GetUserPayFromPayCell().GetLocationId(), int64(123))
			eq(t, "fee", ev.GetUserPayFromPayCell().GetFee(), int64(100))
			eq(t, "orig", ev.GetUserPayFromPayCell().GetOriginalFee(), int64(200))
		}},
		{"user_view_card", eventXML("user_view_card", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[1]]></UserCardCode><OuterStr><![CDATA[12b]]></OuterStr>`), "user_view_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "outer", ev.GetUserViewCard().GetOuterStr(), "12b")
		}},
		{"user_enter_session_from_card", eventXML("user_enter_session_from_card", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[9]]></UserCardCode>`), "user_enter_session_from_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "code", ev.GetUserEnterSessionFromCard().GetUserCardCode(), "9")
		}},
		{"update_member_card", eventXML("update_member_card", `<CardId><![CDATA[pjZ8Ytx-nwvpCRyQneH3Ncmh6N94]]></CardId><UserCardCode><![CDATA[485027611252]]></UserCardCode><ModifyBonus>3</ModifyBonus><ModifyBalance>0</ModifyBalance>`), "update_member_card", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "bonus", ev.GetUpdateMemberCard().GetModifyBonus(), int64(3))
			eq(t, "code", ev.GetUpdateMemberCard().GetUserCardCode(), "485027611252")
		}},
		{"card_sku_remind", eventXML("card_sku_remind", `<CardId><![CDATA[c]]></CardId><Detail><![CDATA[the card's quantity is equal to 0]]></Detail>`), "card_sku_remind", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "detail", ev.GetCardSkuRemind().GetDetail(), "the card's quantity is equal to 0")
		}},
		{"card_pay_order", eventXML("card_pay_order", `<OrderId><![CDATA[404091456]]></OrderId><Status><![CDATA[ORDER_STATUS_FINANCE_SUCC]]></Status><CreateOrderTime>1472549624</CreateOrderTime><PayFinishTime>1472549637</PayFinishTime><Desc><![CDATA[]]></Desc><FreeCoinCount><![CDATA[200]]></FreeCoinCount><PayCoinCount><![CDATA[0]]></PayCoinCount><RefundFreeCoinCount><![CDATA[0]]></RefundFreeCoinCount><RefundPayCoinCount><![CDATA[0]]></RefundPayCoinCount><OrderType><![CDATA[ORDER_TYPE_SYS_ADD]]></OrderType><Memo><![CDATA[开通账户奖励]]></Memo><ReceiptInfo><![CDATA[]]></ReceiptInfo>`), "card_pay_order", func(t *testing.T, ev *messagingv1.Event) {
			o := ev.GetCardPayOrder()
			eq(t, "order", o.GetOrderId(), "404091456")
			eq(t, "status", o.GetStatus(), "ORDER_STATUS_FINANCE_SUCC")
			eq(t, "created", o.GetCreateOrderTime().GetSeconds(), int64(1472549624))
			eq(t, "type", o.GetOrderType(), "ORDER_TYPE_SYS_ADD")
			eq(t, "memo", o.GetMemo(), "开通账户奖励")
		}},
		{"submit_membercard_user_info", eventXML("submit_membercard_user_info", `<CardId><![CDATA[c]]></CardId><UserCardCode><![CDATA[7]]></UserCardCode>`), "submit_membercard_user_info", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "code", ev.GetSubmitMembercardUserInfo().GetUserCardCode(), "7")
		}},
		{"user_authorize_invoice", eventXML("user_authorize_invoice", `<SuccOrderId><![CDATA[1202933957956]]></SuccOrderId><FailOrderId><![CDATA[]]></FailOrderId><AuthorizeAppId><![CDATA[wxa1]]></AuthorizeAppId><Source><![CDATA[web]]></Source>`), "user_authorize_invoice", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "succ", ev.GetUserAuthorizeInvoice().GetSuccOrderId(), "1202933957956")
			eq(t, "app", ev.GetUserAuthorizeInvoice().GetAuthorizeAppId(), "wxa1")
			eq(t, "source", ev.GetUserAuthorizeInvoice().GetSource(), "web")
		}},
		{"user_authorize_invoice_appid", strings.Replace(eventXML("user_authorize_invoice", `<SuccOrderId><![CDATA[]]></SuccOrderId><FailOrderId><![CDATA[99]]></FailOrderId><AppId><![CDATA[wxa2]]></AppId><Source><![CDATA[app]]></Source>`), "123456789", "123456790", 1), "user_authorize_invoice", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "app", ev.GetUserAuthorizeInvoice().GetAuthorizeAppId(), "wxa2")
			eq(t, "fail", ev.GetUserAuthorizeInvoice().GetFailOrderId(), "99")
		}},
		{"update_invoice_status", eventXML("update_invoice_status", `<Status><![CDATA[INVOICE_REIMBURSE_INIT]]></Status><CardId><![CDATA[pjZ8Yt7Um2jYxzneP8GomnxoVFWo]]></CardId><Code><![CDATA[186921658591]]></Code>`), "update_invoice_status", func(t *testing.T, ev *messagingv1.Event) {
			eq(t, "status", ev.GetUpdateInvoiceStatus().GetStatus(), "INVOICE_REIMBURSE_INIT")
			eq(t, "code", ev.GetUpdateInvoiceStatus().GetCode(), "186921658591")
		}},
		{"submit_invoice_title", eventXML("submit_invoice_title", `<title><![CDATA[样例公司抬头]]></title><tax_no><![CDATA[1486715661]]></tax_no><addr><![CDATA[abc]]></addr><phone><![CDATA[13313331333]]></phone><bank_type><![CDATA[bt]]></bank_type><bank_no><![CDATA[bn]]></bank_no><attach><![CDATA[at]]></attach><title_type><![CDATA[InvoiceUserTitleBusinessType]]></title_type>`), "submit_invoice_title", func(t *testing.T, ev *messagingv1.Event) {
			s := ev.GetSubmitInvoiceTitle()
			eq(t, "title", s.GetTitle(), "样例公司抬头")
			eq(t, "tax", s.GetTaxNo(), "1486715661")
			eq(t, "type", s.GetTitleType(), "InvoiceUserTitleBusinessType")
		}},
	}
}
