package sandbox

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Paths of the template-message endpoints (behaviour.md §2.8).
const (
	pathSetIndustry      = "/cgi-bin/template/api_set_industry"
	pathGetIndustry      = "/cgi-bin/template/get_industry"
	pathAddTemplate      = "/cgi-bin/template/api_add_template"
	pathListTemplates    = "/cgi-bin/template/get_all_private_template"
	pathDeleteTemplate   = "/cgi-bin/template/del_private_template"
	pathTemplateSend     = "/cgi-bin/message/template/send"
	maxPrivateTemplates  = 25
	clientMsgIDTemplate  = 24 * time.Hour
	maxTemplateKeywords  = 5
	minTemplateKeywords  = 2
	templateStatusOK     = "success"
	templateStatusBlock  = "failed:user block"
	templateStatusSystem = "failed: system failed"
)

// industries is the platform's industry code table (行业代码): id → first and second
// class.
var industries = map[string][2]string{
	"1": {"IT科技", "互联网|电子商务"}, "2": {"IT科技", "IT软件与服务"}, "3": {"IT科技", "IT硬件与设备"},
	"4": {"IT科技", "电子技术"}, "5": {"IT科技", "通信与运营商"}, "6": {"IT科技", "网络游戏"},
	"7": {"金融业", "银行"}, "8": {"金融业", "基金理财信托"}, "9": {"金融业", "保险"},
	"10": {"餐饮", "餐饮"}, "11": {"酒店旅游", "酒店"}, "12": {"酒店旅游", "旅游"},
	"13": {"运输与仓储", "快递"}, "14": {"运输与仓储", "物流"}, "15": {"运输与仓储", "仓储"},
	"16": {"教育", "培训"}, "17": {"教育", "院校"}, "18": {"政府与公共事业", "学术科研"},
	"19": {"政府与公共事业", "交警"}, "20": {"政府与公共事业", "博物馆"}, "21": {"政府与公共事业", "公共事业|非盈利机构"},
	"22": {"医药护理", "医药医疗"}, "23": {"医药护理", "护理美容"}, "24": {"医药护理", "保健与卫生"},
	"25": {"交通工具", "汽车相关"}, "26": {"交通工具", "摩托车相关"}, "27": {"交通工具", "火车相关"},
	"28": {"交通工具", "飞机相关"}, "29": {"房地产", "建筑"}, "30": {"房地产", "物业"},
	"31": {"消费品", "消费品"}, "32": {"商业服务", "法律"}, "33": {"商业服务", "会展"},
	"34": {"商业服务", "中介服务"}, "35": {"商业服务", "认证"}, "36": {"商业服务", "审计"},
	"37": {"文体娱乐", "传媒"}, "38": {"文体娱乐", "体育"}, "39": {"文体娱乐", "娱乐休闲"},
	"40": {"印刷", "印刷"}, "41": {"其它", "其它"},
}

// libraryTemplates are the classic (TM…) templates the sandbox knows by short id. Sandbox
// choice: any other "TM" + 5 digits is a generic template with keyword1 … keyword3.
var libraryTemplates = map[string]struct{ title, content, example string }{
	"TM00015": {"订单支付成功", "{{first.DATA}}\n\n支付金额：{{orderMoneySum.DATA}}\n商品信息：{{orderProductName.DATA}}\n{{Remark.DATA}}",
		"我们已收到您的货款，开始为您打包商品，请耐心等待: )\n支付金额：30.00元\n商品信息：我是商品名字\n\n如有问题请致电400-828-1878或直接在微信留言，小易将第一时间为您服务！"},
	"TM00001": {"购买成功通知", "{{first.DATA}}\n商品名称：{{keyword1.DATA}}\n购买时间：{{keyword2.DATA}}\n{{remark.DATA}}",
		"您好，您已购买成功。\n商品名称：巧克力\n购买时间：2014年9月22日\n欢迎再次购买！"},
}

var (
	tmShortID      = regexp.MustCompile(`^TM[0-9]{5}$`)
	numericShortID = regexp.MustCompile(`^[0-9]{1,10}$`)
	placeholder    = regexp.MustCompile(`\{\{([A-Za-z0-9_]+)\.DATA\}\}`)
)

// privateTemplate is a template added to an account.
type privateTemplate struct {
	id, title, content, example string
	primary, deputy             string // industry first/second class names
}

// templateState is the account's template-message state. Guarded by Sandbox.mu.
type templateState struct {
	industry1, industry2 string
	industryMonth        string // monthKey of the latest change
	templates            map[string]*privateTemplate
	order                []string // template ids, oldest first
	clientMsgIDs         map[string]templateSent
	blocked              map[string]bool // openids that switched off receiving messages
}

// templateSent remembers a send by client_msg_id.
type templateSent struct {
	msgID int64
	at    time.Time
}

func registerTemplates(m map[string]endpoint) {
	m[pathSetIndustry] = endpoint{method: "POST", serve: (*Sandbox).serveSetIndustry}
	m[pathGetIndustry] = endpoint{method: "GET", serve: (*Sandbox).serveGetIndustry}
	m[pathAddTemplate] = endpoint{method: "POST", serve: (*Sandbox).serveAddTemplate}
	m[pathListTemplates] = endpoint{method: "GET", serve: (*Sandbox).serveListTemplates}
	m[pathDeleteTemplate] = endpoint{method: "POST", serve: (*Sandbox).serveDeleteTemplate}
	m[pathTemplateSend] = endpoint{method: "POST", serve: (*Sandbox).serveTemplateSend}
}

// serveSetIndustry answers api_set_industry: two industry ids; a change within the same
// month as the previous one gets 43100 (the first setting is free).
func (s *Sandbox) serveSetIndustry(c *apiCall) answer {
	var b struct {
		ID1 string `json:"industry_id1"`
		ID2 string `json:"industry_id2"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if _, ok := industries[b.ID1]; !ok {
		return fail(codeInvalidArgs)
	}
	if _, ok := industries[b.ID2]; !ok {
		return fail(codeInvalidArgs)
	}
	t := &c.a.outbound.templates
	if t.industryMonth == monthKey(c.now) && (t.industry1 != b.ID1 || t.industry2 != b.ID2) {
		return fail(codeOutChangeIndustryTooSoon)
	}
	if t.industry1 != b.ID1 || t.industry2 != b.ID2 {
		t.industry1, t.industry2, t.industryMonth = b.ID1, b.ID2, monthKey(c.now)
	}
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

// industryClass is {"first_class","second_class"}.
type industryClass struct {
	FirstClass  string `json:"first_class"`
	SecondClass string `json:"second_class"`
}

func industryOf(id string) industryClass {
	c := industries[id]
	return industryClass{FirstClass: c[0], SecondClass: c[1]}
}

// serveGetIndustry answers get_industry. Sandbox choice: an account that never set its
// industry gets empty classes.
func (s *Sandbox) serveGetIndustry(c *apiCall) answer {
	t := &c.a.outbound.templates
	return succeed(struct {
		Primary   industryClass `json:"primary_industry"`
		Secondary industryClass `json:"secondary_industry"`
	}{industryOf(t.industry1), industryOf(t.industry2)})
}

// serveAddTemplate answers api_add_template: a classic short id (TM + 5 digits) or a
// numeric category id with 2 to 5 keyword names.
func (s *Sandbox) serveAddTemplate(c *apiCall) answer {
	var b struct {
		ShortID  string   `json:"template_id_short"`
		Keywords []string `json:"keyword_name_list"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	t := &c.a.outbound.templates
	if t.industry1 == "" {
		// Sandbox choice: without an industry no library template fits it.
		return fail(codeOutTemplateIndustry)
	}
	var pt privateTemplate
	switch {
	case tmShortID.MatchString(b.ShortID):
		lib, ok := libraryTemplates[b.ShortID]
		if !ok {
			lib.title = "通知" + b.ShortID[2:]
			lib.content = "{{first.DATA}}\n关键词1：{{keyword1.DATA}}\n关键词2：{{keyword2.DATA}}\n关键词3：{{keyword3.DATA}}\n{{remark.DATA}}"
			lib.example = "您好\n关键词1：A\n关键词2：B\n关键词3：C\n谢谢"
		}
		pt = privateTemplate{title: lib.title, content: lib.content, example: lib.example}
	case numericShortID.MatchString(b.ShortID):
		if len(b.Keywords) < minTemplateKeywords || len(b.Keywords) > maxTemplateKeywords {
			return fail(codeOutInvalidKeywordList)
		}
		var content, example strings.Builder
		for i, name := range b.Keywords {
			if strings.TrimSpace(name) == "" || runeLen(name) > 20 {
				return fail(codeOutInvalidKeywordList)
			}
			key := keywordKey(name) + strconv.Itoa(i+1)
			content.WriteString(name + "：{{" + key + ".DATA}}\n")
			example.WriteString(name + "：示例\n")
		}
		pt = privateTemplate{title: "类目模板" + b.ShortID, content: strings.TrimSuffix(content.String(), "\n"), example: strings.TrimSuffix(example.String(), "\n")}
	default:
		return fail(codeOutInvalidTemplateID)
	}
	if len(t.order) >= maxPrivateTemplates {
		return fail(codeOutTemplateNumLimit)
	}
	pt.id = s.randString(43)
	p := industryOf(t.industry1)
	d := industryOf(t.industry2)
	pt.primary, pt.deputy = p.FirstClass, d.FirstClass
	if t.templates == nil {
		t.templates = make(map[string]*privateTemplate)
	}
	t.templates[pt.id] = &pt
	t.order = append(t.order, pt.id)
	return succeed(struct {
		Errcode    int    `json:"errcode"`
		Errmsg     string `json:"errmsg"`
		TemplateID string `json:"template_id"`
	}{0, "ok", pt.id})
}

// keywordKey is the key prefix of a category template's keyword by its name. Sandbox
// choice, following the platform's naming (thing, time, amount, character_string…).
func keywordKey(name string) string {
	switch {
	case strings.Contains(name, "时间") || strings.Contains(name, "日期"):
		return "time"
	case strings.Contains(name, "金额") || strings.Contains(name, "价格"):
		return "amount"
	case strings.Contains(name, "号") || strings.Contains(name, "编码"):
		return "character_string"
	case strings.Contains(name, "电话"):
		return "phone_number"
	}
	return "thing"
}

// serveListTemplates answers get_all_private_template.
func (s *Sandbox) serveListTemplates(c *apiCall) answer {
	type item struct {
		TemplateID      string `json:"template_id"`
		Title           string `json:"title"`
		PrimaryIndustry string `json:"primary_industry"`
		DeputyIndustry  string `json:"deputy_industry"`
		Content         string `json:"content"`
		Example         string `json:"example"`
	}
	t := &c.a.outbound.templates
	list := make([]item, 0, len(t.order))
	for _, id := range t.order {
		pt := t.templates[id]
		list = append(list, item{pt.id, pt.title, pt.primary, pt.deputy, pt.content, pt.example})
	}
	return succeed(struct {
		TemplateList []item `json:"template_list"`
	}{list})
}

// serveDeleteTemplate answers del_private_template.
func (s *Sandbox) serveDeleteTemplate(c *apiCall) answer {
	var b struct {
		TemplateID string `json:"template_id"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	t := &c.a.outbound.templates
	if _, ok := t.templates[b.TemplateID]; !ok {
		return fail(codeOutInvalidTemplateID)
	}
	delete(t.templates, b.TemplateID)
	t.order = removeString(t.order, b.TemplateID)
	return succeed(envelope{Errcode: codeOK, Errmsg: "ok"})
}

func removeString(list []string, v string) []string {
	out := list[:0]
	for _, x := range list {
		if x != v {
			out = append(out, x)
		}
	}
	return out
}

// templateData is the data of a template send: key → {value, color}.
type templateData map[string]struct {
	Value string `json:"value"`
	Color string `json:"color"`
}

// miniProgram is {"appid","pagepath"}.
type miniProgram struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath"`
}

// checkMiniProgram returns 40166 for a missing or malformed appid and 40165 for a page
// path with spaces (sandbox choice) — nil is fine.
func checkMiniProgram(mp *miniProgram) int {
	if mp == nil {
		return codeOK
	}
	if !strings.HasPrefix(mp.AppID, "wx") || len(mp.AppID) != 18 {
		return codeOutInvalidWeappAppID
	}
	if strings.ContainsAny(mp.PagePath, " \t\r\n") {
		return codeOutInvalidWeappPagepath
	}
	return codeOK
}

// serveTemplateSend answers message/template/send: the template must be the account's,
// every data key one of its placeholders (47003 otherwise); a client_msg_id seen within
// 24 h returns the earlier msgid without sending again (sandbox choice). The message
// lands in the user's inbox under ChannelTemplate and TEMPLATESENDJOBFINISH is pushed.
func (s *Sandbox) serveTemplateSend(c *apiCall) answer {
	var b struct {
		ToUser      string       `json:"touser"`
		TemplateID  string       `json:"template_id"`
		URL         string       `json:"url"`
		MiniProgram *miniProgram `json:"miniprogram"`
		ClientMsgID string       `json:"client_msg_id"`
		Data        templateData `json:"data"`
	}
	if code := c.decode(&b); code != codeOK {
		return fail(code)
	}
	if b.ToUser == "" || !c.a.knownRecipient(b.ToUser) {
		return fail(codeInvalidOpenID)
	}
	follower, blacklisted := c.a.recipient(b.ToUser)
	switch {
	case !follower:
		return fail(codeOutRequireSubscribe)
	case blacklisted:
		return failRequireRemoveBlacklist()
	}
	t := &c.a.outbound.templates
	pt, ok := t.templates[b.TemplateID]
	if !ok {
		return fail(codeOutInvalidTemplateID)
	}
	keys := make(map[string]bool)
	for _, m := range placeholder.FindAllStringSubmatch(pt.content, -1) {
		keys[m[1]] = true
	}
	for k := range b.Data {
		if !keys[k] {
			return answer{errcode: codeOutArgumentInvalid, errmsg: "argument invalid! data." + k + " is not in the template"}
		}
	}
	if code := checkMiniProgram(b.MiniProgram); code != codeOK {
		return fail(code)
	}
	if b.ClientMsgID != "" {
		if prev, ok := t.clientMsgIDs[b.ClientMsgID]; ok && c.now.Sub(prev.at) < clientMsgIDTemplate {
			return succeed(msgIDAnswer{Errcode: 0, Errmsg: "ok", MsgID: prev.msgID})
		}
	}
	s.msgID++
	msgID := s.msgID
	if b.ClientMsgID != "" {
		if t.clientMsgIDs == nil {
			t.clientMsgIDs = make(map[string]templateSent)
		}
		t.clientMsgIDs[b.ClientMsgID] = templateSent{msgID: msgID, at: c.now}
	}
	status := templateStatusOK
	if t.blocked[b.ToUser] {
		status = templateStatusBlock
	} else {
		c.a.receive(b.ToUser, c.now, ChannelTemplate, "template", c.body)
	}
	s.pushPlatformEvent(c.a, b.ToUser, Event{Event: "TEMPLATESENDJOBFINISH",
		Fields: map[string]string{"MsgID": strconv.FormatInt(msgID, 10), "Status": status}})
	return succeed(msgIDAnswer{Errcode: 0, Errmsg: "ok", MsgID: msgID})
}

// msgIDAnswer is {"errcode","errmsg","msgid"}.
type msgIDAnswer struct {
	Errcode int    `json:"errcode"`
	Errmsg  string `json:"errmsg"`
	MsgID   int64  `json:"msgid"`
}

// SetReceiveBlocked makes the user openID of the account appID switch off (blocked true)
// or on receiving the account's messages: template sends to them then finish with
// "failed:user block" and custom, subscribe and mass sends skip them (custom send gets
// 48002). The error wraps [ErrUnknownAccount] or [ErrUnknownUser].
func (s *Sandbox) SetReceiveBlocked(appID, openID string, blocked bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	if !a.knownRecipient(openID) {
		return unknownUser(appID, openID)
	}
	t := &a.outbound.templates
	if t.blocked == nil {
		t.blocked = make(map[string]bool)
	}
	if blocked {
		t.blocked[openID] = true
	} else {
		delete(t.blocked, openID)
	}
	return nil
}
