package messaging

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// pushXML is every element of every message and event WeChat pushes (facts §2.1, §2.2).
// Element names are matched exactly (encoding/xml is case-sensitive), so MsgId and MsgID,
// Title and title stay apart. Numbers are read as text and converted leniently: a push
// with an odd number is still stored (its raw XML keeps the original).
type pushXML struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	CreateTime   string   `xml:"CreateTime"`
	MsgType      string   `xml:"MsgType"`
	MsgId        string   `xml:"MsgId"` //nolint:revive // var-naming: WeChat's element name
	MsgID        string   `xml:"MsgID"`
	Event        string   `xml:"Event"`
	EventKey     string   `xml:"EventKey"`

	Content      string `xml:"Content"`
	BizMsgMenuID string `xml:"bizmsgmenuid"`
	PicURL       string `xml:"PicUrl"`
	MediaID      string `xml:"MediaId"`
	Format       string `xml:"Format"`
	Recognition  string `xml:"Recognition"`
	ThumbMediaID string `xml:"ThumbMediaId"`
	LocationX    string `xml:"Location_X"`
	LocationY    string `xml:"Location_Y"`
	Scale        string `xml:"Scale"`
	Label        string `xml:"Label"`
	Title        string `xml:"Title"`
	Description  string `xml:"Description"`
	URL          string `xml:"Url"`
	FileKey      string `xml:"FileKey"`
	FileMd5      string `xml:"FileMd5"`
	FileTotalLen string `xml:"FileTotalLen"`

	Ticket    string `xml:"Ticket"`
	Latitude  string `xml:"Latitude"`
	Longitude string `xml:"Longitude"`
	Precision string `xml:"Precision"`
	MenuID    string `xml:"MenuId"`

	ScanCodeInfo struct {
		ScanType   string `xml:"ScanType"`
		ScanResult string `xml:"ScanResult"`
	} `xml:"ScanCodeInfo"`
	SendPicsInfo struct {
		Count   string   `xml:"Count"`
		PicList []string `xml:"PicList>item>PicMd5Sum"`
	} `xml:"SendPicsInfo"`
	SendLocationInfo struct {
		LocationX string `xml:"Location_X"`
		LocationY string `xml:"Location_Y"`
		Scale     string `xml:"Scale"`
		Label     string `xml:"Label"`
		Poiname   string `xml:"Poiname"`
	} `xml:"SendLocationInfo"`

	Status               string `xml:"Status"`
	TotalCount           string `xml:"TotalCount"`
	FilterCount          string `xml:"FilterCount"`
	SentCount            string `xml:"SentCount"`
	ErrorCount           string `xml:"ErrorCount"`
	CopyrightCheckResult *struct {
		Count      string `xml:"Count"`
		CheckState string `xml:"CheckState"`
		Items      []struct {
			ArticleIdx            string `xml:"ArticleIdx"`
			UserDeclareState      string `xml:"UserDeclareState"`
			AuditState            string `xml:"AuditState"`
			OriginalArticleURL    string `xml:"OriginalArticleUrl"`
			OriginalArticleType   string `xml:"OriginalArticleType"`
			CanReprint            string `xml:"CanReprint"`
			NeedReplaceContent    string `xml:"NeedReplaceContent"`
			NeedShowReprintSource string `xml:"NeedShowReprintSource"`
		} `xml:"ResultList>item"`
	} `xml:"CopyrightCheckResult"`
	ArticleURLs []struct {
		ArticleIdx string `xml:"ArticleIdx"`
		ArticleURL string `xml:"ArticleUrl"`
	} `xml:"ArticleUrlResult>ResultList>item"`

	PopupList  []subscribeMsgItemXML `xml:"SubscribeMsgPopupEvent>List"`
	ChangeList []subscribeMsgItemXML `xml:"SubscribeMsgChangeEvent>List"`
	SentList   []subscribeMsgItemXML `xml:"SubscribeMsgSentEvent>List"`

	ExpiredTime string `xml:"ExpiredTime"`
	FailTime    string `xml:"FailTime"`
	FailReason  string `xml:"FailReason"`

	UniqID string `xml:"UniqId"`
	PoiID  string `xml:"PoiId"`
	Result string `xml:"Result"`
	Msg    string `xml:"Msg"`

	KfAccount     string `xml:"KfAccount"`
	FromKfAccount string `xml:"FromKfAccount"`
	ToKfAccount   string `xml:"ToKfAccount"`

	CardID              string `xml:"CardId"`
	RefuseReason        string `xml:"RefuseReason"`
	IsGiveByFriend      string `xml:"IsGiveByFriend"`
	UserCardCode        string `xml:"UserCardCode"`
	FriendUserName      string `xml:"FriendUserName"`
	OuterID             string `xml:"OuterId"`
	OldUserCardCode     string `xml:"OldUserCardCode"`
	OuterStr            string `xml:"OuterStr"`
	IsRestoreMemberCard string `xml:"IsRestoreMemberCard"`
	IsRecommendByFriend string `xml:"IsRecommendByFriend"`
	UnionID             string `xml:"UnionId"`
	IsReturnBack        string `xml:"IsReturnBack"`
	IsChatRoom          string `xml:"IsChatRoom"`
	ConsumeSource       string `xml:"ConsumeSource"`
	LocationName        string `xml:"LocationName"`
	StaffOpenID         string `xml:"StaffOpenId"`
	VerifyCode          string `xml:"VerifyCode"`
	RemarkAmount        string `xml:"RemarkAmount"`
	LocationID          string `xml:"LocationId"`
	TransID             string `xml:"TransId"`
	Fee                 string `xml:"Fee"`
	OriginalFee         string `xml:"OriginalFee"`
	ModifyBonus         string `xml:"ModifyBonus"`
	ModifyBalance       string `xml:"ModifyBalance"`
	Detail              string `xml:"Detail"`
	OrderID             string `xml:"OrderId"`
	CreateOrderTime     string `xml:"CreateOrderTime"`
	PayFinishTime       string `xml:"PayFinishTime"`
	Desc                string `xml:"Desc"`
	FreeCoinCount       string `xml:"FreeCoinCount"`
	PayCoinCount        string `xml:"PayCoinCount"`
	RefundFreeCoinCount string `xml:"RefundFreeCoinCount"`
	RefundPayCoinCount  string `xml:"RefundPayCoinCount"`
	OrderType           string `xml:"OrderType"`
	Memo                string `xml:"Memo"`
	ReceiptInfo         string `xml:"ReceiptInfo"`

	SuccOrderID    string `xml:"SuccOrderId"`
	FailOrderID    string `xml:"FailOrderId"`
	AuthorizeAppID string `xml:"AuthorizeAppId"`
	AppID          string `xml:"AppId"`
	Source         string `xml:"Source"`
	Code           string `xml:"Code"`
	InvTitle       string `xml:"title"`
	TaxNo          string `xml:"tax_no"`
	Addr           string `xml:"addr"`
	Phone          string `xml:"phone"`
	BankType       string `xml:"bank_type"`
	BankNo         string `xml:"bank_no"`
	Attach         string `xml:"attach"`
	TitleType      string `xml:"title_type"`
}

type subscribeMsgItemXML struct {
	TemplateID            string `xml:"TemplateId"`
	SubscribeStatusString string `xml:"SubscribeStatusString"`
	PopupScene            string `xml:"PopupScene"`
	MsgID                 string `xml:"MsgID"`
	ErrorCode             string `xml:"ErrorCode"`
	ErrorStatus           string `xml:"ErrorStatus"`
}

// eventNames maps the lower-cased Event of every known event to its documented spelling,
// the Event.type wxsuite reports.
var eventNames = func() map[string]string {
	m := map[string]string{}
	for _, n := range []string{
		"subscribe", "unsubscribe", "SCAN", "LOCATION", "CLICK", "VIEW", "view_miniprogram",
		"scancode_push", "scancode_waitmsg", "pic_sysphoto", "pic_photo_or_album", "pic_weixin",
		"location_select", "TEMPLATESENDJOBFINISH", "MASSSENDJOBFINISH",
		"subscribe_msg_popup_event", "subscribe_msg_change_event", "subscribe_msg_sent_event",
		"qualification_verify_success", "qualification_verify_fail", "naming_verify_success",
		"naming_verify_fail", "annual_renew", "verify_expired", "poi_check_notify",
		"kf_create_session", "kf_close_session", "kf_switch_session",
		"card_pass_check", "card_not_pass_check", "user_get_card", "user_gifting_card",
		"user_del_card", "user_consume_card", "user_pay_from_pay_cell", "user_view_card",
		"user_enter_session_from_card", "update_member_card", "card_sku_remind", "card_pay_order",
		"submit_membercard_user_info", "user_authorize_invoice", "update_invoice_status",
		"submit_invoice_title",
	} {
		m[strings.ToLower(n)] = n
	}
	return m
}()

// parseMessage decodes the plaintext message XML of a push into an Event (without id,
// app_id, receive_time and mode) and returns its dedup id (see dedupID). Only XML that
// does not parse, a root other than <xml> and a missing MsgType are errors; an unknown
// type gives an Event without payload.
func parseMessage(raw []byte) (*messagingv1.Event, string, error) {
	var x pushXML
	if !decodePushFast(raw, &x) {
		d := xml.NewDecoder(bytes.NewReader(raw))
		d.Strict = true
		if err := d.Decode(&x); err != nil {
			return nil, "", fmt.Errorf("%w: %w", ErrBadXML, err)
		}
	}
	if x.MsgType == "" {
		return nil, "", fmt.Errorf("%w: no MsgType", ErrBadXML)
	}
	dedup := dedupID(&x, raw)
	ev := &messagingv1.Event{
		Type:         x.MsgType,
		MsgType:      x.MsgType,
		ToUserName:   x.ToUserName,
		FromUserName: x.FromUserName,
		CreateTime:   unixTime(x.CreateTime),
		RawXml:       raw,
	}
	if x.MsgType != "event" {
		ev.MsgId = toInt64(x.MsgId)
		setMessagePayload(ev, &x)
		return ev, dedup, nil
	}
	name, known := eventNames[strings.ToLower(x.Event)]
	if !known {
		ev.Type = x.Event
		if ev.Type == "" {
			ev.Type = "event"
		}
		return ev, dedup, nil
	}
	ev.Type = name
	setEventPayload(ev, name, &x)
	return ev, dedup, nil
}

func setMessagePayload(ev *messagingv1.Event, x *pushXML) {
	switch x.MsgType {
	case "text":
		ev.Payload = &messagingv1.Event_Text{Text: &messagingv1.TextMessage{Content: x.Content, BizMsgMenuId: x.BizMsgMenuID}}
	case "image":
		ev.Payload = &messagingv1.Event_Image{Image: &messagingv1.ImageMessage{PicUrl: x.PicURL, MediaId: x.MediaID}}
	case "voice":
		ev.Payload = &messagingv1.Event_Voice{Voice: &messagingv1.VoiceMessage{MediaId: x.MediaID, Format: x.Format, Recognition: x.Recognition}}
	case "video":
		ev.Payload = &messagingv1.Event_Video{Video: &messagingv1.VideoMessage{MediaId: x.MediaID, ThumbMediaId: x.ThumbMediaID}}
	case "shortvideo":
		ev.Payload = &messagingv1.Event_ShortVideo{ShortVideo: &messagingv1.VideoMessage{MediaId: x.MediaID, ThumbMediaId: x.ThumbMediaID}}
	case "location":
		ev.Payload = &messagingv1.Event_Location{Location: &messagingv1.LocationMessage{
			Latitude: toFloat(x.LocationX), Longitude: toFloat(x.LocationY), Scale: toInt32(x.Scale), Label: x.Label}}
	case "link":
		ev.Payload = &messagingv1.Event_Link{Link: &messagingv1.LinkMessage{Title: x.Title, Description: x.Description, Url: x.URL}}
	case "file":
		ev.Payload = &messagingv1.Event_File{File: &messagingv1.FileMessage{Title: x.Title, Description: x.Description,
			FileKey: x.FileKey, FileMd5: x.FileMd5, FileTotalLen: toInt64(x.FileTotalLen)}}
	}
}

func setEventPayload(ev *messagingv1.Event, name string, x *pushXML) {
	scanCode := func() *messagingv1.ScanCodeEvent {
		return &messagingv1.ScanCodeEvent{EventKey: x.EventKey, ScanType: x.ScanCodeInfo.ScanType, ScanResult: x.ScanCodeInfo.ScanResult}
	}
	pic := func() *messagingv1.PicEvent {
		return &messagingv1.PicEvent{EventKey: x.EventKey, Count: toInt32(x.SendPicsInfo.Count), PicMd5Sums: x.SendPicsInfo.PicList}
	}
	verifyOK := func() *messagingv1.VerifySuccessEvent {
		return &messagingv1.VerifySuccessEvent{ExpiredTime: unixTime(x.ExpiredTime)}
	}
	verifyFail := func() *messagingv1.VerifyFailEvent {
		return &messagingv1.VerifyFailEvent{FailTime: unixTime(x.FailTime), FailReason: x.FailReason}
	}
	cardCode := func() *messagingv1.CardCodeEvent {
		return &messagingv1.CardCodeEvent{CardId: x.CardID, UserCardCode: x.UserCardCode}
	}
	cardCheck := func() *messagingv1.CardCheckEvent {
		return &messagingv1.CardCheckEvent{CardId: x.CardID, RefuseReason: x.RefuseReason}
	}
	view := func() *messagingv1.MenuViewEvent {
		return &messagingv1.MenuViewEvent{EventKey: x.EventKey, MenuId: x.MenuID}
	}
	kf := func() *messagingv1.KfSessionEvent { return &messagingv1.KfSessionEvent{KfAccount: x.KfAccount} }

	switch name {
	case "subscribe":
		ev.Payload = &messagingv1.Event_Subscribe{Subscribe: &messagingv1.SubscribeEvent{
			EventKey: x.EventKey, Scene: strings.TrimPrefix(x.EventKey, "qrscene_"), Ticket: x.Ticket}}
	case "unsubscribe":
		ev.Payload = &messagingv1.Event_Unsubscribe{Unsubscribe: &messagingv1.UnsubscribeEvent{}}
	case "SCAN":
		ev.Payload = &messagingv1.Event_Scan{Scan: &messagingv1.ScanEvent{EventKey: x.EventKey, Ticket: x.Ticket}}
	case "LOCATION":
		ev.Payload = &messagingv1.Event_LocationReport{LocationReport: &messagingv1.LocationEvent{
			Latitude: toFloat(x.Latitude), Longitude: toFloat(x.Longitude), Precision: toFloat(x.Precision)}}
	case "CLICK":
		ev.Payload = &messagingv1.Event_Click{Click: &messagingv1.MenuClickEvent{EventKey: x.EventKey}}
	case "VIEW":
		ev.Payload = &messagingv1.Event_View{View: view()}
	case "view_miniprogram":
		ev.Payload = &messagingv1.Event_ViewMiniprogram{ViewMiniprogram: view()}
	case "scancode_push":
		ev.Payload = &messagingv1.Event_ScancodePush{ScancodePush: scanCode()}
	case "scancode_waitmsg":
		ev.Payload = &messagingv1.Event_ScancodeWaitmsg{ScancodeWaitmsg: scanCode()}
	case "pic_sysphoto":
		ev.Payload = &messagingv1.Event_PicSysphoto{PicSysphoto: pic()}
	case "pic_photo_or_album":
		ev.Payload = &messagingv1.Event_PicPhotoOrAlbum{PicPhotoOrAlbum: pic()}
	case "pic_weixin":
		ev.Payload = &messagingv1.Event_PicWeixin{PicWeixin: pic()}
	case "location_select":
		l := x.SendLocationInfo
		ev.Payload = &messagingv1.Event_LocationSelect{LocationSelect: &messagingv1.LocationSelectEvent{
			EventKey: x.EventKey, Latitude: toFloat(l.LocationX), Longitude: toFloat(l.LocationY),
			Scale: toInt32(l.Scale), Label: l.Label, PoiName: l.Poiname}}
	case "TEMPLATESENDJOBFINISH":
		ev.Payload = &messagingv1.Event_TemplateSendJobFinish{TemplateSendJobFinish: &messagingv1.TemplateSendJobFinishEvent{
			MsgId: toInt64(x.MsgID), Status: x.Status}}
	case "MASSSENDJOBFINISH":
		m := &messagingv1.MassSendJobFinishEvent{MsgId: toInt64(x.MsgID), Status: x.Status,
			TotalCount: toInt64(x.TotalCount), FilterCount: toInt64(x.FilterCount),
			SentCount: toInt64(x.SentCount), ErrorCount: toInt64(x.ErrorCount)}
		if c := x.CopyrightCheckResult; c != nil {
			r := &messagingv1.CopyrightCheckResult{Count: toInt32(c.Count), CheckState: toInt32(c.CheckState)}
			for _, it := range c.Items {
				r.Items = append(r.Items, &messagingv1.CopyrightCheckItem{
					ArticleIdx: toInt32(it.ArticleIdx), UserDeclareState: toInt32(it.UserDeclareState),
					AuditState: toInt32(it.AuditState), OriginalArticleUrl: it.OriginalArticleURL,
					OriginalArticleType: toInt32(it.OriginalArticleType), CanReprint: toInt32(it.CanReprint),
					NeedReplaceContent: toInt32(it.NeedReplaceContent), NeedShowReprintSource: toInt32(it.NeedShowReprintSource)})
			}
			m.CopyrightCheckResult = r
		}
		for _, u := range x.ArticleURLs {
			m.ArticleUrls = append(m.ArticleUrls, &messagingv1.ArticleURL{ArticleIdx: toInt32(u.ArticleIdx), ArticleUrl: u.ArticleURL})
		}
		ev.Payload = &messagingv1.Event_MassSendJobFinish{MassSendJobFinish: m}
	case "subscribe_msg_popup_event":
		p := &messagingv1.SubscribeMsgPopupEvent{}
		for _, it := range x.PopupList {
			p.Items = append(p.Items, &messagingv1.SubscribeMsgPopupItem{TemplateId: it.TemplateID,
				SubscribeStatus: it.SubscribeStatusString, PopupScene: toInt32(it.PopupScene)})
		}
		ev.Payload = &messagingv1.Event_SubscribeMsgPopup{SubscribeMsgPopup: p}
	case "subscribe_msg_change_event":
		p := &messagingv1.SubscribeMsgChangeEvent{}
		for _, it := range x.ChangeList {
			p.Items = append(p.Items, &messagingv1.SubscribeMsgChangeItem{TemplateId: it.TemplateID, SubscribeStatus: it.SubscribeStatusString})
		}
		ev.Payload = &messagingv1.Event_SubscribeMsgChange{SubscribeMsgChange: p}
	case "subscribe_msg_sent_event":
		p := &messagingv1.SubscribeMsgSentEvent{}
		for _, it := range x.SentList {
			p.Items = append(p.Items, &messagingv1.SubscribeMsgSentItem{TemplateId: it.TemplateID,
				MsgId: toInt64(it.MsgID), ErrorCode: toInt32(it.ErrorCode), ErrorStatus: it.ErrorStatus})
		}
		ev.Payload = &messagingv1.Event_SubscribeMsgSent{SubscribeMsgSent: p}
	case "qualification_verify_success":
		ev.Payload = &messagingv1.Event_QualificationVerifySuccess{QualificationVerifySuccess: verifyOK()}
	case "qualification_verify_fail":
		ev.Payload = &messagingv1.Event_QualificationVerifyFail{QualificationVerifyFail: verifyFail()}
	case "naming_verify_success":
		ev.Payload = &messagingv1.Event_NamingVerifySuccess{NamingVerifySuccess: verifyOK()}
	case "naming_verify_fail":
		ev.Payload = &messagingv1.Event_NamingVerifyFail{NamingVerifyFail: verifyFail()}
	case "annual_renew":
		ev.Payload = &messagingv1.Event_AnnualRenew{AnnualRenew: verifyOK()}
	case "verify_expired":
		ev.Payload = &messagingv1.Event_VerifyExpired{VerifyExpired: verifyOK()}
	case "poi_check_notify":
		ev.Payload = &messagingv1.Event_PoiCheckNotify{PoiCheckNotify: &messagingv1.PoiCheckNotifyEvent{
			UniqId: x.UniqID, PoiId: x.PoiID, Result: x.Result, Msg: x.Msg}}
	case "kf_create_session":
		ev.Payload = &messagingv1.Event_KfCreateSession{KfCreateSession: kf()}
	case "kf_close_session":
		ev.Payload = &messagingv1.Event_KfCloseSession{KfCloseSession: kf()}
	case "kf_switch_session":
		ev.Payload = &messagingv1.Event_KfSwitchSession{KfSwitchSession: &messagingv1.KfSwitchSessionEvent{
			FromKfAccount: x.FromKfAccount, ToKfAccount: x.ToKfAccount}}
	case "card_pass_check":
		ev.Payload = &messagingv1.Event_CardPassCheck{CardPassCheck: cardCheck()}
	case "card_not_pass_check":
		ev.Payload = &messagingv1.Event_CardNotPassCheck{CardNotPassCheck: cardCheck()}
	case "user_get_card":
		ev.Payload = &messagingv1.Event_UserGetCard{UserGetCard: &messagingv1.UserGetCardEvent{
			CardId: x.CardID, IsGiveByFriend: toInt32(x.IsGiveByFriend), UserCardCode: x.UserCardCode,
			FriendUserName: x.FriendUserName, OuterId: toInt64(x.OuterID), OldUserCardCode: x.OldUserCardCode,
			OuterStr: x.OuterStr, IsRestoreMemberCard: toInt32(x.IsRestoreMemberCard),
			IsRecommendByFriend: toInt32(x.IsRecommendByFriend), UnionId: x.UnionID}}
	case "user_gifting_card":
		ev.Payload = &messagingv1.Event_UserGiftingCard{UserGiftingCard: &messagingv1.UserGiftingCardEvent{
			CardId: x.CardID, UserCardCode: x.UserCardCode, IsReturnBack: toInt32(x.IsReturnBack),
			FriendUserName: x.FriendUserName, IsChatRoom: toInt32(x.IsChatRoom)}}
	case "user_del_card":
		ev.Payload = &messagingv1.Event_UserDelCard{UserDelCard: cardCode()}
	case "user_consume_card":
		ev.Payload = &messagingv1.Event_UserConsumeCard{UserConsumeCard: &messagingv1.UserConsumeCardEvent{
			CardId: x.CardID, UserCardCode: x.UserCardCode, ConsumeSource: x.ConsumeSource,
			LocationName: x.LocationName, StaffOpenId: x.StaffOpenID, VerifyCode: x.VerifyCode,
			RemarkAmount: x.RemarkAmount, OuterStr: x.OuterStr, LocationId: toInt64(x.LocationID),
			TransId: x.TransID, Fee: toInt64(x.Fee), OriginalFee: toInt64(x.OriginalFee)}}
	case "user_pay_from_pay_cell":
		ev.Payload = &messagingv1.Event_UserPayFromPayCell{UserPayFromPayCell: &messagingv1.UserPayFromPayCellEvent{
			CardId: x.CardID, UserCardCode: x.UserCardCode, TransId: x.TransID,
			LocationId: toInt64(x.LocationID), Fee: toInt64(x.Fee), OriginalFee: toInt64(x.OriginalFee)}}
	case "user_view_card":
		ev.Payload = &messagingv1.Event_UserViewCard{UserViewCard: &messagingv1.UserViewCardEvent{
			CardId: x.CardID, UserCardCode: x.UserCardCode, OuterStr: x.OuterStr}}
	case "user_enter_session_from_card":
		ev.Payload = &messagingv1.Event_UserEnterSessionFromCard{UserEnterSessionFromCard: cardCode()}
	case "update_member_card":
		ev.Payload = &messagingv1.Event_UpdateMemberCard{UpdateMemberCard: &messagingv1.UpdateMemberCardEvent{
			CardId: x.CardID, UserCardCode: x.UserCardCode, ModifyBonus: toInt64(x.ModifyBonus), ModifyBalance: toInt64(x.ModifyBalance)}}
	case "card_sku_remind":
		ev.Payload = &messagingv1.Event_CardSkuRemind{CardSkuRemind: &messagingv1.CardSkuRemindEvent{CardId: x.CardID, Detail: x.Detail}}
	case "card_pay_order":
		ev.Payload = &messagingv1.Event_CardPayOrder{CardPayOrder: &messagingv1.CardPayOrderEvent{
			OrderId: x.OrderID, Status: x.Status, CreateOrderTime: unixTime(x.CreateOrderTime),
			PayFinishTime: unixTime(x.PayFinishTime), Desc: x.Desc, FreeCoinCount: x.FreeCoinCount,
			PayCoinCount: x.PayCoinCount, RefundFreeCoinCount: x.RefundFreeCoinCount,
			RefundPayCoinCount: x.RefundPayCoinCount, OrderType: x.OrderType, Memo: x.Memo, ReceiptInfo: x.ReceiptInfo}}
	case "submit_membercard_user_info":
		ev.Payload = &messagingv1.Event_SubmitMembercardUserInfo{SubmitMembercardUserInfo: cardCode()}
	case "user_authorize_invoice":
		appID := x.AuthorizeAppID
		if appID == "" {
			appID = x.AppID
		}
		ev.Payload = &messagingv1.Event_UserAuthorizeInvoice{UserAuthorizeInvoice: &messagingv1.UserAuthorizeInvoiceEvent{
			SuccOrderId: x.SuccOrderID, FailOrderId: x.FailOrderID, AuthorizeAppId: appID, Source: x.Source}}
	case "update_invoice_status":
		ev.Payload = &messagingv1.Event_UpdateInvoiceStatus{UpdateInvoiceStatus: &messagingv1.UpdateInvoiceStatusEvent{
			Status: x.Status, CardId: x.CardID, Code: x.Code}}
	case "submit_invoice_title":
		ev.Payload = &messagingv1.Event_SubmitInvoiceTitle{SubmitInvoiceTitle: &messagingv1.SubmitInvoiceTitleEvent{
			Title: x.InvTitle, TaxNo: x.TaxNo, Addr: x.Addr, Phone: x.Phone, BankType: x.BankType,
			BankNo: x.BankNo, Attach: x.Attach, TitleType: x.TitleType}}
	}
}

func toInt64(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

func toInt32(s string) int32 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	return int32(n)
}

func toFloat(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0
	}
	return f
}

// unixTime converts a Unix-seconds element; empty or malformed gives nil.
func unixTime(s string) *timestamppb.Timestamp {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	return timestamppb.New(time.Unix(n, 0))
}
