package content

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
)

// Format is a file format recognised by its magic bytes.
type Format string

// The formats uploads accept somewhere.
const (
	FormatJPEG Format = "jpeg"
	FormatPNG  Format = "png"
	FormatGIF  Format = "gif"
	FormatBMP  Format = "bmp"
	FormatAMR  Format = "amr"
	FormatMP3  Format = "mp3"
	FormatWAV  Format = "wav"
	FormatWMA  Format = "wma"
	FormatMP4  Format = "mp4"
)

// formatInfo is what wxsuite knows of a format: its Content-Type, its canonical file
// extension and a human name for errors.
var formatInfo = map[Format]struct{ mime, ext, name string }{
	FormatJPEG: {"image/jpeg", ".jpg", "JPEG"},
	FormatPNG:  {"image/png", ".png", "PNG"},
	FormatGIF:  {"image/gif", ".gif", "GIF"},
	FormatBMP:  {"image/bmp", ".bmp", "BMP"},
	FormatAMR:  {"audio/amr", ".amr", "AMR"},
	FormatMP3:  {"audio/mpeg", ".mp3", "MP3"},
	FormatWAV:  {"audio/wav", ".wav", "WAV"},
	FormatWMA:  {"audio/x-ms-wma", ".wma", "WMA"},
	FormatMP4:  {"video/mp4", ".mp4", "MP4"},
}

// ContentType is the format's MIME type ("application/octet-stream" when unknown).
func (f Format) ContentType() string {
	if i, ok := formatInfo[f]; ok {
		return i.mime
	}
	return "application/octet-stream"
}

// sniffLen is how many leading bytes Sniff needs at most.
const sniffLen = 16

var asfGUID = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}

// Sniff names the format of a file from its first bytes (at least 16 when the file is
// that long); "" when it is none of the known formats.
func Sniff(head []byte) Format {
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return FormatJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return FormatPNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return FormatGIF
	case bytes.HasPrefix(head, []byte("BM")) && len(head) >= 14:
		return FormatBMP
	case bytes.HasPrefix(head, []byte("#!AMR")):
		return FormatAMR
	case bytes.HasPrefix(head, []byte("ID3")), len(head) >= 2 && head[0] == 0xFF && head[1]&0xE0 == 0xE0:
		return FormatMP3
	case len(head) >= 12 && bytes.Equal(head[:4], []byte("RIFF")) && bytes.Equal(head[8:12], []byte("WAVE")):
		return FormatWAV
	case bytes.HasPrefix(head, asfGUID):
		return FormatWMA
	case len(head) >= 8 && bytes.Equal(head[4:8], []byte("ftyp")):
		return FormatMP4
	}
	return ""
}

// Kind is the type of an uploaded file.
type Kind string

// Upload kinds (the type query parameter of media/upload and add_material).
const (
	KindImage Kind = "image"
	KindVoice Kind = "voice"
	KindVideo Kind = "video"
	KindThumb Kind = "thumb"
	// KindArticleImage is an image for article bodies (media/uploadimg).
	KindArticleImage Kind = "article_image"
)

// Rule is what one kind of upload accepts.
type Rule struct {
	// Formats are the accepted formats.
	Formats []Format
	// MaxBytes is the largest accepted size.
	MaxBytes int64
}

// Size limits. 1 MB is taken as 1 MiB, as the platform's console does.
const (
	mb = 1 << 20
	// maxVoiceDuration is the longest voice file WeChat takes.
	maxVoiceDuration = 60 * time.Second
)

// Rules for temporary media (the platform's console limits, as the seed states them)
// and permanent material (its doc: the console's limits; images also BMP, voice also
// WAV and WMA), and for article images (JPEG or PNG below 1 MB).
var (
	mediaRules = map[Kind]Rule{
		KindImage: {Formats: []Format{FormatPNG, FormatJPEG, FormatGIF}, MaxBytes: 10 * mb},
		KindVoice: {Formats: []Format{FormatAMR, FormatMP3}, MaxBytes: 2 * mb},
		KindVideo: {Formats: []Format{FormatMP4}, MaxBytes: 10 * mb},
		KindThumb: {Formats: []Format{FormatJPEG}, MaxBytes: 64 << 10},
	}
	materialRules = map[Kind]Rule{
		KindImage: {Formats: []Format{FormatBMP, FormatPNG, FormatJPEG, FormatGIF}, MaxBytes: 10 * mb},
		KindVoice: {Formats: []Format{FormatMP3, FormatWMA, FormatWAV, FormatAMR}, MaxBytes: 2 * mb},
		KindVideo: {Formats: []Format{FormatMP4}, MaxBytes: 10 * mb},
		KindThumb: {Formats: []Format{FormatJPEG}, MaxBytes: 64 << 10},
	}
	articleImageRule = Rule{Formats: []Format{FormatJPEG, FormatPNG}, MaxBytes: mb - 1}
)

// MediaRule and MaterialRule return the rule of a temporary media or permanent
// material kind; ok is false for an unknown kind.
func MediaRule(k Kind) (Rule, bool) {
	if k == KindArticleImage {
		return articleImageRule, true
	}
	r, ok := mediaRules[k]
	return r, ok
}

// MaterialRule returns the rule of a permanent material kind.
func MaterialRule(k Kind) (Rule, bool) {
	r, ok := materialRules[k]
	return r, ok
}

// accepts reports whether f is one of r's formats.
func (r Rule) accepts(f Format) bool {
	for _, x := range r.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// formatList names r's formats for errors: "PNG, JPEG or GIF".
func (r Rule) formatList() string {
	names := make([]string, len(r.Formats))
	for i, f := range r.Formats {
		names[i] = formatInfo[f].name
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// sizeText is a human size: "10 MB", "64 KB", "1 MB".
func sizeText(n int64) string {
	switch {
	case n >= mb-1:
		return fmt.Sprintf("%d MB", (n+1)/mb)
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkHead checks the format of a file of kind from its first bytes: an *ArgumentError
// on field when it is not one the rule accepts.
func (r Rule) checkHead(kind Kind, field string, head []byte) (Format, error) {
	if len(head) == 0 {
		return "", &ArgumentError{Field: field, Reason: "is empty"}
	}
	f := Sniff(head)
	if !r.accepts(f) {
		what := "not a recognised file"
		if f != "" {
			what = article(formatInfo[f].name) + " " + formatInfo[f].name + " file"
		}
		return "", &ArgumentError{Field: field, Reason: fmt.Sprintf("is %s; %s accepts %s (checked by content, not by name)", what, kindName(kind), r.formatList())}
	}
	return f, nil
}

// tooLarge is the error of a file of kind over r's size.
func (r Rule) tooLarge(kind Kind, field string, size int64) error {
	limit := fmt.Sprintf("at most %s", sizeText(r.MaxBytes))
	if kind == KindArticleImage {
		limit = "below 1 MB"
	}
	return &ArgumentError{Field: field, Reason: fmt.Sprintf("is %d bytes; %s must be %s (%d bytes)", size, kindName(kind), limit, r.MaxBytes)}
}

func kindName(k Kind) string {
	if k == KindArticleImage {
		return "an article image"
	}
	return article(string(k)) + " " + string(k)
}

// article is the indefinite article of a word as read aloud: "an image", "an MP4", "a PNG".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiouAEIM", rune(word[0])) {
		return "an"
	}
	return "a"
}

// fileName returns the name to send for a file of format f: name itself when its
// extension suits f, name plus f's extension when it has none ("media.jpg" when empty).
// A name with another extension, control characters, quotes or a path, or over 200
// bytes, is an *ArgumentError on field.
func fileName(field, name, def string, f Format) (string, error) {
	if name == "" {
		name = def
	}
	if len(name) > 200 {
		return "", &ArgumentError{Field: field, Reason: "must be at most 200 bytes"}
	}
	if strings.ContainsAny(name, `"\/`) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return "", &ArgumentError{Field: field, Reason: `must be a plain file name (no path, quotes or control characters)`}
	}
	ext := strings.ToLower(path.Ext(name))
	if ext == "" {
		return name + formatInfo[f].ext, nil
	}
	if !extFits(ext, f) {
		return "", &ArgumentError{Field: field, Reason: fmt.Sprintf("has extension %s but the content is %s (WeChat refuses a mismatched extension; use %s)", ext, formatInfo[f].name, formatInfo[f].ext)}
	}
	return name, nil
}

// extFits reports whether a file name extension suits format f.
func extFits(ext string, f Format) bool {
	switch f {
	case FormatJPEG:
		return ext == ".jpg" || ext == ".jpeg"
	default:
		return ext == formatInfo[f].ext
	}
}

// checkedReader passes a file through while enforcing its size limit and, for AMR and
// MP3 voice, its playing time; it fails with an *ArgumentError the moment either is
// exceeded, so an oversized upload is refused before anything is sent.
type checkedReader struct {
	r     io.Reader
	rule  Rule
	kind  Kind
	field string
	n     int64
	play  playCounter // nil unless the file is voice whose length is checked
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.rule.MaxBytes {
		return 0, c.rule.tooLarge(c.kind, c.field, c.n)
	}
	if c.play != nil && n > 0 {
		c.play.write(p[:n])
		if d := c.play.duration(); d > maxVoiceDuration {
			return 0, &ArgumentError{Field: c.field, Reason: fmt.Sprintf("plays longer than %s (WeChat takes voice up to 60 s)", maxVoiceDuration)}
		}
	}
	return n, err
}

// amrFrameBytes are the AMR-NB frame sizes (header byte included) of frame types 0–15.
var amrFrameBytes = [16]int{13, 14, 16, 18, 20, 21, 27, 32, 6, 0, 0, 0, 0, 0, 0, 1}

// amrCounter counts the 20 ms frames of an AMR-NB stream written to it in pieces.
type amrCounter struct {
	header int // magic bytes still to skip
	skip   int // bytes left in the current frame
	frames int
	broken bool // an unknown frame type: the length is not checked
}

func newAMRCounter(head []byte) *amrCounter {
	if !bytes.HasPrefix(head, []byte("#!AMR\n")) {
		return nil // AMR-WB or damaged: not checked
	}
	return &amrCounter{header: len("#!AMR\n")}
}

func (a *amrCounter) write(p []byte) {
	for len(p) > 0 && !a.broken {
		switch {
		case a.header > 0:
			k := min(a.header, len(p))
			a.header -= k
			p = p[k:]
		case a.skip > 0:
			k := min(a.skip, len(p))
			a.skip -= k
			p = p[k:]
		default:
			size := amrFrameBytes[(p[0]>>3)&0x0F]
			if size == 0 {
				a.broken = true
				return
			}
			a.frames++
			a.skip = size
		}
	}
}

func (a *amrCounter) duration() time.Duration {
	if a.broken {
		return 0
	}
	return time.Duration(a.frames) * 20 * time.Millisecond
}
