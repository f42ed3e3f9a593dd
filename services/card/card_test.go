package card_test

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"connectrpc.com/connect"
	"go.uber.org/fx"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1/cardv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
	"github.com/wxsuite/wxsuite/internal/wechat"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
	"github.com/wxsuite/wxsuite/services/card"
	"github.com/wxsuite/wxsuite/services/internal/servicetest"
)

// env is a sandbox (whose account pushes events to a recording callback) and one
// wxsuite process (token and card services) pointed at it, with Connect and gRPC
// clients.
type env struct {
	sb       *sandboxtest.Env
	appID    string
	url      string
	cards    cardv1connect.CardServiceClient
	codes    cardv1connect.CardCodeServiceClient
	members  cardv1connect.MemberCardServiceClient
	tickets  cardv1connect.SpecialTicketServiceClient
	gifts    cardv1connect.GiftCardServiceClient
	merchant cardv1connect.SubMerchantServiceClient
	grpcConn *grpc.ClientConn
	events   *eventLog
}

// eventLog records the events the sandbox pushes to the account's callback.
type eventLog struct {
	mu     sync.Mutex
	events []map[string]string
}

// ServeHTTP records one pushed event (plaintext mode) and acknowledges it.
func (l *eventLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	data, _ := io.ReadAll(r.Body)
	fields := map[string]string{}
	d := xml.NewDecoder(strings.NewReader(string(data)))
	var name string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name = t.Name.Local
		case xml.CharData:
			if s := strings.TrimSpace(string(t)); s != "" {
				fields[name] = s
			}
		}
	}
	l.mu.Lock()
	l.events = append(l.events, fields)
	l.mu.Unlock()
	_, _ = w.Write([]byte("success"))
}

// wait returns the first pushed event named event with field=value, waiting up to 5 s.
func (l *eventLog) wait(t *testing.T, event, field, value string) map[string]string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		l.mu.Lock()
		for _, e := range l.events {
			if e["Event"] == event && e[field] == value {
				l.mu.Unlock()
				return e
			}
		}
		l.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %s event with %s=%s pushed", event, field, value)
	return nil
}

var randomHex = servicetest.RandomHex

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvAuth(t, "auth: {disabled: true}")
}

// newEnvAuth is newEnv with the given auth section.
func newEnvAuth(t *testing.T, authYAML string) *env {
	t.Helper()
	e := &env{appID: "wxc" + randomHex(6), events: &eventLog{}}
	cb := httptest.NewServer(e.events)
	t.Cleanup(cb.Close)
	st := servicetest.Start(t, servicetest.Options{
		Accounts: []sandbox.Account{{AppID: e.appID, AppSecret: "secret" + randomHex(6), CallbackURL: cb.URL, CallbackToken: "cardtoken"}},
		Auth:     authYAML,
		Modules:  []fx.Option{card.Module},
	})
	e.sb, e.url, e.grpcConn = st.Sandbox, st.URL, st.GRPC
	hc := http.DefaultClient
	e.cards = cardv1connect.NewCardServiceClient(hc, e.url)
	e.codes = cardv1connect.NewCardCodeServiceClient(hc, e.url)
	e.members = cardv1connect.NewMemberCardServiceClient(hc, e.url)
	e.tickets = cardv1connect.NewSpecialTicketServiceClient(hc, e.url)
	e.gifts = cardv1connect.NewGiftCardServiceClient(hc, e.url)
	e.merchant = cardv1connect.NewSubMerchantServiceClient(hc, e.url)
	return e
}

// calls counts the sandbox's calls of path for the env's account.
func (e *env) calls(path string) int {
	return len(e.sb.Sandbox.Calls(sandbox.CallFilter{Path: path, AppID: e.appID}))
}

// allCalls counts the sandbox's /card/ calls for the env's account.
func (e *env) allCalls() int {
	n := 0
	for _, c := range e.sb.Sandbox.Calls(sandbox.CallFilter{AppID: e.appID}) {
		if strings.HasPrefix(c.Path, "/card/") {
			n++
		}
	}
	return n
}

// rest calls the REST gateway and returns the status and body.
func (e *env) rest(t *testing.T, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// wantWeChatCode fails unless err has code and a WECHAT_ERRCODE detail with errcode.
func wantWeChatCode(t *testing.T, err error, code connect.Code, errcode int) {
	t.Helper()
	if connect.CodeOf(err) != code {
		t.Fatalf("error %v, want code %v", err, code)
	}
	info, ok := wechat.ErrorInfoFrom(err)
	if !ok || info.GetReason() != wechat.ErrorInfoReason || info.GetMetadata()["errcode"] != fmt.Sprint(errcode) {
		t.Fatalf("error %v: WECHAT_ERRCODE detail %v, want errcode %d", err, info, errcode)
	}
}

// baseInfo is a valid base_info with quantity in stock.
func baseInfo(title string, quantity uint32) *cardv1.CardBaseInfo {
	return &cardv1.CardBaseInfo{LogoUrl: "http://mmbiz.qpic.cn/logo.png", BrandName: "海底捞", CodeType: "CODE_TYPE_QRCODE",
		Title: title, Color: "Color010", Notice: "使用时向服务员出示此券", Description: "不可与其他优惠同享",
		DateInfo: &cardv1.CardDateInfo{Type: "DATE_TYPE_FIX_TERM", FixedTerm: 30}, Sku: &cardv1.CardSku{Quantity: quantity}}
}

// createCard creates def and returns its card_id.
func (e *env) createCard(t *testing.T, def *cardv1.CardDefinition) string {
	t.Helper()
	res, err := e.cards.CreateCard(t.Context(), &cardv1.CreateCardRequest{AppId: e.appID, Card: def})
	if err != nil {
		t.Fatalf("CreateCard: %v", err)
	}
	return res.GetCardId()
}

// approvedCard creates def, approves it and returns its card_id.
func (e *env) approvedCard(t *testing.T, def *cardv1.CardDefinition) string {
	t.Helper()
	id := e.createCard(t, def)
	if err := e.sb.Sandbox.ReviewCard(e.appID, id, true, ""); err != nil {
		t.Fatal(err)
	}
	return id
}

// give makes openID receive cardID and returns the code.
func (e *env) give(t *testing.T, cardID, openID string) sandbox.CardGiven {
	t.Helper()
	g, err := e.sb.Sandbox.GiveCard(e.appID, sandbox.CardGift{OpenID: openID, CardID: cardID})
	if err != nil {
		t.Fatalf("GiveCard: %v", err)
	}
	return g
}

func grouponDef(title string, quantity uint32) *cardv1.CardDefinition {
	return &cardv1.CardDefinition{CardType: "GROUPON", Detail: &cardv1.CardDefinition_Groupon{Groupon: &cardv1.CardGroupon{
		BaseInfo: baseInfo(title, quantity), DealDetail: "双人火锅套餐",
		AdvancedInfo: &cardv1.CardAdvancedInfo{UseCondition: &cardv1.CardUseCondition{AcceptCategory: "火锅", CanUseWithOtherDiscount: true},
			TimeLimit:       []*cardv1.CardTimeLimit{{Type: "MONDAY", BeginHour: 10, EndHour: 22}},
			BusinessService: []string{"BIZ_SERVICE_FREE_WIFI"}}}}}
}

func TestCardDefinitions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	id := e.createCard(t, grouponDef("双人套餐", 100))
	status, _, err := e.sb.Sandbox.CardStatus(e.appID, id)
	if err != nil || status != "CARD_STATUS_NOT_VERIFY" {
		t.Fatalf("new card status = %s, %v", status, err)
	}

	got, err := e.cards.GetCard(ctx, &cardv1.GetCardRequest{AppId: e.appID, CardId: id})
	if err != nil {
		t.Fatal(err)
	}
	g := got.GetCard().GetGroupon()
	if got.GetCard().GetCardType() != "GROUPON" || g.GetBaseInfo().GetId() != id || g.GetBaseInfo().GetTitle() != "双人套餐" ||
		g.GetBaseInfo().GetStatus() != "CARD_STATUS_NOT_VERIFY" || g.GetBaseInfo().GetSku().GetQuantity() != 100 ||
		g.GetDealDetail() != "双人火锅套餐" || g.GetBaseInfo().GetDateInfo().GetFixedTerm() != 30 ||
		g.GetAdvancedInfo().GetUseCondition().GetAcceptCategory() != "火锅" || g.GetAdvancedInfo().GetTimeLimit()[0].GetEndHour() != 22 ||
		len(g.GetAdvancedInfo().GetBusinessService()) != 1 {
		t.Errorf("GetCard = %v", got)
	}

	// Approve, then change the title: back to review.
	if err := e.sb.Sandbox.ReviewCard(e.appID, id, true, ""); err != nil {
		t.Fatal(err)
	}
	e.events.wait(t, "card_pass_check", "CardId", id)
	upd, err := e.cards.UpdateCard(ctx, &cardv1.UpdateCardRequest{AppId: e.appID, CardId: id, Detail: &cardv1.UpdateCardRequest_Groupon{
		Groupon: &cardv1.CardGroupon{BaseInfo: &cardv1.CardBaseInfo{Title: "三人套餐"}}}})
	if err != nil || !upd.GetSendCheck() {
		t.Fatalf("UpdateCard title = %v, %v", upd, err)
	}
	upd, err = e.cards.UpdateCard(ctx, &cardv1.UpdateCardRequest{AppId: e.appID, CardId: id, Detail: &cardv1.UpdateCardRequest_Groupon{
		Groupon: &cardv1.CardGroupon{BaseInfo: &cardv1.CardBaseInfo{ServicePhone: "020-12345678"}}}})
	if err != nil || upd.GetSendCheck() {
		t.Fatalf("UpdateCard phone = %v, %v", upd, err)
	}
	// Another type's object: the platform refuses it (40071).
	_, err = e.cards.UpdateCard(ctx, &cardv1.UpdateCardRequest{AppId: e.appID, CardId: id, Detail: &cardv1.UpdateCardRequest_Gift{
		Gift: &cardv1.CardGift{Gift: "x"}}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40071)

	// Stock.
	if _, err := e.cards.ModifyCardStock(ctx, &cardv1.ModifyCardStockRequest{AppId: e.appID, CardId: id, ReduceStockValue: 30}); err != nil {
		t.Fatal(err)
	}
	if _, q, _ := e.sb.Sandbox.CardStatus(e.appID, id); q != 70 {
		t.Errorf("stock after reduce = %d, want 70", q)
	}
	_, err = e.cards.ModifyCardStock(ctx, &cardv1.ModifyCardStockRequest{AppId: e.appID, CardId: id, ReduceStockValue: 71})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	// BatchGetCards over REST and Connect.
	other := e.createCard(t, grouponDef("单人套餐", 5))
	code, body := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/cards", "") // count 0: a full page
	if code != http.StatusOK || !strings.Contains(body, id) || !strings.Contains(body, other) {
		t.Errorf("REST BatchGetCards without count = %d %s", code, body)
	}
	code, body = e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/cards?count=10", "")
	if code != http.StatusOK || !strings.Contains(body, id) || !strings.Contains(body, other) {
		t.Errorf("REST BatchGetCards = %d %s", code, body)
	}
	batch, err := e.cards.BatchGetCards(ctx, &cardv1.BatchGetCardsRequest{AppId: e.appID, Count: 1, Offset: 1})
	if err != nil || batch.GetTotalNum() != 2 || len(batch.GetCardIdList()) != 1 || batch.GetCardIdList()[0] != other {
		t.Errorf("BatchGetCards page 2 = %v, %v", batch, err)
	}
	batch, err = e.cards.BatchGetCards(ctx, &cardv1.BatchGetCardsRequest{AppId: e.appID, Count: 50, StatusList: []string{"CARD_STATUS_NOT_VERIFY"}})
	if err != nil || batch.GetTotalNum() != 2 {
		t.Errorf("BatchGetCards NOT_VERIFY = %v, %v", batch, err)
	}

	// Categories over gRPC.
	proto, err := cardv1.NewCardServiceClient(e.grpcConn).GetCardApplyProtocol(ctx, &cardv1.GetCardApplyProtocolRequest{AppId: e.appID})
	if err != nil || len(proto.GetCategory()) == 0 || len(proto.GetCategory()[0].GetSecondaryCategory()) == 0 ||
		proto.GetCategory()[0].GetSecondaryCategory()[0].GetSecondaryCategoryId() == 0 {
		t.Fatalf("GetCardApplyProtocol = %v, %v", proto, err)
	}

	// Distribution.
	page, err := e.cards.CreateCardLandingPage(ctx, &cardv1.CreateCardLandingPageRequest{AppId: e.appID, Banner: "http://mmbiz.qpic.cn/b.jpg",
		PageTitle: "惠城优惠大派送", Scene: "SCENE_H5", CardList: []*cardv1.CardLandingPageCard{{CardId: id, ThumbUrl: "http://mmbiz.qpic.cn/t.jpg"}}})
	if err != nil || page.GetPageId() == 0 || !strings.HasPrefix(page.GetUrl(), "https://") {
		t.Errorf("CreateCardLandingPage = %v, %v", page, err)
	}
	_, err = e.cards.CreateCardLandingPage(ctx, &cardv1.CreateCardLandingPageRequest{AppId: e.appID, Banner: "b", PageTitle: "t",
		Scene: "SCENE_H5", CardList: []*cardv1.CardLandingPageCard{{CardId: "pNoSuchCard"}}})
	wantWeChatCode(t, err, connect.CodeNotFound, 40073)
	qr, err := e.cards.CreateCardQRCode(ctx, &cardv1.CreateCardQRCodeRequest{AppId: e.appID, ExpireSeconds: 1800,
		Action: &cardv1.CreateCardQRCodeRequest_Card{Card: &cardv1.CardQRCodeCard{CardId: id, OuterStr: "shop-1"}}})
	if err != nil || qr.GetTicket() == "" || qr.GetExpireSeconds() != 1800 || !strings.Contains(qr.GetShowQrcodeUrl(), "ticket=") {
		t.Fatalf("CreateCardQRCode = %v, %v", qr, err)
	}
	// The title change sent the card back to review; once approved again a user scans
	// the code and the card arrives with the code's outer_str.
	if err := e.sb.Sandbox.ReviewCard(e.appID, id, true, ""); err != nil {
		t.Fatal(err)
	}
	scanned, err := e.sb.Sandbox.ScanCardQRCode(e.appID, qr.GetTicket(), "o-scanner", 0)
	if err != nil {
		t.Fatal(err)
	}
	if ev := e.events.wait(t, "user_get_card", "UserCardCode", scanned.Code); ev["OuterStr"] != "shop-1" || ev["CardId"] != id {
		t.Errorf("user_get_card from the QR code = %v", ev)
	}
	qr, err = e.cards.CreateCardQRCode(ctx, &cardv1.CreateCardQRCodeRequest{AppId: e.appID,
		Action: &cardv1.CreateCardQRCodeRequest_MultipleCard{MultipleCard: &cardv1.CardQRCodeMultipleCard{
			CardList: []*cardv1.CardQRCodeCard{{CardId: id}, {CardId: other}}}}})
	if err != nil || qr.GetTicket() == "" || qr.GetExpireSeconds() != 0 {
		t.Errorf("CreateCardQRCode multiple = %v, %v", qr, err)
	}
	html, err := e.cards.GetCardMpNewsHTML(ctx, &cardv1.GetCardMpNewsHTMLRequest{AppId: e.appID, CardId: id})
	if err != nil || !strings.Contains(html.GetContent(), "cardid="+id) {
		t.Errorf("GetCardMpNewsHTML = %v, %v", html, err)
	}

	// Whitelist: a whitelisted user receives a card in review.
	if _, err := e.cards.SetCardTestWhitelist(ctx, &cardv1.SetCardTestWhitelistRequest{AppId: e.appID, Openid: []string{"o-tester"}, Username: []string{"tester01"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.sb.Sandbox.GiveCard(e.appID, sandbox.CardGift{OpenID: "o-stranger", CardID: other}); err == nil {
		t.Error("a card in review went to a user off the whitelist")
	}
	e.give(t, other, "o-tester")

	// Cells.
	if _, err := e.cards.SetCardPayCell(ctx, &cardv1.SetCardPayCellRequest{AppId: e.appID, CardId: id, IsOpen: true}); err != nil {
		t.Error(err)
	}
	if _, err := e.cards.SetCardSelfConsumeCell(ctx, &cardv1.SetCardSelfConsumeCellRequest{AppId: e.appID, CardId: id, IsOpen: true, NeedVerifyCod: true}); err != nil {
		t.Error(err)
	}
	if _, err := e.cards.SetCardStoreWxa(ctx, &cardv1.SetCardStoreWxaRequest{AppId: e.appID, CardId: id, PoiId: 271262077}); err != nil {
		t.Error(err)
	}
	_, err = e.cards.SetCardPayCell(ctx, &cardv1.SetCardPayCellRequest{AppId: e.appID, CardId: "pNoSuchCard", IsOpen: true})
	wantWeChatCode(t, err, connect.CodeNotFound, 40073)

	// Delete.
	if _, err := e.cards.DeleteCard(ctx, &cardv1.DeleteCardRequest{AppId: e.appID, CardId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.cards.GetCard(ctx, &cardv1.GetCardRequest{AppId: e.appID, CardId: id})
	wantWeChatCode(t, err, connect.CodeNotFound, 40073)

	// An upstream refusal keeps its errcode: an expired fixed range.
	def := grouponDef("过期券", 1)
	def.GetGroupon().GetBaseInfo().DateInfo = &cardv1.CardDateInfo{Type: "DATE_TYPE_FIX_TIME_RANGE", BeginTimestamp: 1000, EndTimestamp: 2000}
	_, err = e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: e.appID, Card: def})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40079)
}

func TestCardTypes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	defs := []*cardv1.CardDefinition{
		{CardType: "CASH", Detail: &cardv1.CardDefinition_Cash{Cash: &cardv1.CardCash{BaseInfo: baseInfo("代金券", 1), LeastCost: 10000, ReduceCost: 1000}}},
		{CardType: "DISCOUNT", Detail: &cardv1.CardDefinition_Discount{Discount: &cardv1.CardDiscount{BaseInfo: baseInfo("折扣券", 1), Discount: 30}}},
		{CardType: "GIFT", Detail: &cardv1.CardDefinition_Gift{Gift: &cardv1.CardGift{BaseInfo: baseInfo("兑换券", 1), Gift: "咖啡一杯"}}},
		{CardType: "GENERAL_COUPON", Detail: &cardv1.CardDefinition_GeneralCoupon{GeneralCoupon: &cardv1.CardGeneralCoupon{BaseInfo: baseInfo("优惠券", 1), DefaultDetail: "满100减10"}}},
		{CardType: "SCENIC_TICKET", Detail: &cardv1.CardDefinition_ScenicTicket{ScenicTicket: &cardv1.CardScenicTicket{BaseInfo: baseInfo("门票", 1), TicketClass: "平日全票"}}},
	}
	var ids []string
	for _, def := range defs {
		id := e.createCard(t, def)
		ids = append(ids, id)
		got, err := e.cards.GetCard(ctx, &cardv1.GetCardRequest{AppId: e.appID, CardId: id})
		if err != nil || got.GetCard().GetCardType() != def.GetCardType() || got.GetCard().GetDetail() == nil {
			t.Errorf("GetCard of %s = %v, %v", def.GetCardType(), got, err)
		}
	}

	// A refused review is pushed with its reason and shows in GetCard.
	if err := e.sb.Sandbox.ReviewCard(e.appID, ids[0], false, "非法代制"); err != nil {
		t.Fatal(err)
	}
	if ev := e.events.wait(t, "card_not_pass_check", "CardId", ids[0]); ev["RefuseReason"] != "非法代制" {
		t.Errorf("card_not_pass_check = %v", ev)
	}
	got, err := e.cards.GetCard(ctx, &cardv1.GetCardRequest{AppId: e.appID, CardId: ids[0]})
	if err != nil || got.GetCard().GetCash().GetBaseInfo().GetStatus() != "CARD_STATUS_VERIFY_FAIL" {
		t.Errorf("GetCard after a refused review = %v, %v", got, err)
	}

	// A user deletes a received card: user_del_card, and the code can no longer be used.
	_ = e.sb.Sandbox.ReviewCard(e.appID, ids[2], true, "")
	gift := e.give(t, ids[2], "o-deleter")
	if err := e.sb.Sandbox.DeleteUserCard(e.appID, ids[2], gift.Code); err != nil {
		t.Fatal(err)
	}
	e.events.wait(t, "user_del_card", "UserCardCode", gift.Code)
	_, err = e.codes.ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, Code: gift.Code})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40127)

	// Codes expire with their fixed term (30 days) on the sandbox clock.
	_ = e.sb.Sandbox.ReviewCard(e.appID, ids[3], true, "")
	coupon := e.give(t, ids[3], "o-late")
	e.sb.Sandbox.Advance(31 * 24 * time.Hour)
	state, err := e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, Code: coupon.Code})
	if err != nil || state.GetUserCardStatus() != "EXPIRE" || state.GetCanConsume() {
		t.Errorf("GetCardCode after 31 days = %v, %v", state, err)
	}
	_, err = e.codes.ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, Code: coupon.Code})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40127)
}

func TestCardCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	def := &cardv1.CardDefinition{CardType: "GIFT", Detail: &cardv1.CardDefinition_Gift{Gift: &cardv1.CardGift{BaseInfo: baseInfo("咖啡券", 10), Gift: "咖啡"}}}
	def.GetGift().GetBaseInfo().UseCustomCode = true
	def.GetGift().GetBaseInfo().GetCustomCodeMode = "GET_CUSTOM_CODE_MODE_DEPOSIT"
	id := e.approvedCard(t, def)

	dep, err := e.codes.DepositCardCodes(ctx, &cardv1.DepositCardCodesRequest{AppId: e.appID, CardId: id, Code: []string{"A001", "A002", "A001"}})
	if err != nil || len(dep.GetSuccCode()) != 2 || len(dep.GetDuplicateCode()) != 1 {
		t.Fatalf("DepositCardCodes = %v, %v", dep, err)
	}
	cnt, err := e.codes.GetCardDepositCount(ctx, &cardv1.GetCardDepositCountRequest{AppId: e.appID, CardId: id})
	if err != nil || cnt.GetCount() != 2 {
		t.Errorf("GetCardDepositCount = %v, %v", cnt, err)
	}
	chk, err := e.codes.CheckCardCodes(ctx, &cardv1.CheckCardCodesRequest{AppId: e.appID, CardId: id, Code: []string{"A002", "Z999"}})
	if err != nil || len(chk.GetExistCode()) != 1 || chk.GetExistCode()[0] != "A002" || len(chk.GetNotExistCode()) != 1 {
		t.Errorf("CheckCardCodes = %v, %v", chk, err)
	}

	alice := e.give(t, id, "o-alice")
	if alice.Code != "A001" {
		t.Fatalf("deposited code given = %s", alice.Code)
	}
	e.events.wait(t, "user_get_card", "UserCardCode", "A001")
	dec, err := e.codes.DecryptCardCode(ctx, &cardv1.DecryptCardCodeRequest{AppId: e.appID, EncryptCode: alice.EncryptCode})
	if err != nil || dec.GetCode() != "A001" {
		t.Errorf("DecryptCardCode = %v, %v", dec, err)
	}
	_, err = e.codes.DecryptCardCode(ctx, &cardv1.DecryptCardCodeRequest{AppId: e.appID, EncryptCode: "bogus"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40056)

	got, err := e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, CardId: id, Code: "A001", CheckConsume: true})
	if err != nil || got.GetOpenid() != "o-alice" || !got.GetCanConsume() || got.GetUserCardStatus() != "NORMAL" || got.GetCard().GetCardId() != id ||
		got.GetCard().GetEndTime() <= got.GetCard().GetBeginTime() {
		t.Fatalf("GetCardCode = %v, %v", got, err)
	}
	// gRPC consume, then a second consume is refused.
	cons, err := cardv1.NewCardCodeServiceClient(e.grpcConn).ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, CardId: id, Code: "A001"})
	if err != nil || cons.GetOpenid() != "o-alice" || cons.GetCard().GetCardId() != id {
		t.Fatalf("ConsumeCardCode = %v, %v", cons, err)
	}
	e.events.wait(t, "user_consume_card", "UserCardCode", "A001")
	_, err = e.codes.ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, CardId: id, Code: "A001"})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40099)
	// check_consume false is sent as false: the consumed code is reported, not refused.
	got, err = e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, CardId: id, Code: "A001"})
	if err != nil || got.GetUserCardStatus() != "CONSUMED" || got.GetCanConsume() {
		t.Errorf("GetCardCode of a consumed code = %v, %v", got, err)
	}
	_, err = e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, CardId: id, Code: "A001", CheckConsume: true})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40099)

	bob := e.give(t, id, "o-bob")
	if _, err := e.codes.UpdateCardCode(ctx, &cardv1.UpdateCardCodeRequest{AppId: e.appID, CardId: id, Code: bob.Code, NewCode: "B777"}); err != nil {
		t.Fatal(err)
	}
	// REST ListUserCards shows the new code.
	code, body := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/users/o-bob/cards", "")
	if code != http.StatusOK || !strings.Contains(body, "B777") {
		t.Errorf("REST ListUserCards = %d %s", code, body)
	}
	list, err := e.codes.ListUserCards(ctx, &cardv1.ListUserCardsRequest{AppId: e.appID, Openid: "o-bob", CardId: id})
	if err != nil || len(list.GetCardList()) != 1 || list.GetCardList()[0].GetCode() != "B777" {
		t.Errorf("ListUserCards = %v, %v", list, err)
	}
	if _, err := e.codes.MarkCardCodeUnavailable(ctx, &cardv1.MarkCardCodeUnavailableRequest{AppId: e.appID, CardId: id, Code: "B777", Reason: "退款"}); err != nil {
		t.Fatal(err)
	}
	got, err = e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, CardId: id, Code: "B777"})
	if err != nil || got.GetUserCardStatus() != "UNAVAILABLE" {
		t.Errorf("GetCardCode after unavailable = %v, %v", got, err)
	}
	_, err = e.codes.ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, CardId: id, Code: "B777"})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40127)
	_, err = e.codes.GetCardCode(ctx, &cardv1.GetCardCodeRequest{AppId: e.appID, CardId: id, Code: "NOPE"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40056)
	// Deposit into a card that is not in deposit mode: the platform refuses it.
	plain := e.createCard(t, grouponDef("普通券", 5))
	_, err = e.codes.DepositCardCodes(ctx, &cardv1.DepositCardCodesRequest{AppId: e.appID, CardId: plain, Code: []string{"X1"}})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
}

func memberDef() *cardv1.CardDefinition {
	b := baseInfo("金卡", 10)
	b.DateInfo = &cardv1.CardDateInfo{Type: "DATE_TYPE_PERMANENT"}
	return &cardv1.CardDefinition{CardType: "MEMBER_CARD", Detail: &cardv1.CardDefinition_MemberCard{MemberCard: &cardv1.CardMemberCard{
		BaseInfo: b, Prerogative: "会员九折", SupplyBonus: true, SupplyBalance: false, Discount: 10,
		CustomField1: &cardv1.CardMemberCustomField{NameType: "FIELD_NAME_TYPE_LEVEL"},
		BonusRule:    &cardv1.CardMemberBonusRule{CostMoneyUnit: 100, IncreaseBonus: 1}}}}
}

func TestMemberCards(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	id := e.approvedCard(t, memberDef())
	got, err := e.cards.GetCard(ctx, &cardv1.GetCardRequest{AppId: e.appID, CardId: id})
	if err != nil || got.GetCard().GetMemberCard().GetBonusRule().GetCostMoneyUnit() != 100 ||
		got.GetCard().GetMemberCard().GetCustomField1().GetNameType() != "FIELD_NAME_TYPE_LEVEL" {
		t.Errorf("GetCard member = %v, %v", got, err)
	}
	if _, err := e.members.SetMemberCardActivateUserForm(ctx, &cardv1.SetMemberCardActivateUserFormRequest{AppId: e.appID, CardId: id,
		ServiceStatement: &cardv1.MemberCardFormLink{Name: "会员守则", Url: "https://example.com/rules"},
		RequiredForm:     &cardv1.MemberCardForm{CommonFieldIdList: []string{"USER_FORM_INFO_FLAG_MOBILE", "USER_FORM_INFO_FLAG_SEX"}},
		OptionalForm:     &cardv1.MemberCardForm{RichFieldList: []*cardv1.MemberCardRichField{{Type: "FORM_FIELD_RADIO", Name: "兴趣", Values: []string{"钢琴", "舞蹈"}}}},
	}); err != nil {
		t.Fatal(err)
	}
	u, err := e.members.GetMemberCardActivateURL(ctx, &cardv1.GetMemberCardActivateURLRequest{AppId: e.appID, CardId: id, OuterStr: "shop-9"})
	if err != nil || !strings.Contains(u.GetUrl(), "outer_str=shop-9") {
		t.Errorf("GetMemberCardActivateURL = %v, %v", u, err)
	}
	m := e.give(t, id, "o-member")
	ticket, err := e.sb.Sandbox.FillMemberCardForm(e.appID, id, "o-member", sandbox.MemberCardFormValues{
		Common: map[string]string{"USER_FORM_INFO_FLAG_MOBILE": "13800000000", "USER_FORM_INFO_FLAG_SEX": "FEMALE"}})
	if err != nil {
		t.Fatal(err)
	}
	tmp, err := e.members.GetMemberCardActivateTempInfo(ctx, &cardv1.GetMemberCardActivateTempInfoRequest{AppId: e.appID, ActivateTicket: ticket})
	if err != nil || len(tmp.GetInfo().GetCommonFieldList()) != 2 || tmp.GetInfo().GetCommonFieldList()[0].GetValue() != "13800000000" {
		t.Fatalf("GetMemberCardActivateTempInfo = %v, %v", tmp, err)
	}
	_, err = e.members.UpdateMemberCardUser(ctx, &cardv1.UpdateMemberCardUserRequest{AppId: e.appID, CardId: id, Code: m.Code, AddBonus: 5})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40127)
	if _, err := e.members.ActivateMemberCard(ctx, &cardv1.ActivateMemberCardRequest{AppId: e.appID, CardId: id, Code: m.Code,
		MembershipNumber: "M-0001", InitBonus: 100, InitBalance: 5000}); err != nil {
		t.Fatal(err)
	}
	up, err := e.members.UpdateMemberCardUser(ctx, &cardv1.UpdateMemberCardUserRequest{AppId: e.appID, CardId: id, Code: m.Code,
		AddBonus: -30, RecordBonus: "兑换礼品", AddBalance: 1000, RecordBalance: "充值"})
	if err != nil || up.GetResultBonus() != 70 || up.GetResultBalance() != 6000 || up.GetOpenid() != "o-member" {
		t.Fatalf("UpdateMemberCardUser = %v, %v", up, err)
	}
	ev := e.events.wait(t, "update_member_card", "UserCardCode", m.Code)
	if ev["ModifyBonus"] != "-30" || ev["ModifyBalance"] != "1000" {
		t.Errorf("update_member_card = %v", ev)
	}
	// An absolute zero is sent (set_bonus), not dropped as a default.
	up, err = e.members.UpdateMemberCardUser(ctx, &cardv1.UpdateMemberCardUserRequest{AppId: e.appID, CardId: id, Code: m.Code, SetBonus: true, Bonus: 0})
	if err != nil || up.GetResultBonus() != 0 || up.GetResultBalance() != 6000 {
		t.Fatalf("UpdateMemberCardUser set 0 = %v, %v", up, err)
	}
	_, err = e.members.UpdateMemberCardUser(ctx, &cardv1.UpdateMemberCardUserRequest{AppId: e.appID, CardId: id, Code: m.Code, AddBalance: -7000})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	info, err := cardv1.NewMemberCardServiceClient(e.grpcConn).GetMemberCardUserInfo(ctx, &cardv1.GetMemberCardUserInfoRequest{AppId: e.appID, CardId: id, Code: m.Code})
	if err != nil || info.GetMembershipNumber() != "M-0001" || info.GetBalance() != 6000 || !info.GetHasActive() || info.GetSex() != "FEMALE" ||
		info.GetUserCardStatus() != "NORMAL" || len(info.GetUserInfo().GetCommonFieldList()) != 2 {
		t.Errorf("GetMemberCardUserInfo = %v, %v", info, err)
	}
	if _, err := e.members.UnactivateMemberCard(ctx, &cardv1.UnactivateMemberCardRequest{AppId: e.appID, CardId: id, Code: m.Code}); err != nil {
		t.Fatal(err)
	}
	_, err = e.members.UnactivateMemberCard(ctx, &cardv1.UnactivateMemberCardRequest{AppId: e.appID, CardId: id, Code: m.Code})
	wantWeChatCode(t, err, connect.CodeFailedPrecondition, 40127)
	// REST: member data of the unbound card.
	code, body := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/member-cards:getUserInfo", fmt.Sprintf(`{"cardId":%q,"code":%q}`, id, m.Code))
	if code != http.StatusOK || !strings.Contains(body, "M-0001") {
		t.Errorf("REST GetMemberCardUserInfo = %d %s", code, body)
	}
	// A coupon is not a member card.
	coupon := e.approvedCard(t, grouponDef("券", 1))
	c := e.give(t, coupon, "o-member")
	_, err = e.members.ActivateMemberCard(ctx, &cardv1.ActivateMemberCardRequest{AppId: e.appID, CardId: coupon, Code: c.Code, MembershipNumber: "X"})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40071)
}

func TestSpecialTickets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	boarding := e.approvedCard(t, &cardv1.CardDefinition{CardType: "BOARDING_PASS", Detail: &cardv1.CardDefinition_BoardingPass{
		BoardingPass: &cardv1.CardBoardingPass{BaseInfo: baseInfo("登机牌", 5), From: "成都", To: "广州", Flight: "CE123", Gate: "3"}}})
	meeting := e.approvedCard(t, &cardv1.CardDefinition{CardType: "MEETING_TICKET", Detail: &cardv1.CardDefinition_MeetingTicket{
		MeetingTicket: &cardv1.CardMeetingTicket{BaseInfo: baseInfo("年会", 5), MeetingDetail: "2026 开发者大会"}}})
	movie := e.approvedCard(t, &cardv1.CardDefinition{CardType: "MOVIE_TICKET", Detail: &cardv1.CardDefinition_MovieTicket{
		MovieTicket: &cardv1.CardMovieTicket{BaseInfo: baseInfo("电影票", 5), Detail: "星际穿越"}}})
	b, m, mv := e.give(t, boarding, "o-p"), e.give(t, meeting, "o-p"), e.give(t, movie, "o-p")

	if _, err := cardv1.NewSpecialTicketServiceClient(e.grpcConn).CheckInBoardingPass(ctx, &cardv1.CheckInBoardingPassRequest{AppId: e.appID,
		CardId: boarding, Code: b.Code, PassengerName: "乘客", Class: "头等舱", Seat: "1A", EtktBnr: "123456"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.tickets.UpdateMeetingTicketUser(ctx, &cardv1.UpdateMeetingTicketUserRequest{AppId: e.appID, CardId: meeting, Code: m.Code,
		Zone: "C区", Entrance: "东门", SeatNumber: "2排15号", BeginTime: 1900000000, EndTime: 1900003600}); err != nil {
		t.Fatal(err)
	}
	code, body := e.rest(t, http.MethodPost, "/v1/apps/"+e.appID+"/movie-tickets:updateUser",
		fmt.Sprintf(`{"cardId":%q,"code":%q,"ticketClass":"IMAX","showTime":1900000000,"duration":120,"screeningRoom":"5号厅","seatNumber":["5排14号"]}`, movie, mv.Code))
	if code != http.StatusOK {
		t.Errorf("REST UpdateMovieTicketUser = %d %s", code, body)
	}
	// The wrong ticket type and a bad code keep the platform's errcodes.
	_, err := e.tickets.UpdateMovieTicketUser(ctx, &cardv1.UpdateMovieTicketUserRequest{AppId: e.appID, CardId: meeting, Code: m.Code,
		TicketClass: "2D", ShowTime: 1900000000, Duration: 90})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40071)
	_, err = e.tickets.CheckInBoardingPass(ctx, &cardv1.CheckInBoardingPassRequest{AppId: e.appID, CardId: boarding, Code: "NOPE",
		PassengerName: "x", Class: "y", EtktBnr: "z"})
	wantWeChatCode(t, err, connect.CodeNotFound, 40056)
}

func TestGiftRulesAndSubMerchants(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	member := e.approvedCard(t, memberDef())
	now := uint32(e.sb.Sandbox.Now().Unix())
	rule := func(mchids ...string) *cardv1.PayGiftCardRule {
		return &cardv1.PayGiftCardRule{BaseInfo: &cardv1.PayGiftCardRuleBaseInfo{MchidList: mchids, BeginTime: now - 60, EndTime: now + 86400},
			MemberRule: &cardv1.PayGiftCardMemberRule{CardId: member, LeastCost: 100, MaxCost: 10000}}
	}
	added, err := e.gifts.AddPayGiftCardRule(ctx, &cardv1.AddPayGiftCardRuleRequest{AppId: e.appID, RuleInfo: rule("1900000109", "1900000110")})
	if err != nil || added.GetRuleId() == 0 || len(added.GetSuccMchidList()) != 2 {
		t.Fatalf("AddPayGiftCardRule = %v, %v", added, err)
	}
	second, err := e.gifts.AddPayGiftCardRule(ctx, &cardv1.AddPayGiftCardRuleRequest{AppId: e.appID, RuleInfo: rule("1900000110", "1900000111")})
	if err != nil || len(second.GetFailMchidList()) != 1 || second.GetFailMchidList()[0].GetOccupyRuleId() != added.GetRuleId() {
		t.Fatalf("AddPayGiftCardRule overlapping = %v, %v", second, err)
	}
	got, err := cardv1.NewGiftCardServiceClient(e.grpcConn).GetPayGiftCardRule(ctx, &cardv1.GetPayGiftCardRuleRequest{AppId: e.appID, RuleId: added.GetRuleId()})
	if err != nil || got.GetRuleInfo().GetMemberRule().GetCardId() != member || got.GetRuleInfo().GetBaseInfo().GetStatus() != "RULE_STATUS_OK" ||
		len(got.GetRuleInfo().GetBaseInfo().GetMchidList()) != 2 {
		t.Fatalf("GetPayGiftCardRule = %v, %v", got, err)
	}
	code, body := e.rest(t, http.MethodGet, "/v1/apps/"+e.appID+"/pay-gift-card-rules?count=10&effective=true", "")
	if code != http.StatusOK || !strings.Contains(body, member) {
		t.Errorf("REST BatchGetPayGiftCardRules = %d %s", code, body)
	}
	batch, err := e.gifts.BatchGetPayGiftCardRules(ctx, &cardv1.BatchGetPayGiftCardRulesRequest{AppId: e.appID, Count: 100})
	if err != nil || batch.GetTotalCount() != 2 {
		t.Errorf("BatchGetPayGiftCardRules = %v, %v", batch, err)
	}
	_, err = e.gifts.GetPayGiftCardRule(ctx, &cardv1.GetPayGiftCardRuleRequest{AppId: e.appID, RuleId: 999})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)

	info := &cardv1.SubMerchantInfo{BrandName: "子商户", LogoUrl: "http://mmbiz.qpic.cn/l.png", Protocol: "media-protocol",
		EndTime: now + 365*86400, PrimaryCategoryId: 1, SecondaryCategoryId: 101}
	sub, err := e.merchant.SubmitSubMerchant(ctx, &cardv1.SubmitSubMerchantRequest{AppId: e.appID, Info: info})
	if err != nil || sub.GetInfo().GetMerchantId() == 0 || sub.GetInfo().GetStatus() != "CHECKING" {
		t.Fatalf("SubmitSubMerchant = %v, %v", sub, err)
	}
	mid := sub.GetInfo().GetMerchantId()
	if err := e.sb.Sandbox.ReviewCardSubMerchant(e.appID, mid, true, ""); err != nil {
		t.Fatal(err)
	}
	g, err := cardv1.NewSubMerchantServiceClient(e.grpcConn).GetSubMerchant(ctx, &cardv1.GetSubMerchantRequest{AppId: e.appID, MerchantId: mid})
	if err != nil || g.GetInfo().GetStatus() != "APPROVED" || g.GetInfo().GetBrandName() != "子商户" {
		t.Errorf("GetSubMerchant = %v, %v", g, err)
	}
	list, err := e.merchant.BatchGetSubMerchants(ctx, &cardv1.BatchGetSubMerchantsRequest{AppId: e.appID, Limit: 10, Status: "APPROVED"})
	if err != nil || len(list.GetInfoList()) != 1 || list.GetInfoList()[0].GetMerchantId() != mid {
		t.Errorf("BatchGetSubMerchants = %v, %v", list, err)
	}
	info.BrandName = "新名字"
	up, err := e.merchant.UpdateSubMerchant(ctx, &cardv1.UpdateSubMerchantRequest{AppId: e.appID, MerchantId: mid, Info: info})
	if err != nil || up.GetInfo().GetStatus() != "CHECKING" || up.GetInfo().GetBrandName() != "新名字" || up.GetInfo().GetMerchantId() != mid {
		t.Errorf("UpdateSubMerchant = %v, %v", up, err)
	}
	code, body = e.rest(t, http.MethodGet, fmt.Sprintf("/v1/apps/%s/sub-merchants/%d", e.appID, mid), "")
	if code != http.StatusOK || !strings.Contains(body, "新名字") {
		t.Errorf("REST GetSubMerchant = %d %s", code, body)
	}
	_, err = e.merchant.GetSubMerchant(ctx, &cardv1.GetSubMerchantRequest{AppId: e.appID, MerchantId: 42})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
	// An unknown category is refused by the platform.
	info.SecondaryCategoryId = 999
	_, err = e.merchant.SubmitSubMerchant(ctx, &cardv1.SubmitSubMerchantRequest{AppId: e.appID, Info: info})
	wantWeChatCode(t, err, connect.CodeInvalidArgument, 40097)
}

// TestValidation checks that bad requests are refused with InvalidArgument naming the
// field, before anything reaches the sandbox.
func TestValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	app := e.appID
	longTitle := grouponDef(strings.Repeat("长", 10), 1)
	mismatch := grouponDef("t", 1)
	mismatch.CardType = "CASH"
	noBase := &cardv1.CardDefinition{CardType: "GIFT", Detail: &cardv1.CardDefinition_Gift{Gift: &cardv1.CardGift{Gift: "x"}}}
	badColor := grouponDef("t", 1)
	badColor.GetGroupon().GetBaseInfo().Color = "blue"
	badDiscount := &cardv1.CardDefinition{CardType: "DISCOUNT", Detail: &cardv1.CardDefinition_Discount{Discount: &cardv1.CardDiscount{BaseInfo: baseInfo("t", 1), Discount: 100}}}
	deposit := grouponDef("t", 1)
	deposit.GetGroupon().GetBaseInfo().GetCustomCodeMode = "GET_CUSTOM_CODE_MODE_DEPOSIT"
	tests := []struct {
		name      string
		call      func(ctx context.Context) error
		wantField string
	}{
		{"no app_id", func(ctx context.Context) error {
			_, err := e.cards.GetCard(ctx, &cardv1.GetCardRequest{CardId: "p1"})
			return err
		}, "app_id"},
		{"no card", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app})
			return err
		}, "card"},
		{"title too long", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: longTitle})
			return err
		}, "card.groupon.base_info.title"},
		{"type mismatch", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: mismatch})
			return err
		}, "card.groupon"},
		{"no base_info", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: noBase})
			return err
		}, "card.gift.base_info"},
		{"bad color", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: badColor})
			return err
		}, "card.groupon.base_info.color"},
		{"discount 100", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: badDiscount})
			return err
		}, "card.discount.discount"},
		{"deposit without custom code", func(ctx context.Context) error {
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: deposit})
			return err
		}, "card.groupon.base_info.get_custom_code_mode"},
		{"bad time limit", func(ctx context.Context) error {
			def := grouponDef("t", 1)
			def.GetGroupon().AdvancedInfo.TimeLimit[0].EndHour = 24
			_, err := e.cards.CreateCard(ctx, &cardv1.CreateCardRequest{AppId: app, Card: def})
			return err
		}, "card.groupon.advanced_info.time_limit[0].end_hour"},
		{"update sku", func(ctx context.Context) error {
			_, err := e.cards.UpdateCard(ctx, &cardv1.UpdateCardRequest{AppId: app, CardId: "p1", Detail: &cardv1.UpdateCardRequest_Groupon{
				Groupon: &cardv1.CardGroupon{BaseInfo: &cardv1.CardBaseInfo{Sku: &cardv1.CardSku{Quantity: 5}}}}})
			return err
		}, "groupon.base_info.sku"},
		{"update nothing", func(ctx context.Context) error {
			_, err := e.cards.UpdateCard(ctx, &cardv1.UpdateCardRequest{AppId: app, CardId: "p1"})
			return err
		}, "detail"},
		{"bad card_id", func(ctx context.Context) error {
			_, err := e.cards.DeleteCard(ctx, &cardv1.DeleteCardRequest{AppId: app, CardId: "p 1"})
			return err
		}, "card_id"},
		{"batch count over 50", func(ctx context.Context) error {
			_, err := e.cards.BatchGetCards(ctx, &cardv1.BatchGetCardsRequest{AppId: app, Count: 51})
			return err
		}, "count"},
		{"batch bad status", func(ctx context.Context) error {
			_, err := e.cards.BatchGetCards(ctx, &cardv1.BatchGetCardsRequest{AppId: app, Count: 5, StatusList: []string{"OK"}})
			return err
		}, "status_list[0]"},
		{"stock no change", func(ctx context.Context) error {
			_, err := e.cards.ModifyCardStock(ctx, &cardv1.ModifyCardStockRequest{AppId: app, CardId: "p1"})
			return err
		}, "increase_stock_value"},
		{"landing bad scene", func(ctx context.Context) error {
			_, err := e.cards.CreateCardLandingPage(ctx, &cardv1.CreateCardLandingPageRequest{AppId: app, Banner: "b", PageTitle: "t", Scene: "SCENE_X",
				CardList: []*cardv1.CardLandingPageCard{{CardId: "p1"}}})
			return err
		}, "scene"},
		{"qr expiry", func(ctx context.Context) error {
			_, err := e.cards.CreateCardQRCode(ctx, &cardv1.CreateCardQRCodeRequest{AppId: app, ExpireSeconds: 30,
				Action: &cardv1.CreateCardQRCodeRequest_Card{Card: &cardv1.CardQRCodeCard{CardId: "p1"}}})
			return err
		}, "expire_seconds"},
		{"qr six cards", func(ctx context.Context) error {
			cards := make([]*cardv1.CardQRCodeCard, 6)
			for i := range cards {
				cards[i] = &cardv1.CardQRCodeCard{CardId: "p1"}
			}
			_, err := e.cards.CreateCardQRCode(ctx, &cardv1.CreateCardQRCodeRequest{AppId: app,
				Action: &cardv1.CreateCardQRCodeRequest_MultipleCard{MultipleCard: &cardv1.CardQRCodeMultipleCard{CardList: cards}}})
			return err
		}, "multiple_card.card_list"},
		{"qr nothing", func(ctx context.Context) error {
			_, err := e.cards.CreateCardQRCode(ctx, &cardv1.CreateCardQRCodeRequest{AppId: app})
			return err
		}, "card"},
		{"whitelist 11", func(ctx context.Context) error {
			_, err := e.cards.SetCardTestWhitelist(ctx, &cardv1.SetCardTestWhitelistRequest{AppId: app, Openid: make([]string, 11)})
			return err
		}, "openid"},
		{"storewxa no poi", func(ctx context.Context) error {
			_, err := e.cards.SetCardStoreWxa(ctx, &cardv1.SetCardStoreWxaRequest{AppId: app, CardId: "p1"})
			return err
		}, "poi_id"},
		{"code too long", func(ctx context.Context) error {
			_, err := e.codes.ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: app, Code: strings.Repeat("1", 21)})
			return err
		}, "code"},
		{"deposit 101", func(ctx context.Context) error {
			codes := make([]string, 101)
			for i := range codes {
				codes[i] = fmt.Sprint(i)
			}
			_, err := e.codes.DepositCardCodes(ctx, &cardv1.DepositCardCodesRequest{AppId: app, CardId: "p1", Code: codes})
			return err
		}, "code"},
		{"check bad code", func(ctx context.Context) error {
			_, err := e.codes.CheckCardCodes(ctx, &cardv1.CheckCardCodesRequest{AppId: app, CardId: "p1", Code: []string{"ok", "a b"}})
			return err
		}, "code[1]"},
		{"decrypt empty", func(ctx context.Context) error {
			_, err := e.codes.DecryptCardCode(ctx, &cardv1.DecryptCardCodeRequest{AppId: app})
			return err
		}, "encrypt_code"},
		{"update same code", func(ctx context.Context) error {
			_, err := e.codes.UpdateCardCode(ctx, &cardv1.UpdateCardCodeRequest{AppId: app, CardId: "p1", Code: "1", NewCode: "1"})
			return err
		}, "new_code"},
		{"list bad openid", func(ctx context.Context) error {
			_, err := e.codes.ListUserCards(ctx, &cardv1.ListUserCardsRequest{AppId: app, Openid: "o!"})
			return err
		}, "openid"},
		{"activate no number", func(ctx context.Context) error {
			_, err := e.members.ActivateMemberCard(ctx, &cardv1.ActivateMemberCardRequest{AppId: app, CardId: "p1", Code: "1"})
			return err
		}, "membership_number"},
		{"form bad flag", func(ctx context.Context) error {
			_, err := e.members.SetMemberCardActivateUserForm(ctx, &cardv1.SetMemberCardActivateUserFormRequest{AppId: app, CardId: "p1",
				RequiredForm: &cardv1.MemberCardForm{CommonFieldIdList: []string{"PHONE"}}})
			return err
		}, "required_form.common_field_id_list[0]"},
		{"bonus both ways", func(ctx context.Context) error {
			_, err := e.members.UpdateMemberCardUser(ctx, &cardv1.UpdateMemberCardUserRequest{AppId: app, CardId: "p1", Code: "1", SetBonus: true, AddBonus: 3})
			return err
		}, "add_bonus"},
		{"unactivate no card", func(ctx context.Context) error {
			_, err := e.members.UnactivateMemberCard(ctx, &cardv1.UnactivateMemberCardRequest{AppId: app, Code: "1"})
			return err
		}, "card_id"},
		{"temp info no ticket", func(ctx context.Context) error {
			_, err := e.members.GetMemberCardActivateTempInfo(ctx, &cardv1.GetMemberCardActivateTempInfoRequest{AppId: app})
			return err
		}, "activate_ticket"},
		{"checkin no passenger", func(ctx context.Context) error {
			_, err := e.tickets.CheckInBoardingPass(ctx, &cardv1.CheckInBoardingPassRequest{AppId: app, Code: "1", Class: "y", EtktBnr: "z"})
			return err
		}, "passenger_name"},
		{"meeting end before begin", func(ctx context.Context) error {
			_, err := e.tickets.UpdateMeetingTicketUser(ctx, &cardv1.UpdateMeetingTicketUserRequest{AppId: app, Code: "1", BeginTime: 10, EndTime: 5})
			return err
		}, "end_time"},
		{"movie no show time", func(ctx context.Context) error {
			_, err := e.tickets.UpdateMovieTicketUser(ctx, &cardv1.UpdateMovieTicketUserRequest{AppId: app, Code: "1", TicketClass: "2D", Duration: 9})
			return err
		}, "show_time"},
		{"rule bad mchid", func(ctx context.Context) error {
			_, err := e.gifts.AddPayGiftCardRule(ctx, &cardv1.AddPayGiftCardRuleRequest{AppId: app, RuleInfo: &cardv1.PayGiftCardRule{
				BaseInfo:   &cardv1.PayGiftCardRuleBaseInfo{MchidList: []string{"12a"}, BeginTime: 1, EndTime: 2},
				MemberRule: &cardv1.PayGiftCardMemberRule{CardId: "p1"}}})
			return err
		}, "rule_info.base_info.mchid_list[0]"},
		{"rule no id", func(ctx context.Context) error {
			_, err := e.gifts.GetPayGiftCardRule(ctx, &cardv1.GetPayGiftCardRuleRequest{AppId: app})
			return err
		}, "rule_id"},
		{"rules count 101", func(ctx context.Context) error {
			_, err := e.gifts.BatchGetPayGiftCardRules(ctx, &cardv1.BatchGetPayGiftCardRulesRequest{AppId: app, Count: 101})
			return err
		}, "count"},
		{"submerchant no brand", func(ctx context.Context) error {
			_, err := e.merchant.SubmitSubMerchant(ctx, &cardv1.SubmitSubMerchantRequest{AppId: app, Info: &cardv1.SubMerchantInfo{LogoUrl: "l"}})
			return err
		}, "info.brand_name"},
		{"submerchants bad status", func(ctx context.Context) error {
			_, err := e.merchant.BatchGetSubMerchants(ctx, &cardv1.BatchGetSubMerchantsRequest{AppId: app, Limit: 5, Status: "OK"})
			return err
		}, "status"},
		{"submerchant update no id", func(ctx context.Context) error {
			_, err := e.merchant.UpdateSubMerchant(ctx, &cardv1.UpdateSubMerchantRequest{AppId: app})
			return err
		}, "merchant_id"},
	}
	before := e.allCalls()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(t.Context())
			if connect.CodeOf(err) != connect.CodeInvalidArgument {
				t.Fatalf("error %v, want InvalidArgument", err)
			}
			var ce *connect.Error
			if !errors.As(err, &ce) || !strings.HasPrefix(ce.Message(), tt.wantField+": ") {
				t.Errorf("message %q does not start with %q", ce.Message(), tt.wantField+": ")
			}
		})
	}
	if n := e.allCalls() - before; n != 0 {
		t.Errorf("%d card calls reached the sandbox", n)
	}
	// An unknown account is NotFound, over gRPC too.
	_, err := cardv1.NewCardServiceClient(e.grpcConn).GetCard(t.Context(), &cardv1.GetCardRequest{AppId: "wxnobody", CardId: "p1"})
	if status.Code(err) != codes.NotFound {
		t.Errorf("unknown app over gRPC: %v", err)
	}
}

const (
	readerKey = "wxsk_test_card_reader_0123456789abcdef"
	writerKey = "wxsk_test_card_writer_0123456789abcdef"
)

// TestScopes checks the policies through the real auth layer for every service family:
// card.read reads, card.write changes, nothing without a key.
func TestScopes(t *testing.T) {
	t.Parallel()
	e := newEnvAuth(t, fmt.Sprintf(`auth:
  keys:
    - {id: reader, key: %q, app_ids: ["*"], scopes: [card.read]}
    - {id: writer, key: %q, app_ids: ["*"], scopes: [card.write]}`, readerKey, writerKey))
	ctx := t.Context()
	hc := http.DefaultClient
	type pair struct {
		name        string
		read, write func(opt connect.Option) error
	}
	pairs := []pair{
		{"CardService",
			func(o connect.Option) error {
				_, err := cardv1connect.NewCardServiceClient(hc, e.url, o).GetCardApplyProtocol(ctx, &cardv1.GetCardApplyProtocolRequest{AppId: e.appID})
				return err
			},
			func(o connect.Option) error {
				_, err := cardv1connect.NewCardServiceClient(hc, e.url, o).CreateCard(ctx, &cardv1.CreateCardRequest{AppId: e.appID, Card: grouponDef("t", 1)})
				return err
			}},
		{"CardCodeService",
			func(o connect.Option) error {
				_, err := cardv1connect.NewCardCodeServiceClient(hc, e.url, o).ListUserCards(ctx, &cardv1.ListUserCardsRequest{AppId: e.appID, Openid: "o1"})
				return err
			},
			func(o connect.Option) error {
				_, err := cardv1connect.NewCardCodeServiceClient(hc, e.url, o).ConsumeCardCode(ctx, &cardv1.ConsumeCardCodeRequest{AppId: e.appID, Code: "1"})
				return err
			}},
		{"MemberCardService",
			func(o connect.Option) error {
				_, err := cardv1connect.NewMemberCardServiceClient(hc, e.url, o).GetMemberCardUserInfo(ctx, &cardv1.GetMemberCardUserInfoRequest{AppId: e.appID, CardId: "p1", Code: "1"})
				return err
			},
			func(o connect.Option) error {
				_, err := cardv1connect.NewMemberCardServiceClient(hc, e.url, o).UnactivateMemberCard(ctx, &cardv1.UnactivateMemberCardRequest{AppId: e.appID, CardId: "p1", Code: "1"})
				return err
			}},
		{"SpecialTicketService", nil,
			func(o connect.Option) error {
				_, err := cardv1connect.NewSpecialTicketServiceClient(hc, e.url, o).UpdateMeetingTicketUser(ctx, &cardv1.UpdateMeetingTicketUserRequest{AppId: e.appID, Code: "1"})
				return err
			}},
		{"GiftCardService",
			func(o connect.Option) error {
				_, err := cardv1connect.NewGiftCardServiceClient(hc, e.url, o).BatchGetPayGiftCardRules(ctx, &cardv1.BatchGetPayGiftCardRulesRequest{AppId: e.appID, Count: 5})
				return err
			},
			func(o connect.Option) error {
				_, err := cardv1connect.NewGiftCardServiceClient(hc, e.url, o).AddPayGiftCardRule(ctx, &cardv1.AddPayGiftCardRuleRequest{AppId: e.appID})
				return err
			}},
		{"SubMerchantService",
			func(o connect.Option) error {
				_, err := cardv1connect.NewSubMerchantServiceClient(hc, e.url, o).BatchGetSubMerchants(ctx, &cardv1.BatchGetSubMerchantsRequest{AppId: e.appID, Limit: 5})
				return err
			},
			func(o connect.Option) error {
				_, err := cardv1connect.NewSubMerchantServiceClient(hc, e.url, o).SubmitSubMerchant(ctx, &cardv1.SubmitSubMerchantRequest{AppId: e.appID})
				return err
			}},
	}
	allowed := func(err error) bool {
		c := connect.CodeOf(err)
		return c != connect.CodePermissionDenied && c != connect.CodeUnauthenticated
	}
	for _, p := range pairs {
		if p.read != nil {
			if err := p.read(authtest.Bearer(readerKey)); !allowed(err) {
				t.Errorf("%s: reader read: %v", p.name, err)
			}
			if err := p.read(authtest.Bearer(writerKey)); connect.CodeOf(err) != connect.CodePermissionDenied {
				t.Errorf("%s: writer read: %v", p.name, err)
			}
		}
		if err := p.write(authtest.Bearer(writerKey)); !allowed(err) {
			t.Errorf("%s: writer write: %v", p.name, err)
		}
		if err := p.write(authtest.Bearer(readerKey)); connect.CodeOf(err) != connect.CodePermissionDenied {
			t.Errorf("%s: reader write: %v", p.name, err)
		}
		if err := p.write(connect.WithInterceptors()); connect.CodeOf(err) != connect.CodeUnauthenticated {
			t.Errorf("%s: no key: %v", p.name, err)
		}
	}
}
