package sandbox

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MsgType values of the messages a simulated user can send (facts.md §2.1).
const (
	MsgText       = "text"
	MsgImage      = "image"
	MsgVoice      = "voice"
	MsgVideo      = "video"
	MsgShortVideo = "shortvideo"
	MsgLocation   = "location"
	MsgLink       = "link"
)

// Message is a message a simulated user sends to an account. Type selects the fields
// that are pushed; the others are ignored.
type Message struct {
	// Type is the MsgType: MsgText, MsgImage, MsgVoice, MsgVideo, MsgShortVideo,
	// MsgLocation or MsgLink.
	Type string
	// Content is the text of a text message.
	Content string
	// PicURL is the PicUrl of an image message.
	PicURL string
	// MediaID is the MediaId of an image, voice, video or short-video message;
	// generated when empty.
	MediaID string
	// Format is the Format of a voice message; default "amr".
	Format string
	// Recognition is the speech-recognition text of a voice message; the element is
	// left out when empty.
	Recognition string
	// ThumbMediaID is the ThumbMediaId of a video or short-video message; generated
	// when empty.
	ThumbMediaID string
	// Latitude and Longitude are the Location_X and Location_Y of a location message,
	// written with six decimals like the platform's.
	Latitude, Longitude float64
	// Scale is the map Scale of a location message.
	Scale int
	// Label is the Label of a location message.
	Label string
	// Title, Description and URL are the Title, Description and Url of a link message.
	Title, Description, URL string
}

// Event is an event pushed to an account (MsgType event, facts.md §2.2).
type Event struct {
	// Event is the Event value, e.g. "subscribe", "SCAN", "CLICK",
	// "TEMPLATESENDJOBFINISH". Required.
	Event string
	// EventKey is the EventKey, left out when empty (e.g. "qrscene_123" for a subscribe
	// from a parametric QR code, the menu key for CLICK).
	EventKey string
	// Fields are further top-level elements by name (e.g. "Ticket", "MsgID", "Status",
	// "Latitude"), written after EventKey in name order: numbers (optional minus sign,
	// digits, optional decimals) without CDATA, everything else as CDATA, as the
	// platform writes them.
	Fields map[string]string
	// ExtraXML is written verbatim after the fields, for nested elements such as
	// "<ScanCodeInfo>…</ScanCodeInfo>"; it must be well-formed XML content.
	ExtraXML string
}

// headerNames are the elements the sandbox writes itself; Event.Fields cannot set them.
var headerNames = map[string]bool{
	"ToUserName": true, "FromUserName": true, "CreateTime": true, "MsgType": true,
	"Event": true, "EventKey": true, "Encrypt": true,
}

var (
	xmlName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	number  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)
)

// pushXML writes the plaintext XML of a push the way the platform does: one element a
// line, strings as CDATA, numbers bare (facts.md §1b vector C shows the layout).
type pushXML struct{ b strings.Builder }

func newPushXML(toUser, fromUser string, createTime int64, msgType string) *pushXML {
	x := &pushXML{}
	x.b.WriteString("<xml>")
	x.cdata("ToUserName", toUser)
	x.cdata("FromUserName", fromUser)
	x.num("CreateTime", strconv.FormatInt(createTime, 10))
	x.cdata("MsgType", msgType)
	return x
}

// cdata writes <name><![CDATA[v]]></name>, splitting a "]]>" inside v across two CDATA
// sections.
func (x *pushXML) cdata(name, v string) {
	fmt.Fprintf(&x.b, "<%s><![CDATA[%s]]></%s>\n", name, strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"), name)
}

func (x *pushXML) num(name, v string) { fmt.Fprintf(&x.b, "<%s>%s</%s>\n", name, v, name) }

func (x *pushXML) raw(s string) { x.b.WriteString(s) }

func (x *pushXML) String() string { return x.b.String() + "</xml>" }

// checkText reports whether s can go into a CDATA section: valid UTF-8 without the
// control characters XML 1.0 forbids.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return &ArgumentError{Field: field, Reason: "is not valid UTF-8"}
	}
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return &ArgumentError{Field: field, Reason: "contains a character XML does not allow"}
		}
	}
	return nil
}

// checkFragment reports whether s is well-formed XML content (elements, text, CDATA).
func checkFragment(field, s string) error {
	if err := checkText(field, s); err != nil {
		return err
	}
	d := xml.NewDecoder(strings.NewReader("<x>" + s + "</x>"))
	for {
		if _, err := d.Token(); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return &ArgumentError{Field: field, Reason: "is not well-formed XML content: " + err.Error()}
		}
	}
}

// messageXML builds the plaintext XML of m sent by openID to the account originalID.
// media returns a generated media id. Field names in errors are those of the admin API.
func messageXML(originalID, openID string, createTime, msgID int64, m Message, media func() string) (string, error) {
	for _, f := range []struct{ name, v string }{
		{"text", m.Content}, {"pic_url", m.PicURL}, {"media_id", m.MediaID}, {"format", m.Format},
		{"recognition", m.Recognition}, {"thumb_media_id", m.ThumbMediaID}, {"label", m.Label},
		{"title", m.Title}, {"description", m.Description}, {"url", m.URL},
	} {
		if err := checkText(f.name, f.v); err != nil {
			return "", err
		}
	}
	orMedia := func(v string) string {
		if v == "" {
			return media()
		}
		return v
	}
	x := newPushXML(originalID, openID, createTime, m.Type)
	switch m.Type {
	case MsgText:
		if m.Content == "" {
			return "", &ArgumentError{Field: "text", Reason: "must not be empty"}
		}
		x.cdata("Content", m.Content)
	case MsgImage:
		x.cdata("PicUrl", m.PicURL)
		x.cdata("MediaId", orMedia(m.MediaID))
	case MsgVoice:
		x.cdata("MediaId", orMedia(m.MediaID))
		format := m.Format
		if format == "" {
			format = "amr"
		}
		x.cdata("Format", format)
		if m.Recognition != "" {
			x.cdata("Recognition", m.Recognition)
		}
	case MsgVideo, MsgShortVideo:
		x.cdata("MediaId", orMedia(m.MediaID))
		x.cdata("ThumbMediaId", orMedia(m.ThumbMediaID))
	case MsgLocation:
		if m.Latitude < -90 || m.Latitude > 90 || m.Longitude < -180 || m.Longitude > 180 {
			return "", &ArgumentError{Field: "location", Reason: "latitude must be in [-90, 90] and longitude in [-180, 180]"}
		}
		x.num("Location_X", strconv.FormatFloat(m.Latitude, 'f', 6, 64))
		x.num("Location_Y", strconv.FormatFloat(m.Longitude, 'f', 6, 64))
		x.num("Scale", strconv.Itoa(m.Scale))
		x.cdata("Label", m.Label)
	case MsgLink:
		x.cdata("Title", m.Title)
		x.cdata("Description", m.Description)
		x.cdata("Url", m.URL)
	default:
		return "", &ArgumentError{Field: "message", Reason: "type must be text, image, voice, video, shortvideo, location or link"}
	}
	x.num("MsgId", strconv.FormatInt(msgID, 10))
	return x.String(), nil
}

// eventXML builds the plaintext XML of e for the account originalID and openID.
func eventXML(originalID, openID string, createTime int64, e Event) (string, error) {
	if e.Event == "" {
		return "", &ArgumentError{Field: "event", Reason: "is required"}
	}
	if err := checkText("event", e.Event); err != nil {
		return "", err
	}
	if err := checkText("event_key", e.EventKey); err != nil {
		return "", err
	}
	names := make([]string, 0, len(e.Fields))
	for name, v := range e.Fields {
		field := "fields[" + strconv.Quote(name) + "]"
		switch {
		case !xmlName.MatchString(name) || strings.HasPrefix(strings.ToLower(name), "xml"):
			return "", &ArgumentError{Field: field, Reason: "is not an XML element name"}
		case headerNames[name]:
			return "", &ArgumentError{Field: field, Reason: "is written by the sandbox itself"}
		}
		if err := checkText(field, v); err != nil {
			return "", err
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if err := checkFragment("extra_xml", e.ExtraXML); err != nil {
		return "", err
	}
	x := newPushXML(originalID, openID, createTime, "event")
	x.cdata("Event", e.Event)
	if e.EventKey != "" {
		x.cdata("EventKey", e.EventKey)
	}
	for _, name := range names {
		if v := e.Fields[name]; number.MatchString(v) {
			x.num(name, v)
		} else {
			x.cdata(name, v)
		}
	}
	if e.ExtraXML != "" {
		x.raw(e.ExtraXML)
		if !strings.HasSuffix(e.ExtraXML, "\n") {
			x.raw("\n")
		}
	}
	return x.String(), nil
}
