package messaging

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

func textReply(s string) *messagingv1.PassiveReply {
	return &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_Text{Text: &messagingv1.PassiveTextReply{Content: s}}}
}

func newsReply(n int) *messagingv1.PassiveReply {
	arts := make([]*messagingv1.PassiveNewsArticle, n)
	for i := range arts {
		arts[i] = &messagingv1.PassiveNewsArticle{Title: "t", Url: "https://example.com/a"}
	}
	return &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_News{News: &messagingv1.PassiveNewsReply{Articles: arts}}}
}

func kw(m messagingv1.KeywordMatch, p string, fold bool, reply string) *messagingv1.KeywordRule {
	return &messagingv1.KeywordRule{Match: m, Pattern: p, IgnoreCase: fold, Reply: textReply(reply)}
}

const (
	exact    = messagingv1.KeywordMatch_KEYWORD_MATCH_EXACT
	contains = messagingv1.KeywordMatch_KEYWORD_MATCH_CONTAINS
	regex    = messagingv1.KeywordMatch_KEYWORD_MATCH_REGEX
)

func TestCompileRulesRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		give      *messagingv1.ReplyRules
		wantField string
	}{
		{"reply without type", &messagingv1.ReplyRules{Welcome: &messagingv1.PassiveReply{}}, "rules.welcome"},
		{"empty text", &messagingv1.ReplyRules{DefaultReply: textReply("")}, "rules.default_reply.text.content"},
		{"long text", &messagingv1.ReplyRules{DefaultReply: textReply(strings.Repeat("x", 2049))}, "rules.default_reply.text.content"},
		{"news of 2 answers a message", &messagingv1.ReplyRules{DefaultReply: newsReply(2)}, "rules.default_reply.news.articles"},
		{"news of 9 to an event", &messagingv1.ReplyRules{Welcome: newsReply(9)}, "rules.welcome.news.articles"},
		{"news without title", &messagingv1.ReplyRules{Welcome: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_News{News: &messagingv1.PassiveNewsReply{
			Articles: []*messagingv1.PassiveNewsArticle{{Title: "a"}, {}}}}}}, "rules.welcome.news.articles[1].title"},
		{"music without thumb", &messagingv1.ReplyRules{Welcome: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_Music{Music: &messagingv1.PassiveMusicReply{Title: "m"}}}}, "rules.welcome.music.thumb_media_id"},
		{"image without media", &messagingv1.ReplyRules{Welcome: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_Image{Image: &messagingv1.PassiveMediaReply{}}}}, "rules.welcome.image.media_id"},
		{"bad kf account", &messagingv1.ReplyRules{Welcome: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_TransferCustomerService{
			TransferCustomerService: &messagingv1.PassiveTransferReply{KfAccount: "nobody"}}}}, "rules.welcome.transfer_customer_service.kf_account"},
		{"keyword without match", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(exact, "a", false, "x"), {Pattern: "b", Reply: textReply("y")}}}, "rules.keyword_rules[1].match"},
		{"blank keyword", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(contains, "  ", false, "x")}}, "rules.keyword_rules[0].pattern"},
		{"long keyword", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(contains, strings.Repeat("a", 513), false, "x")}}, "rules.keyword_rules[0].pattern"},
		{"bad regex", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(regex, "a(b", false, "x")}}, "rules.keyword_rules[0].pattern"},
		{"huge regex", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(regex, "(a{1,1000}b{1,1000}){1,5}", false, "x")}}, "rules.keyword_rules[0].pattern"},
		{"keyword reply missing", &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{{Match: exact, Pattern: "a"}}}, "rules.keyword_rules[0].reply"},
		{"too many keywords", &messagingv1.ReplyRules{KeywordRules: func() []*messagingv1.KeywordRule {
			r := make([]*messagingv1.KeywordRule, 201)
			for i := range r {
				r[i] = kw(exact, "k", false, "x")
			}
			return r
		}()}, "rules.keyword_rules"},
		{"duplicate click key", &messagingv1.ReplyRules{ClickRules: []*messagingv1.ClickRule{{EventKey: "K", Reply: textReply("a")}, {EventKey: "K", Reply: textReply("b")}}}, "rules.click_rules[1].event_key"},
		{"long click key", &messagingv1.ReplyRules{ClickRules: []*messagingv1.ClickRule{{EventKey: strings.Repeat("k", 129), Reply: textReply("a")}}}, "rules.click_rules[0].event_key"},
		{"scene with prefix", &messagingv1.ReplyRules{SceneRules: []*messagingv1.SceneRule{{Scene: "qrscene_1", Reply: textReply("a")}}}, "rules.scene_rules[0].scene"},
		{"scene reply news of 9", &messagingv1.ReplyRules{SceneRules: []*messagingv1.SceneRule{{Scene: "1", Reply: newsReply(9)}}}, "rules.scene_rules[0].reply.news.articles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := compileRules(tt.give)
			var arg *ArgumentError
			if !errors.As(err, &arg) {
				t.Fatalf("err = %v, want an ArgumentError", err)
			}
			if arg.Field != tt.wantField {
				t.Errorf("field = %q (%v), want %q", arg.Field, err, tt.wantField)
			}
		})
	}
}

// TestRulePrecedence is the precedence table of ReplyRules' doc comment.
func TestRulePrecedence(t *testing.T) {
	t.Parallel()
	rules, err := compileRules(&messagingv1.ReplyRules{
		Welcome:      textReply("welcome"),
		DefaultReply: textReply("default"),
		KeywordRules: []*messagingv1.KeywordRule{
			kw(contains, "price", false, "contains price"),
			kw(regex, `^order\s+\d+$`, false, "regex order"),
			kw(exact, "price list", false, "exact price list"),
			kw(exact, "HELLO", true, "exact hello folded"),
			kw(contains, "WORLD", true, "contains world folded"),
			kw(exact, "hello", false, "exact hello (later: loses to the folded one)"),
			kw(regex, `(?s).*`, false, "regex catch-all"),
		},
		ClickRules: []*messagingv1.ClickRule{{EventKey: "MENU_A", Reply: textReply("click a")}},
		SceneRules: []*messagingv1.SceneRule{{Scene: "42", Reply: textReply("scene 42")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	text := func(s string) *messagingv1.Event {
		return &messagingv1.Event{MsgType: "text", Payload: &messagingv1.Event_Text{Text: &messagingv1.TextMessage{Content: s}}}
	}
	event := func(p any) *messagingv1.Event {
		ev := &messagingv1.Event{MsgType: "event"}
		switch x := p.(type) {
		case *messagingv1.Event_Subscribe:
			ev.Payload = x
		case *messagingv1.Event_Scan:
			ev.Payload = x
		case *messagingv1.Event_Click:
			ev.Payload = x
		case *messagingv1.Event_LocationReport:
			ev.Payload = x
		}
		return ev
	}
	tests := []struct {
		name       string
		give       *messagingv1.Event
		wantReply  string // "" = no rule reply
		wantSource string
	}{
		{"exact beats an earlier contains", text("price list"), "exact price list", "keyword"},
		{"exact ignores surrounding spaces", text("  price list "), "exact price list", "keyword"},
		{"contains in list order", text("what is the price?"), "contains price", "keyword"},
		{"regex", text("order 12"), "regex order", "keyword"},
		{"folded exact", text("hello"), "exact hello folded", "keyword"},
		{"folded contains", text("Hello World!"), "contains world folded", "keyword"},
		{"catch-all regex before default", text("anything"), "regex catch-all", "keyword"},
		{"voice recognition matches keywords", &messagingv1.Event{MsgType: "voice", Payload: &messagingv1.Event_Voice{Voice: &messagingv1.VoiceMessage{Recognition: "price?"}}}, "contains price", "keyword"},
		{"voice without recognition: default", &messagingv1.Event{MsgType: "voice", Payload: &messagingv1.Event_Voice{Voice: &messagingv1.VoiceMessage{}}}, "default", "default"},
		{"image: default", &messagingv1.Event{MsgType: "image", Payload: &messagingv1.Event_Image{Image: &messagingv1.ImageMessage{}}}, "default", "default"},
		{"unknown message type: default", &messagingv1.Event{MsgType: "miniprogrampage"}, "default", "default"},
		{"subscribe: welcome", event(&messagingv1.Event_Subscribe{Subscribe: &messagingv1.SubscribeEvent{}}), "welcome", "welcome"},
		{"subscribe with scene rule", event(&messagingv1.Event_Subscribe{Subscribe: &messagingv1.SubscribeEvent{Scene: "42"}}), "scene 42", "scene"},
		{"subscribe with unknown scene: welcome", event(&messagingv1.Event_Subscribe{Subscribe: &messagingv1.SubscribeEvent{Scene: "7"}}), "welcome", "welcome"},
		{"SCAN with scene rule", event(&messagingv1.Event_Scan{Scan: &messagingv1.ScanEvent{EventKey: "42"}}), "scene 42", "scene"},
		{"SCAN without rule: nothing (no welcome)", event(&messagingv1.Event_Scan{Scan: &messagingv1.ScanEvent{EventKey: "7"}}), "", ""},
		{"CLICK rule", event(&messagingv1.Event_Click{Click: &messagingv1.MenuClickEvent{EventKey: "MENU_A"}}), "click a", "click"},
		{"CLICK unknown key: nothing (no default for events)", event(&messagingv1.Event_Click{Click: &messagingv1.MenuClickEvent{EventKey: "X"}}), "", ""},
		{"LOCATION: nothing", event(&messagingv1.Event_LocationReport{LocationReport: &messagingv1.LocationEvent{}}), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, source := rules.match(tt.give)
			if tt.wantReply == "" {
				if got != nil {
					t.Fatalf("reply %q, want none", got.reply.GetText().GetContent())
				}
				return
			}
			if got == nil {
				t.Fatalf("no reply, want %q", tt.wantReply)
			}
			if c := got.reply.GetText().GetContent(); c != tt.wantReply || source != tt.wantSource {
				t.Errorf("reply %q from %s, want %q from %s", c, source, tt.wantReply, tt.wantSource)
			}
		})
	}
	if got, _ := emptyRules.match(text("x")); got != nil {
		t.Error("empty rules answered")
	}
}

// TestReplyXML renders every reply type and reads it back: well-formed XML, the
// elements of facts §2.3, and "]]>" in text survives CDATA.
func TestReplyXML(t *testing.T) {
	t.Parallel()
	tricky := "a ]]> b <c> & \x01"
	replies := allReplyTypes(tricky)
	for name, r := range replies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if err := checkPassiveReply("reply", r, maxArticlesEvent); err != nil {
				t.Fatal(err)
			}
			out := appendReplyXML(nil, "o_user"+tricky, "gh_x", 1700000000, appendReplyBody(nil, r))
			var got struct {
				XMLName      xml.Name `xml:"xml"`
				ToUserName   string
				FromUserName string
				CreateTime   int64
				MsgType      string
				Content      string
				Image        struct{ MediaId string }    //nolint:revive // WeChat's element name
				Video        struct{ Title string }      //nolint:revive // WeChat's element name
				Music        struct{ HQMusicUrl string } //nolint:revive // WeChat's element name
				ArticleCount int
				Articles     []struct {
					Title string
				} `xml:"Articles>item"`
				KfAccount string `xml:"TransInfo>KfAccount"`
			}
			d := xml.NewDecoder(strings.NewReader(string(out)))
			d.Strict = true
			if err := d.Decode(&got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			want := strings.ReplaceAll(tricky, "\x01", "\uFFFD")
			if got.ToUserName != "o_user"+want || got.FromUserName != "gh_x" || got.CreateTime != 1700000000 || got.MsgType != name {
				t.Errorf("header = %+v", got)
			}
			switch name {
			case "text":
				eq(t, "Content", got.Content, want)
			case "image":
				eq(t, "MediaId", got.Image.MediaId, "m1")
			case "video":
				eq(t, "Title", got.Video.Title, want)
			case "music":
				eq(t, "HQMusicUrl", got.Music.HQMusicUrl, "https://hq")
			case "news":
				eq(t, "ArticleCount", got.ArticleCount, 2)
				eq(t, "articles", len(got.Articles), 2)
				eq(t, "title", got.Articles[1].Title, want)
			case "transfer_customer_service":
				eq(t, "KfAccount", got.KfAccount, "kf1@test")
			}
		})
	}
}

// allReplyTypes returns one reply of every passive type, text fields set to s.
func allReplyTypes(s string) map[string]*messagingv1.PassiveReply {
	return map[string]*messagingv1.PassiveReply{
		"text":  textReply(s),
		"image": {Reply: &messagingv1.PassiveReply_Image{Image: &messagingv1.PassiveMediaReply{MediaId: "m1"}}},
		"voice": {Reply: &messagingv1.PassiveReply_Voice{Voice: &messagingv1.PassiveMediaReply{MediaId: "m2"}}},
		"video": {Reply: &messagingv1.PassiveReply_Video{Video: &messagingv1.PassiveVideoReply{MediaId: "m3", Title: s, Description: "d", ThumbMediaId: "th"}}},
		"music": {Reply: &messagingv1.PassiveReply_Music{Music: &messagingv1.PassiveMusicReply{Title: s, MusicUrl: "https://m", HqMusicUrl: "https://hq", ThumbMediaId: "th"}}},
		"news": {Reply: &messagingv1.PassiveReply_News{News: &messagingv1.PassiveNewsReply{Articles: []*messagingv1.PassiveNewsArticle{
			{Title: "one", Description: s, PicUrl: "https://p", Url: "https://u?a=1&b=2"}, {Title: s}}}}},
		"transfer_customer_service": {Reply: &messagingv1.PassiveReply_TransferCustomerService{TransferCustomerService: &messagingv1.PassiveTransferReply{KfAccount: "kf1@test"}}},
	}
}

// FuzzKeywordRegex: any pattern either compiles within the bounds or is refused with an
// ArgumentError; never a panic.
func FuzzKeywordRegex(f *testing.F) {
	for _, s := range []string{"a", "(a|b)*c", "a{1000}", "[", `\p{Han}+`, "(?i)x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c, err := compileRules(&messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{kw(regex, p, false, "x")}})
		var arg *ArgumentError
		if err != nil && !errors.As(err, &arg) {
			t.Fatalf("err %v is not an ArgumentError", err)
		}
		if err == nil {
			c.matchText(p)
		}
	})
}

// FuzzReplyXML: whatever text a reply carries, the reply XML parses (strictly) and gives
// the text back, "]]>" included; characters XML cannot carry become U+FFFD.
func FuzzReplyXML(f *testing.F) {
	for _, s := range []string{"hello", "]]>", "a]]]]>b", "<![CDATA[x]]>", "\x00\x01\ufffe", "你好\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // proto strings are valid UTF-8
		}
		out := appendReplyXML(nil, "o1", "gh_1", 1, appendReplyBody(nil, textReply(s)))
		var got struct {
			Content string
		}
		d := xml.NewDecoder(strings.NewReader(string(out)))
		d.Strict = true
		if err := d.Decode(&got); err != nil {
			t.Fatalf("%v: %q", err, out)
		}
		want := strings.Map(func(r rune) rune {
			if r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 {
				return r
			}
			return utf8.RuneError
		}, s)
		want = strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "\n") // XML end-of-line handling
		if got.Content != want {
			t.Fatalf("Content %q, want %q", got.Content, want)
		}
	})
}
