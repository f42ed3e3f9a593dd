package card

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"google.golang.org/protobuf/proto"

	cardv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/card/v1"
)

// WeChat paths of the card definition endpoints.
const (
	pathCreate        = "/card/create"
	pathGet           = "/card/get"
	pathUpdate        = "/card/update"
	pathDelete        = "/card/delete"
	pathBatchGet      = "/card/batchget"
	pathModifyStock   = "/card/modifystock"
	pathApplyProtocol = "/card/getapplyprotocol"
	pathLandingPage   = "/card/landingpage/create"
	pathQRCode        = "/card/qrcode/create"
	pathMpNewsHTML    = "/card/mpnews/gethtml"
	pathTestWhitelist = "/card/testwhitelist/set"
	pathPayCell       = "/card/paycell/set"
	pathSelfConsume   = "/card/selfconsumecell/set"
	pathStoreWxa      = "/card/storewxa/set"
)

// Platform limits of card definitions (facts.md §6.8 and the card docs: "N 个汉字" are
// counted as UTF-8 bytes, three a character).
const (
	maxBrandName   = 36
	maxTitle       = 27
	maxNotice      = 48
	maxDescription = 3072
	maxQuantity    = 100000000
	maxBatchCards  = 50
	maxWhitelist   = 10
	maxQRCards     = 5
	minQRExpire    = 60
	maxQRExpire    = 1800
)

// Value lists of card definitions.
var (
	cardTypeNames = []string{"GROUPON", "CASH", "DISCOUNT", "GIFT", "GENERAL_COUPON", "MEMBER_CARD",
		"SCENIC_TICKET", "MOVIE_TICKET", "BOARDING_PASS", "MEETING_TICKET"}
	codeTypes = []string{"CODE_TYPE_TEXT", "CODE_TYPE_BARCODE", "CODE_TYPE_QRCODE", "CODE_TYPE_ONLY_QRCODE",
		"CODE_TYPE_ONLY_BARCODE", "CODE_TYPE_NONE"}
	cardStatuses = []string{"CARD_STATUS_NOT_VERIFY", "CARD_STATUS_VERIFY_FAIL", "CARD_STATUS_VERIFY_OK",
		"CARD_STATUS_DELETE", "CARD_STATUS_DISPATCH"}
	landingScenes = []string{"SCENE_NEAR_BY", "SCENE_MENU", "SCENE_QRCODE", "SCENE_ARTICLE", "SCENE_H5",
		"SCENE_IVR", "SCENE_CARD_CUSTOM_CELL"}
	colorName = regexp.MustCompile(`^Color(0[1-9][0-9]|10[0-2])$`)
)

// baseInfoHolder is every card type object.
type baseInfoHolder interface {
	proto.Message
	GetBaseInfo() *cardv1.CardBaseInfo
	GetAdvancedInfo() *cardv1.CardAdvancedInfo
}

// Value lists of advanced_info.
var (
	timeLimitTypes   = []string{"MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY", "HOLIDAY"}
	businessServices = []string{"BIZ_SERVICE_DELIVER", "BIZ_SERVICE_FREE_PARK", "BIZ_SERVICE_WITH_PET", "BIZ_SERVICE_FREE_WIFI"}
)

// checkAdvanced checks an advanced_info at field: time windows within a day, known
// services, pictures with URLs.
func checkAdvanced(field string, a *cardv1.CardAdvancedInfo) error {
	for i, tl := range a.GetTimeLimit() {
		p := fmt.Sprintf("%s.time_limit[%d]", field, i)
		if err := firstErr(checkOneOf(p+".type", tl.GetType(), false, timeLimitTypes...),
			checkRange(p+".begin_hour", tl.GetBeginHour(), 0, 23), checkRange(p+".end_hour", tl.GetEndHour(), 0, 23),
			checkRange(p+".begin_minute", tl.GetBeginMinute(), 0, 59), checkRange(p+".end_minute", tl.GetEndMinute(), 0, 59)); err != nil {
			return err
		}
	}
	for i, bs := range a.GetBusinessService() {
		if err := checkOneOf(fmt.Sprintf("%s.business_service[%d]", field, i), bs, false, businessServices...); err != nil {
			return err
		}
	}
	for i, ti := range a.GetTextImageList() {
		if err := checkText(fmt.Sprintf("%s.text_image_list[%d].image_url", field, i), ti.GetImageUrl(), 0, true); err != nil {
			return err
		}
	}
	return nil
}

// detailOf returns the set member of m's "detail" oneof: its field name (the platform's
// key, e.g. "general_coupon") and its message; "" when none is set.
func detailOf(m proto.Message) (string, baseInfoHolder) {
	r := m.ProtoReflect()
	fd := r.WhichOneof(r.Descriptor().Oneofs().ByName("detail"))
	if fd == nil {
		return "", nil
	}
	h, _ := r.Get(fd).Message().Interface().(baseInfoHolder)
	return string(fd.Name()), h
}

// checkBase checks a base_info at field; complete is true at creation (required fields
// and the whole validity period), false for an update (only the fields set).
func checkBase(field string, b *cardv1.CardBaseInfo, complete bool) error {
	if b == nil {
		if complete {
			return &ArgumentError{Field: field, Reason: "is required"}
		}
		return nil
	}
	f := func(name string) string { return field + "." + name }
	if err := firstErr(
		checkText(f("logo_url"), b.GetLogoUrl(), 0, complete),
		checkText(f("brand_name"), b.GetBrandName(), maxBrandName, complete),
		checkOneOf(f("code_type"), b.GetCodeType(), !complete, codeTypes...),
		checkText(f("title"), b.GetTitle(), maxTitle, complete),
		checkText(f("notice"), b.GetNotice(), maxNotice, complete),
		checkText(f("description"), b.GetDescription(), maxDescription, complete),
		checkText(f("sub_title"), b.GetSubTitle(), maxTitle*2, false),
		checkOneOf(f("get_custom_code_mode"), b.GetGetCustomCodeMode(), true, "GET_CUSTOM_CODE_MODE_DEPOSIT"),
	); err != nil {
		return err
	}
	if b.GetColor() != "" || complete {
		if !colorName.MatchString(b.GetColor()) {
			return &ArgumentError{Field: f("color"), Reason: fmt.Sprintf("must be a colour name Color010 to Color102, got %q", clip(b.GetColor()))}
		}
	}
	if b.GetGetCustomCodeMode() != "" && complete && !b.GetUseCustomCode() {
		return &ArgumentError{Field: f("get_custom_code_mode"), Reason: "needs use_custom_code true"}
	}
	if b.GetSku() != nil && b.GetSku().GetQuantity() > maxQuantity {
		return &ArgumentError{Field: f("sku.quantity"), Reason: fmt.Sprintf("must be at most %d", maxQuantity)}
	}
	if complete && b.GetSku() == nil {
		return &ArgumentError{Field: f("sku"), Reason: "is required"}
	}
	return checkDateInfo(f("date_info"), b.GetDateInfo(), complete)
}

// checkDateInfo checks a validity period.
func checkDateInfo(field string, d *cardv1.CardDateInfo, complete bool) error {
	if d == nil {
		if complete {
			return &ArgumentError{Field: field, Reason: "is required"}
		}
		return nil
	}
	switch d.GetType() {
	case "DATE_TYPE_FIX_TIME_RANGE":
		if d.GetBeginTimestamp() == 0 || d.GetEndTimestamp() <= d.GetBeginTimestamp() {
			return &ArgumentError{Field: field + ".end_timestamp", Reason: "a fixed range needs begin_timestamp and a later end_timestamp"}
		}
	case "DATE_TYPE_FIX_TERM":
		if d.GetFixedTerm() == 0 {
			return &ArgumentError{Field: field + ".fixed_term", Reason: "a fixed term needs fixed_term of at least 1 day"}
		}
	case "DATE_TYPE_PERMANENT":
	default:
		return checkOneOf(field+".type", d.GetType(), false, "DATE_TYPE_FIX_TIME_RANGE", "DATE_TYPE_FIX_TERM", "DATE_TYPE_PERMANENT")
	}
	return nil
}

// checkSpecific checks the type-specific fields of a card object at field; complete
// requires the required ones.
func checkSpecific(field string, h baseInfoHolder, complete bool) error {
	f := func(name string) string { return field + "." + name }
	switch x := h.(type) {
	case *cardv1.CardGroupon:
		return checkText(f("deal_detail"), x.GetDealDetail(), maxTextBytes, complete)
	case *cardv1.CardCash:
		if complete && x.GetReduceCost() == 0 {
			return &ArgumentError{Field: f("reduce_cost"), Reason: "is required (fen taken off)"}
		}
		if x.GetLeastCost() > 0 && x.GetLeastCost() < x.GetReduceCost() {
			return &ArgumentError{Field: f("least_cost"), Reason: "must be 0 or at least reduce_cost"}
		}
	case *cardv1.CardDiscount:
		if complete || x.GetDiscount() != 0 {
			return checkRange(f("discount"), x.GetDiscount(), 1, 99)
		}
	case *cardv1.CardGift:
		return checkText(f("gift"), x.GetGift(), maxTextBytes, complete)
	case *cardv1.CardGeneralCoupon:
		return checkText(f("default_detail"), x.GetDefaultDetail(), maxTextBytes, complete)
	case *cardv1.CardMemberCard:
		return firstErr(checkText(f("prerogative"), x.GetPrerogative(), maxTextBytes, complete),
			checkRange(f("discount"), x.GetDiscount(), 0, 100))
	case *cardv1.CardBoardingPass:
		return firstErr(checkText(f("from"), x.GetFrom(), 0, complete), checkText(f("to"), x.GetTo(), 0, complete),
			checkText(f("flight"), x.GetFlight(), 0, complete))
	case *cardv1.CardMeetingTicket:
		return checkText(f("meeting_detail"), x.GetMeetingDetail(), maxTextBytes, complete)
	}
	return nil
}

// cleanBase clears the output-only fields of a base_info.
func cleanBase(b *cardv1.CardBaseInfo) {
	if b == nil {
		return
	}
	b.Id, b.Status = "", ""
	if b.Sku != nil {
		b.Sku.TotalQuantity = 0
	}
}

// CreateCard checks and creates a card (card/create).
func (s *Service) CreateCard(ctx context.Context, req *cardv1.CreateCardRequest) (*cardv1.CreateCardResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	def := req.GetCard()
	if def == nil {
		return nil, &ArgumentError{Field: "card", Reason: "is required"}
	}
	if err := checkOneOf("card.card_type", def.GetCardType(), false, cardTypeNames...); err != nil {
		return nil, err
	}
	want := strings.ToLower(def.GetCardType())
	key, h := detailOf(def)
	switch {
	case key == "":
		return nil, &ArgumentError{Field: "card." + want, Reason: "is required for card_type " + def.GetCardType()}
	case key != want:
		return nil, &ArgumentError{Field: "card." + key, Reason: fmt.Sprintf("does not match card_type %s (want card.%s)", def.GetCardType(), want)}
	}
	if err := firstErr(checkBase("card."+key+".base_info", h.GetBaseInfo(), true), checkSpecific("card."+key, h, true),
		checkAdvanced("card."+key+".advanced_info", h.GetAdvancedInfo())); err != nil {
		return nil, err
	}
	def = proto.CloneOf(def)
	_, h = detailOf(def)
	cleanBase(h.GetBaseInfo())
	card, err := wire(def)
	if err != nil {
		return nil, err
	}
	out := &cardv1.CreateCardResponse{}
	// Not resent: a second create makes a second card.
	if err := s.call(ctx, req.GetAppId(), pathCreate, false, object{}.set("card", card), out); err != nil {
		return nil, err
	}
	if out.GetCardId() == "" {
		return nil, fmt.Errorf("card/create for %s: answer without a card_id", req.GetAppId())
	}
	return out, nil
}

// cardIDBody checks app_id and card_id and returns the {"card_id"} body.
func (s *Service) cardIDBody(appID, cardID string) (object, error) {
	if err := s.checkAccount(appID); err != nil {
		return nil, err
	}
	if err := checkID("card_id", cardID); err != nil {
		return nil, err
	}
	return object{}.set("card_id", cardID), nil
}

// GetCard returns a card (card/get).
func (s *Service) GetCard(ctx context.Context, req *cardv1.GetCardRequest) (*cardv1.GetCardResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	out := &cardv1.GetCardResponse{}
	return out, s.call(ctx, req.GetAppId(), pathGet, true, body, out)
}

// fixedOnUpdate are base_info fields card/update cannot change.
var fixedOnUpdate = map[string]func(*cardv1.CardBaseInfo) bool{
	"brand_name":           func(b *cardv1.CardBaseInfo) bool { return b.GetBrandName() != "" },
	"sku":                  func(b *cardv1.CardBaseInfo) bool { return b.GetSku() != nil },
	"use_custom_code":      func(b *cardv1.CardBaseInfo) bool { return b.GetUseCustomCode() },
	"get_custom_code_mode": func(b *cardv1.CardBaseInfo) bool { return b.GetGetCustomCodeMode() != "" },
}

// UpdateCard checks and sends a card's changes (card/update).
func (s *Service) UpdateCard(ctx context.Context, req *cardv1.UpdateCardRequest) (*cardv1.UpdateCardResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	key, h := detailOf(req)
	if key == "" {
		return nil, &ArgumentError{Field: "detail", Reason: "set the object of the card's type (e.g. groupon) with the fields to change"}
	}
	for name, set := range fixedOnUpdate {
		if set(h.GetBaseInfo()) {
			reason := "cannot be changed by UpdateCard"
			if name == "sku" {
				reason += " (use ModifyCardStock)"
			}
			return nil, &ArgumentError{Field: key + ".base_info." + name, Reason: reason}
		}
	}
	if err := firstErr(checkBase(key+".base_info", h.GetBaseInfo(), false), checkSpecific(key, h, false),
		checkAdvanced(key+".advanced_info", h.GetAdvancedInfo())); err != nil {
		return nil, err
	}
	h = proto.CloneOf(h)
	cleanBase(h.GetBaseInfo())
	changes, err := wire(h)
	if err != nil {
		return nil, err
	}
	if len(changes) == 0 {
		return nil, &ArgumentError{Field: key, Reason: "holds nothing to change"}
	}
	body.set(key, changes)
	out := &cardv1.UpdateCardResponse{}
	return out, s.call(ctx, req.GetAppId(), pathUpdate, true, body, out)
}

// DeleteCard deletes a card (card/delete).
func (s *Service) DeleteCard(ctx context.Context, req *cardv1.DeleteCardRequest) (*cardv1.DeleteCardResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	return &cardv1.DeleteCardResponse{}, s.call(ctx, req.GetAppId(), pathDelete, false, body, nil)
}

// BatchGetCards lists card ids (card/batchget).
func (s *Service) BatchGetCards(ctx context.Context, req *cardv1.BatchGetCardsRequest) (*cardv1.BatchGetCardsResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	count := req.GetCount()
	if count == 0 {
		count = maxBatchCards // the platform requires a count: 0 asks for a full page
	}
	if err := checkRange("count", count, 1, maxBatchCards); err != nil {
		return nil, err
	}
	for i, st := range req.GetStatusList() {
		if err := checkOneOf(fmt.Sprintf("status_list[%d]", i), st, false, cardStatuses...); err != nil {
			return nil, err
		}
	}
	body := object{}.set("offset", req.GetOffset()).set("count", count)
	if len(req.GetStatusList()) > 0 {
		body.set("status_list", req.GetStatusList())
	}
	out := &cardv1.BatchGetCardsResponse{}
	return out, s.call(ctx, req.GetAppId(), pathBatchGet, true, body, out)
}

// ModifyCardStock changes a card's stock (card/modifystock).
func (s *Service) ModifyCardStock(ctx context.Context, req *cardv1.ModifyCardStockRequest) (*cardv1.ModifyCardStockResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	switch {
	case req.GetIncreaseStockValue() == 0 && req.GetReduceStockValue() == 0:
		return nil, &ArgumentError{Field: "increase_stock_value", Reason: "one of increase_stock_value and reduce_stock_value must be non-zero"}
	case req.GetIncreaseStockValue() > maxQuantity:
		return nil, &ArgumentError{Field: "increase_stock_value", Reason: fmt.Sprintf("must be at most %d", maxQuantity)}
	case req.GetReduceStockValue() > maxQuantity:
		return nil, &ArgumentError{Field: "reduce_stock_value", Reason: fmt.Sprintf("must be at most %d", maxQuantity)}
	}
	if v := req.GetIncreaseStockValue(); v > 0 {
		body.set("increase_stock_value", v)
	}
	if v := req.GetReduceStockValue(); v > 0 {
		body.set("reduce_stock_value", v)
	}
	// A delta: never resent.
	return &cardv1.ModifyCardStockResponse{}, s.call(ctx, req.GetAppId(), pathModifyStock, false, body, nil)
}

// GetCardApplyProtocol lists the open categories (card/getapplyprotocol, a GET).
func (s *Service) GetCardApplyProtocol(ctx context.Context, req *cardv1.GetCardApplyProtocolRequest) (*cardv1.GetCardApplyProtocolResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	out := &cardv1.GetCardApplyProtocolResponse{}
	return out, s.call(ctx, req.GetAppId(), pathApplyProtocol, true, nil, out)
}

// CreateCardLandingPage creates a shelf page (card/landingpage/create).
func (s *Service) CreateCardLandingPage(ctx context.Context, req *cardv1.CreateCardLandingPageRequest) (*cardv1.CreateCardLandingPageResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if err := firstErr(checkText("banner", req.GetBanner(), 0, true), checkText("page_title", req.GetPageTitle(), 0, true),
		checkOneOf("scene", req.GetScene(), false, landingScenes...)); err != nil {
		return nil, err
	}
	if len(req.GetCardList()) == 0 {
		return nil, &ArgumentError{Field: "card_list", Reason: "must hold at least one card"}
	}
	for i, c := range req.GetCardList() {
		if err := checkID(fmt.Sprintf("card_list[%d].card_id", i), c.GetCardId()); err != nil {
			return nil, err
		}
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	out := &cardv1.CreateCardLandingPageResponse{}
	return out, s.call(ctx, req.GetAppId(), pathLandingPage, false, body, out)
}

// CreateCardQRCode creates a card QR code (card/qrcode/create).
func (s *Service) CreateCardQRCode(ctx context.Context, req *cardv1.CreateCardQRCodeRequest) (*cardv1.CreateCardQRCodeResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	if e := req.GetExpireSeconds(); e != 0 && (e < minQRExpire || e > maxQRExpire) {
		return nil, &ArgumentError{Field: "expire_seconds", Reason: fmt.Sprintf("must be 0 (permanent) or %d to %d, got %d", minQRExpire, maxQRExpire, e)}
	}
	var items []*cardv1.CardQRCodeCard
	prefix := "card"
	switch {
	case req.GetCard() != nil:
		items = []*cardv1.CardQRCodeCard{req.GetCard()}
	case req.GetMultipleCard() != nil:
		items, prefix = req.GetMultipleCard().GetCardList(), "multiple_card.card_list"
		if len(items) == 0 || len(items) > maxQRCards {
			return nil, &ArgumentError{Field: prefix, Reason: fmt.Sprintf("must hold 1 to %d cards, got %d", maxQRCards, len(items))}
		}
	default:
		return nil, &ArgumentError{Field: "card", Reason: "one of card and multiple_card is required"}
	}
	for i, it := range items {
		f := prefix
		if prefix != "card" {
			f = fmt.Sprintf("%s[%d]", prefix, i)
		}
		if err := firstErr(checkID(f+".card_id", it.GetCardId()), checkOptionalID(f+".openid", it.GetOpenid())); err != nil {
			return nil, err
		}
		if it.GetCode() != "" {
			if err := checkCode(f+".code", it.GetCode()); err != nil {
				return nil, err
			}
		}
	}
	body := object{}
	if req.GetExpireSeconds() > 0 {
		body.set("expire_seconds", req.GetExpireSeconds())
	}
	info := object{}
	if req.GetCard() != nil {
		body.set("action_name", "QR_CARD")
		card, err := wire(req.GetCard())
		if err != nil {
			return nil, err
		}
		info.set("card", card)
	} else {
		body.set("action_name", "QR_MULTIPLE_CARD")
		multi, err := wire(req.GetMultipleCard())
		if err != nil {
			return nil, err
		}
		info.set("multiple_card", multi)
	}
	body.set("action_info", info)
	out := &cardv1.CreateCardQRCodeResponse{}
	// A resent create makes a second code for the same cards: harmless.
	return out, s.call(ctx, req.GetAppId(), pathQRCode, true, body, out)
}

// GetCardMpNewsHTML returns a card's mpnews HTML (card/mpnews/gethtml).
func (s *Service) GetCardMpNewsHTML(ctx context.Context, req *cardv1.GetCardMpNewsHTMLRequest) (*cardv1.GetCardMpNewsHTMLResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	out := &cardv1.GetCardMpNewsHTMLResponse{}
	return out, s.call(ctx, req.GetAppId(), pathMpNewsHTML, true, body, out)
}

// SetCardTestWhitelist sets the test whitelist (card/testwhitelist/set).
func (s *Service) SetCardTestWhitelist(ctx context.Context, req *cardv1.SetCardTestWhitelistRequest) (*cardv1.SetCardTestWhitelistResponse, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return nil, err
	}
	switch {
	case len(req.GetOpenid()) == 0 && len(req.GetUsername()) == 0:
		return nil, &ArgumentError{Field: "openid", Reason: "one of openid and username must hold a user"}
	case len(req.GetOpenid()) > maxWhitelist:
		return nil, &ArgumentError{Field: "openid", Reason: fmt.Sprintf("must hold at most %d openids, got %d", maxWhitelist, len(req.GetOpenid()))}
	case len(req.GetUsername()) > maxWhitelist:
		return nil, &ArgumentError{Field: "username", Reason: fmt.Sprintf("must hold at most %d WeChat ids, got %d", maxWhitelist, len(req.GetUsername()))}
	}
	for i, o := range req.GetOpenid() {
		if err := checkID(fmt.Sprintf("openid[%d]", i), o); err != nil {
			return nil, err
		}
	}
	for i, u := range req.GetUsername() {
		if err := checkID(fmt.Sprintf("username[%d]", i), u); err != nil {
			return nil, err
		}
	}
	body, err := wire(req, "app_id")
	if err != nil {
		return nil, err
	}
	return &cardv1.SetCardTestWhitelistResponse{}, s.call(ctx, req.GetAppId(), pathTestWhitelist, true, body, nil)
}

// SetCardPayCell switches a card's pay cell (card/paycell/set).
func (s *Service) SetCardPayCell(ctx context.Context, req *cardv1.SetCardPayCellRequest) (*cardv1.SetCardPayCellResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	body.set("is_open", req.GetIsOpen())
	return &cardv1.SetCardPayCellResponse{}, s.call(ctx, req.GetAppId(), pathPayCell, true, body, nil)
}

// SetCardSelfConsumeCell switches a card's self-consume cell (card/selfconsumecell/set).
func (s *Service) SetCardSelfConsumeCell(ctx context.Context, req *cardv1.SetCardSelfConsumeCellRequest) (*cardv1.SetCardSelfConsumeCellResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	body.set("is_open", req.GetIsOpen()).set("need_verify_cod", req.GetNeedVerifyCod()).set("need_remark_amount", req.GetNeedRemarkAmount())
	return &cardv1.SetCardSelfConsumeCellResponse{}, s.call(ctx, req.GetAppId(), pathSelfConsume, true, body, nil)
}

// SetCardStoreWxa delivers a card in a store mini-program (card/storewxa/set).
func (s *Service) SetCardStoreWxa(ctx context.Context, req *cardv1.SetCardStoreWxaRequest) (*cardv1.SetCardStoreWxaResponse, error) {
	body, err := s.cardIDBody(req.GetAppId(), req.GetCardId())
	if err != nil {
		return nil, err
	}
	if req.GetPoiId() == 0 {
		return nil, &ArgumentError{Field: "poi_id", Reason: "is required"}
	}
	body.set("poi_id", req.GetPoiId())
	return &cardv1.SetCardStoreWxaResponse{}, s.call(ctx, req.GetAppId(), pathStoreWxa, true, body, nil)
}
