package sandbox

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxNewsArticles is the most articles a passive news reply may carry. The current
// official doc allows 1 in answer to a user's message and 8 otherwise (facts.md §2.3,
// recalled, not re-fetched); the sandbox accepts 1 to 8 in every case.
const maxNewsArticles = 8

// replyEnvelope is the encrypted reply envelope (facts.md §2.0).
type replyEnvelope struct {
	XMLName      xml.Name
	Encrypt      *string `xml:"Encrypt"`
	MsgSignature string  `xml:"MsgSignature"`
	TimeStamp    string  `xml:"TimeStamp"`
	Nonce        string  `xml:"Nonce"`
}

// mediaRef is the <Image>, <Voice> or <Video> element of a reply.
type mediaRef struct {
	MediaID string `xml:"MediaId"`
}

// passiveReply is a passive reply message (facts.md §2.3).
type passiveReply struct {
	XMLName      xml.Name
	ToUserName   string    `xml:"ToUserName"`
	FromUserName string    `xml:"FromUserName"`
	CreateTime   *string   `xml:"CreateTime"`
	MsgType      string    `xml:"MsgType"`
	Content      *string   `xml:"Content"`
	Image        *mediaRef `xml:"Image"`
	Voice        *mediaRef `xml:"Voice"`
	Video        *mediaRef `xml:"Video"`
	Music        *struct {
		ThumbMediaID string `xml:"ThumbMediaId"`
	} `xml:"Music"`
	ArticleCount *string `xml:"ArticleCount"`
	Articles     *struct {
		Items []struct {
			Title string `xml:"Title"`
		} `xml:"item"`
	} `xml:"Articles"`
}

// decodeDoc decodes one XML document into v and requires nothing but white space after
// it.
func decodeDoc(data []byte, v any) error {
	d := xml.NewDecoder(strings.NewReader(string(data)))
	if err := d.Decode(v); err != nil {
		return err
	}
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if strings.TrimSpace(string(t)) != "" {
				return errors.New("text after the document")
			}
		case xml.Comment, xml.ProcInst:
		default:
			return errors.New("content after the document")
		}
	}
}

// validateAnswer checks the answer (HTTP status and body) to a push of a's as the
// platform does. It returns the plaintext reply and its MsgType when the answer is a
// valid passive reply, nothing when it acknowledges the push without replying (an empty
// body or exactly "success": the platform does not trim), and a reason when the platform
// would reject it (the user then sees "该公众号暂时无法提供服务").
func validateAnswer(a Account, openID string, status int, body []byte) (reply, msgType, reason string) {
	switch {
	case status != http.StatusOK:
		return "", "", fmt.Sprintf("HTTP status %d, want 200", status)
	case len(body) > maxReplyBody:
		return "", "", "answer larger than 1 MiB"
	case isEmptyAck(body):
		return "", "", ""
	}
	plain := body
	var env replyEnvelope
	if err := decodeDoc(body, &env); err != nil {
		return "", "", "answer is not XML: " + err.Error()
	}
	if env.XMLName.Local != "xml" {
		return "", "", fmt.Sprintf("root element <%s>, want <xml>", env.XMLName.Local)
	}
	switch {
	case a.EncryptMode == EncryptSafe && env.Encrypt == nil:
		return "", "", "safe mode: the reply is not the encrypted envelope (no Encrypt)"
	case a.EncryptMode.encrypted() && env.Encrypt != nil:
		var err error
		if plain, err = openEnvelope(a, &env); err != nil {
			return "", "", err.Error()
		}
	}
	msgType, reason = checkPassiveReply(a, openID, plain)
	if reason != "" {
		return "", "", reason
	}
	return string(plain), msgType, ""
}

// openEnvelope checks the envelope's signature and decrypts it.
func openEnvelope(a Account, env *replyEnvelope) ([]byte, error) {
	switch {
	case *env.Encrypt == "":
		return nil, errors.New("encrypted reply: Encrypt is empty")
	case env.MsgSignature == "" || env.TimeStamp == "" || env.Nonce == "":
		return nil, errors.New("encrypted reply: MsgSignature, TimeStamp and Nonce are required")
	}
	if _, err := strconv.ParseInt(env.TimeStamp, 10, 64); err != nil {
		return nil, fmt.Errorf("encrypted reply: TimeStamp %q is not an integer", env.TimeStamp)
	}
	if want := Signature(a.CallbackToken, env.TimeStamp, env.Nonce, *env.Encrypt); env.MsgSignature != want {
		return nil, fmt.Errorf("encrypted reply: bad MsgSignature %q", env.MsgSignature)
	}
	plain, err := DecryptMessage(a.EncodingAESKey, a.AppID, *env.Encrypt)
	if err != nil {
		return nil, fmt.Errorf("encrypted reply: %w", err)
	}
	return plain, nil
}

// checkPassiveReply validates a plaintext passive reply and returns its MsgType, or why
// it is invalid.
func checkPassiveReply(a Account, openID string, data []byte) (msgType, reason string) {
	var r passiveReply
	if err := decodeDoc(data, &r); err != nil {
		return "", "reply is not XML: " + err.Error()
	}
	switch {
	case r.XMLName.Local != "xml":
		return "", fmt.Sprintf("reply root element <%s>, want <xml>", r.XMLName.Local)
	case r.ToUserName != openID:
		return "", fmt.Sprintf("reply ToUserName %q, want the user %q", r.ToUserName, openID)
	case r.FromUserName != a.OriginalID:
		return "", fmt.Sprintf("reply FromUserName %q, want the account's original id %q", r.FromUserName, a.OriginalID)
	case r.CreateTime == nil:
		return "", "reply has no CreateTime"
	}
	if _, err := strconv.ParseInt(strings.TrimSpace(*r.CreateTime), 10, 64); err != nil {
		return "", fmt.Sprintf("reply CreateTime %q is not an integer", *r.CreateTime)
	}
	switch r.MsgType {
	case "text":
		if r.Content == nil || *r.Content == "" {
			return "", "text reply without Content"
		}
	case "image", "voice", "video":
		ref := map[string]*mediaRef{"image": r.Image, "voice": r.Voice, "video": r.Video}[r.MsgType]
		if ref == nil || ref.MediaID == "" {
			return "", r.MsgType + " reply without " + strings.ToUpper(r.MsgType[:1]) + r.MsgType[1:] + "/MediaId"
		}
	case "music":
		if r.Music == nil || r.Music.ThumbMediaID == "" {
			return "", "music reply without Music/ThumbMediaId"
		}
	case "news":
		if r.ArticleCount == nil {
			return "", "news reply without ArticleCount"
		}
		n, err := strconv.Atoi(strings.TrimSpace(*r.ArticleCount))
		switch {
		case err != nil || n < 1 || n > maxNewsArticles:
			return "", fmt.Sprintf("news reply ArticleCount %q, want 1 to %d", *r.ArticleCount, maxNewsArticles)
		case r.Articles == nil || len(r.Articles.Items) != n:
			got := 0
			if r.Articles != nil {
				got = len(r.Articles.Items)
			}
			return "", fmt.Sprintf("news reply ArticleCount %d but %d Articles/item", n, got)
		}
	case "transfer_customer_service":
	case "":
		return "", "reply has no MsgType"
	default:
		return "", fmt.Sprintf("reply MsgType %q is not a passive reply type", r.MsgType)
	}
	return r.MsgType, ""
}
