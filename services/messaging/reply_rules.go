package messaging

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// Bounds of a rule set. The platform documents none for wxsuite's own rules; these keep
// one account's rules small enough to match on the callback's hot path.
const (
	maxKeywordRules    = 200
	maxClickRules      = 200
	maxSceneRules      = 200
	maxPatternBytes    = 512
	maxRegexInsts      = 4096 // compiled program size of one regular expression
	maxClickKeyBytes   = 128  // a menu button key is at most 128 bytes (facts.md, menus)
	maxSceneBytes      = 64   // scene_str is 1 to 64 characters
	maxTextReplyBytes  = 2048 // wxsuite choice: the platform states no limit (behaviour Q8)
	maxMediaIDBytes    = 256
	maxReplyTitleBytes = 256
	maxReplyDescBytes  = 2048
	maxReplyURLBytes   = 1024
	maxKfAccountBytes  = 128
	// Articles of a news reply: 1 when answering a user's message, up to 8 when
	// answering an event (facts §2.3).
	maxArticlesMessage = 1
	maxArticlesEvent   = 8
)

// checkPassiveReply validates a reply at path; maxArticles bounds a news reply. Errors
// are *ArgumentError naming the field path.
func checkPassiveReply(path string, r *messagingv1.PassiveReply, maxArticles int) error {
	str := func(field, v string, minLen, maxLen int) error {
		switch {
		case len(v) < minLen:
			return &ArgumentError{Field: path + "." + field, Reason: "is required"}
		case len(v) > maxLen:
			return &ArgumentError{Field: path + "." + field, Reason: fmt.Sprintf("is %d bytes, at most %d", len(v), maxLen)}
		case !utf8.ValidString(v):
			return &ArgumentError{Field: path + "." + field, Reason: "is not valid UTF-8"}
		}
		return nil
	}
	switch x := r.GetReply().(type) {
	case *messagingv1.PassiveReply_Text:
		return str("text.content", x.Text.GetContent(), 1, maxTextReplyBytes)
	case *messagingv1.PassiveReply_Image:
		return str("image.media_id", x.Image.GetMediaId(), 1, maxMediaIDBytes)
	case *messagingv1.PassiveReply_Voice:
		return str("voice.media_id", x.Voice.GetMediaId(), 1, maxMediaIDBytes)
	case *messagingv1.PassiveReply_Video:
		v := x.Video
		for _, err := range []error{
			str("video.media_id", v.GetMediaId(), 1, maxMediaIDBytes),
			str("video.title", v.GetTitle(), 0, maxReplyTitleBytes),
			str("video.description", v.GetDescription(), 0, maxReplyDescBytes),
			str("video.thumb_media_id", v.GetThumbMediaId(), 0, maxMediaIDBytes),
		} {
			if err != nil {
				return err
			}
		}
	case *messagingv1.PassiveReply_Music:
		m := x.Music
		for _, err := range []error{
			str("music.title", m.GetTitle(), 0, maxReplyTitleBytes),
			str("music.description", m.GetDescription(), 0, maxReplyDescBytes),
			str("music.music_url", m.GetMusicUrl(), 0, maxReplyURLBytes),
			str("music.hq_music_url", m.GetHqMusicUrl(), 0, maxReplyURLBytes),
			str("music.thumb_media_id", m.GetThumbMediaId(), 1, maxMediaIDBytes),
		} {
			if err != nil {
				return err
			}
		}
	case *messagingv1.PassiveReply_News:
		arts := x.News.GetArticles()
		if len(arts) == 0 || len(arts) > maxArticles {
			return &ArgumentError{Field: path + ".news.articles", Reason: fmt.Sprintf("has %d articles, want 1 to %d here (the platform allows 1 in answer to a user's message, 8 to an event)", len(arts), maxArticles)}
		}
		for i, a := range arts {
			p := fmt.Sprintf("news.articles[%d]", i)
			for _, err := range []error{
				str(p+".title", a.GetTitle(), 1, maxReplyTitleBytes),
				str(p+".description", a.GetDescription(), 0, maxReplyDescBytes),
				str(p+".pic_url", a.GetPicUrl(), 0, maxReplyURLBytes),
				str(p+".url", a.GetUrl(), 0, maxReplyURLBytes),
			} {
				if err != nil {
					return err
				}
			}
		}
	case *messagingv1.PassiveReply_TransferCustomerService:
		kf := x.TransferCustomerService.GetKfAccount()
		if err := str("transfer_customer_service.kf_account", kf, 0, maxKfAccountBytes); err != nil {
			return err
		}
		if kf != "" && !strings.Contains(kf, "@") {
			return &ArgumentError{Field: path + ".transfer_customer_service.kf_account", Reason: `must be a customer-service account "name@wxid"`}
		}
	default:
		return &ArgumentError{Field: path, Reason: "must set exactly one reply type (text, image, voice, video, music, news, transfer_customer_service)"}
	}
	return nil
}

// replyTemplate is a validated reply with its XML body pre-rendered (everything after
// CreateTime), so that the hot path only adds the header.
type replyTemplate struct {
	reply *messagingv1.PassiveReply
	body  []byte
}

func newReplyTemplate(r *messagingv1.PassiveReply) *replyTemplate {
	return &replyTemplate{reply: r, body: appendReplyBody(nil, r)}
}

// textMatcher is a contains or regex keyword rule.
type textMatcher struct {
	index    int
	contains string // lower-cased when fold
	fold     bool
	re       *regexp.Regexp
	t        *replyTemplate
}

// compiledRules is a ReplyRules ready to match.
type compiledRules struct {
	src       *messagingv1.ReplyRules
	welcome   *replyTemplate
	def       *replyTemplate
	exact     map[string]indexedReply // by trimmed pattern
	exactFold map[string]indexedReply // by lower-cased trimmed pattern
	others    []textMatcher           // contains and regex rules, in list order
	clicks    map[string]*replyTemplate
	scenes    map[string]*replyTemplate
}

type indexedReply struct {
	index int
	t     *replyTemplate
}

// emptyRules match nothing.
var emptyRules = &compiledRules{src: &messagingv1.ReplyRules{}}

// compileRules validates rules and prepares them for matching. Errors are
// *ArgumentError whose field path starts with "rules".
func compileRules(rules *messagingv1.ReplyRules) (*compiledRules, error) {
	if rules == nil {
		return emptyRules, nil
	}
	c := &compiledRules{src: rules, exact: map[string]indexedReply{}, exactFold: map[string]indexedReply{},
		clicks: map[string]*replyTemplate{}, scenes: map[string]*replyTemplate{}}
	if w := rules.GetWelcome(); w != nil {
		if err := checkPassiveReply("rules.welcome", w, maxArticlesEvent); err != nil {
			return nil, err
		}
		c.welcome = newReplyTemplate(w)
	}
	if d := rules.GetDefaultReply(); d != nil {
		if err := checkPassiveReply("rules.default_reply", d, maxArticlesMessage); err != nil {
			return nil, err
		}
		c.def = newReplyTemplate(d)
	}
	if n := len(rules.GetKeywordRules()); n > maxKeywordRules {
		return nil, &ArgumentError{Field: "rules.keyword_rules", Reason: fmt.Sprintf("has %d rules, at most %d", n, maxKeywordRules)}
	}
	for i, k := range rules.GetKeywordRules() {
		path := fmt.Sprintf("rules.keyword_rules[%d]", i)
		p := k.GetPattern()
		switch {
		case p == "" || (k.GetMatch() != messagingv1.KeywordMatch_KEYWORD_MATCH_REGEX && strings.TrimSpace(p) == ""):
			return nil, &ArgumentError{Field: path + ".pattern", Reason: "is required"}
		case len(p) > maxPatternBytes:
			return nil, &ArgumentError{Field: path + ".pattern", Reason: fmt.Sprintf("is %d bytes, at most %d", len(p), maxPatternBytes)}
		}
		if err := checkPassiveReply(path+".reply", k.GetReply(), maxArticlesMessage); err != nil {
			return nil, err
		}
		t := newReplyTemplate(k.GetReply())
		switch k.GetMatch() {
		case messagingv1.KeywordMatch_KEYWORD_MATCH_EXACT:
			key := strings.TrimSpace(p)
			m := c.exact
			if k.GetIgnoreCase() {
				key, m = strings.ToLower(key), c.exactFold
			}
			if _, dup := m[key]; !dup {
				m[key] = indexedReply{index: i, t: t}
			}
		case messagingv1.KeywordMatch_KEYWORD_MATCH_CONTAINS:
			m := textMatcher{index: i, contains: p, fold: k.GetIgnoreCase(), t: t}
			if m.fold {
				m.contains = strings.ToLower(p)
			}
			c.others = append(c.others, m)
		case messagingv1.KeywordMatch_KEYWORD_MATCH_REGEX:
			re, err := compileBoundedRegexp(p, k.GetIgnoreCase())
			if err != nil {
				return nil, &ArgumentError{Field: path + ".pattern", Reason: err.Error()}
			}
			c.others = append(c.others, textMatcher{index: i, re: re, t: t})
		default:
			return nil, &ArgumentError{Field: path + ".match", Reason: "must be KEYWORD_MATCH_EXACT, KEYWORD_MATCH_CONTAINS or KEYWORD_MATCH_REGEX"}
		}
	}
	if n := len(rules.GetClickRules()); n > maxClickRules {
		return nil, &ArgumentError{Field: "rules.click_rules", Reason: fmt.Sprintf("has %d rules, at most %d", n, maxClickRules)}
	}
	for i, r := range rules.GetClickRules() {
		path := fmt.Sprintf("rules.click_rules[%d]", i)
		k := r.GetEventKey()
		switch {
		case k == "":
			return nil, &ArgumentError{Field: path + ".event_key", Reason: "is required"}
		case len(k) > maxClickKeyBytes:
			return nil, &ArgumentError{Field: path + ".event_key", Reason: fmt.Sprintf("is %d bytes, at most %d", len(k), maxClickKeyBytes)}
		}
		if _, dup := c.clicks[k]; dup {
			return nil, &ArgumentError{Field: path + ".event_key", Reason: fmt.Sprintf("%q appears twice", k)}
		}
		if err := checkPassiveReply(path+".reply", r.GetReply(), maxArticlesEvent); err != nil {
			return nil, err
		}
		c.clicks[k] = newReplyTemplate(r.GetReply())
	}
	if n := len(rules.GetSceneRules()); n > maxSceneRules {
		return nil, &ArgumentError{Field: "rules.scene_rules", Reason: fmt.Sprintf("has %d rules, at most %d", n, maxSceneRules)}
	}
	for i, r := range rules.GetSceneRules() {
		path := fmt.Sprintf("rules.scene_rules[%d]", i)
		sc := r.GetScene()
		switch {
		case sc == "":
			return nil, &ArgumentError{Field: path + ".scene", Reason: "is required"}
		case len(sc) > maxSceneBytes:
			return nil, &ArgumentError{Field: path + ".scene", Reason: fmt.Sprintf("is %d bytes, at most %d", len(sc), maxSceneBytes)}
		case strings.HasPrefix(sc, "qrscene_"):
			return nil, &ArgumentError{Field: path + ".scene", Reason: `is the scene value without the "qrscene_" prefix`}
		}
		if _, dup := c.scenes[sc]; dup {
			return nil, &ArgumentError{Field: path + ".scene", Reason: fmt.Sprintf("%q appears twice", sc)}
		}
		if err := checkPassiveReply(path+".reply", r.GetReply(), maxArticlesEvent); err != nil {
			return nil, err
		}
		c.scenes[sc] = newReplyTemplate(r.GetReply())
	}
	return c, nil
}

// compileBoundedRegexp compiles a keyword regular expression (RE2: linear-time matching)
// and refuses one whose compiled program is larger than maxRegexInsts.
func compileBoundedRegexp(pattern string, fold bool) (*regexp.Regexp, error) {
	flags := syntax.Perl
	if fold {
		flags |= syntax.FoldCase
	}
	parsed, err := syntax.Parse(pattern, flags)
	if err != nil {
		return nil, fmt.Errorf("is not a valid regular expression: %w", err)
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil, fmt.Errorf("is not a valid regular expression: %w", err)
	}
	if len(prog.Inst) > maxRegexInsts {
		return nil, fmt.Errorf("is too complex (%d instructions compiled, at most %d)", len(prog.Inst), maxRegexInsts)
	}
	if fold {
		pattern = "(?i)" + pattern
	}
	return regexp.Compile(pattern)
}

// match returns the rule reply for ev and what chose it, or nil.
func (c *compiledRules) match(ev *messagingv1.Event) (*replyTemplate, string) {
	switch p := ev.GetPayload().(type) {
	case *messagingv1.Event_Subscribe:
		if sc := p.Subscribe.GetScene(); sc != "" {
			if t, ok := c.scenes[sc]; ok {
				return t, "scene"
			}
		}
		if c.welcome != nil {
			return c.welcome, "welcome"
		}
		return nil, ""
	case *messagingv1.Event_Scan:
		if t, ok := c.scenes[p.Scan.GetEventKey()]; ok {
			return t, "scene"
		}
		return nil, ""
	case *messagingv1.Event_Click:
		if t, ok := c.clicks[p.Click.GetEventKey()]; ok {
			return t, "click"
		}
		return nil, ""
	case *messagingv1.Event_Text:
		if t := c.matchText(p.Text.GetContent()); t != nil {
			return t, "keyword"
		}
	case *messagingv1.Event_Voice:
		if rec := p.Voice.GetRecognition(); rec != "" {
			if t := c.matchText(rec); t != nil {
				return t, "keyword"
			}
		}
	}
	if ev.GetMsgType() == "event" || c.def == nil {
		return nil, ""
	}
	return c.def, "default"
}

// matchText applies the keyword rules: an exact rule first, else the first contains or
// regex rule in list order.
func (c *compiledRules) matchText(text string) *replyTemplate {
	if len(c.exact) == 0 && len(c.exactFold) == 0 && len(c.others) == 0 {
		return nil
	}
	trimmed := strings.TrimSpace(text)
	var best *indexedReply
	if r, ok := c.exact[trimmed]; ok {
		best = &r
	}
	var lower string
	lowered := false
	if len(c.exactFold) > 0 {
		lower, lowered = strings.ToLower(trimmed), true
		if r, ok := c.exactFold[lower]; ok && (best == nil || r.index < best.index) {
			best = &r
		}
	}
	if best != nil {
		return best.t
	}
	for i := range c.others {
		m := &c.others[i]
		switch {
		case m.re != nil:
			if m.re.MatchString(text) {
				return m.t
			}
		case m.fold:
			if !lowered {
				lower, lowered = strings.ToLower(trimmed), true
			}
			if strings.Contains(lower, m.contains) {
				return m.t
			}
		default:
			if strings.Contains(text, m.contains) {
				return m.t
			}
		}
	}
	return nil
}

// maxArticlesFor is the news article limit of a reply to ev.
func maxArticlesFor(ev *messagingv1.Event) int {
	if ev.GetMsgType() == "event" {
		return maxArticlesEvent
	}
	return maxArticlesMessage
}
