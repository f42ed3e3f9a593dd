package content

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

func TestSniff(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		data []byte
		want Format
	}{
		{"jpeg", sandboxtest.JPEG(100), FormatJPEG},
		{"png", sandboxtest.PNG(100), FormatPNG},
		{"gif87", []byte("GIF87a\x00\x00"), FormatGIF},
		{"gif89", sandboxtest.GIF(100), FormatGIF},
		{"bmp", sandboxtest.BMP(100), FormatBMP},
		{"bmp too short", []byte("BM12"), ""},
		{"amr", sandboxtest.AMR(1), FormatAMR},
		{"amr-wb", []byte("#!AMR-WB\n"), FormatAMR},
		{"mp3 id3", sandboxtest.MP3(100), FormatMP3},
		{"mp3 frame", []byte{0xFF, 0xFB, 0x90, 0x00}, FormatMP3},
		{"wav", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), FormatWAV},
		{"avi is not wav", []byte("RIFF\x24\x00\x00\x00AVI LIST"), ""},
		{"wma", append(append([]byte{}, asfGUID...), 0, 0), FormatWMA},
		{"mp4", sandboxtest.MP4(100), FormatMP4},
		{"text", []byte("hello"), ""},
		{"empty", nil, ""},
		{"one byte", []byte{0xFF}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			head := tt.data[:min(len(tt.data), sniffLen)]
			if got := Sniff(head); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, def string
		f         Format
		want, err string
	}{
		{"", "media", FormatJPEG, "media.jpg", ""},
		{"photo", "media", FormatPNG, "photo.png", ""},
		{"Photo.JPEG", "media", FormatJPEG, "Photo.JPEG", ""},
		{"a.jpg", "media", FormatJPEG, "a.jpg", ""},
		{"照片.png", "media", FormatPNG, "照片.png", ""},
		{"a.jpg", "media", FormatPNG, "", "has extension .jpg but the content is PNG"},
		{"a.txt", "media", FormatMP3, "", "has extension .txt"},
		{`a".png`, "media", FormatPNG, "", "must be a plain file name"},
		{"dir/a.png", "media", FormatPNG, "", "must be a plain file name"},
		{"a\r\nX: y.png", "media", FormatPNG, "", "must be a plain file name"},
		{strings.Repeat("a", 201), "media", FormatPNG, "", "must be at most 200 bytes"},
	} {
		got, err := fileName("filename", tt.name, tt.def, tt.f)
		switch {
		case tt.err == "" && (err != nil || got != tt.want):
			t.Errorf("fileName(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), "filename: "+tt.err)):
			t.Errorf("fileName(%q) error = %v; want %q", tt.name, err, tt.err)
		}
	}
}

func TestRules(t *testing.T) {
	t.Parallel()
	// The limits the issue states, for temporary media and permanent material.
	for _, tt := range []struct {
		rule Rule
		ok   []Format
		max  int64
	}{
		{mediaRules[KindImage], []Format{FormatPNG, FormatJPEG, FormatGIF}, 10 << 20},
		{mediaRules[KindVoice], []Format{FormatAMR, FormatMP3}, 2 << 20},
		{mediaRules[KindVideo], []Format{FormatMP4}, 10 << 20},
		{mediaRules[KindThumb], []Format{FormatJPEG}, 64 << 10},
		{materialRules[KindImage], []Format{FormatBMP, FormatPNG, FormatJPEG, FormatGIF}, 10 << 20},
		{materialRules[KindVoice], []Format{FormatMP3, FormatWMA, FormatWAV, FormatAMR}, 2 << 20},
		{articleImageRule, []Format{FormatJPEG, FormatPNG}, 1<<20 - 1},
	} {
		if tt.rule.MaxBytes != tt.max {
			t.Errorf("%v: max %d, want %d", tt.rule.Formats, tt.rule.MaxBytes, tt.max)
		}
		for f := range formatInfo {
			want := false
			for _, o := range tt.ok {
				want = want || o == f
			}
			if tt.rule.accepts(f) != want {
				t.Errorf("%v accepts %s = %v", tt.rule.Formats, f, !want)
			}
		}
	}
}

// chunked reads at most n bytes per Read.
type chunked struct {
	r io.Reader
	n int
}

func (c chunked) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

func TestCheckedReader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		data  []byte
		kind  Kind
		chunk int
		err   string
	}{
		{"amr 60 s in pieces", sandboxtest.AMR(60), KindVoice, 7, ""},
		{"amr 61 s in pieces", sandboxtest.AMR(61), KindVoice, 7, "plays longer than"},
		{"amr 61 s at once", sandboxtest.AMR(61), KindVoice, 1 << 20, "plays longer than"},
		{"mp3 60 s in pieces", sandboxtest.MP3Seconds(60), KindVoice, 5, ""},
		{"mp3 61 s in pieces", sandboxtest.MP3Seconds(61), KindVoice, 5, "plays longer than"},
		{"mp3 61 s at once", sandboxtest.MP3Seconds(61), KindVoice, 1 << 20, "plays longer than"},
		{"voice at the limit", sandboxtest.MP3(2 << 20), KindVoice, 4096, ""},
		{"voice over the limit", sandboxtest.MP3(2<<20 + 1), KindVoice, 4096, "is 2097153 bytes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rule := mediaRules[tt.kind]
			cr := &checkedReader{r: chunked{bytes.NewReader(tt.data), tt.chunk}, rule: rule, kind: tt.kind, field: "data"}
			cr.play = newPlayCounter(Sniff(tt.data[:sniffLen]), tt.data[:sniffLen])
			n, err := io.Copy(io.Discard, cr)
			var arg *ArgumentError
			switch {
			case tt.err == "" && (err != nil || n != int64(len(tt.data))):
				t.Fatalf("copied %d, %v", n, err)
			case tt.err != "" && (!errors.As(err, &arg) || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestMPEGFrame(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		h                     []byte
		length, samples, rate int
		ok                    bool
	}{
		{[]byte{0xFF, 0xFB, 0x90, 0x00}, 417, 1152, 44100, true}, // MPEG-1 L3 128k 44.1k
		{[]byte{0xFF, 0xFB, 0x92, 0x00}, 418, 1152, 44100, true}, // with padding
		{[]byte{0xFF, 0xF3, 0x48, 0x00}, 144, 576, 16000, true},  // MPEG-2 L3 32k 16k
		{[]byte{0xFF, 0xFD, 0x90, 0x00}, 522, 1152, 44100, true}, // MPEG-1 L2 160k
		{[]byte{0xFF, 0xFB, 0xF0, 0x00}, 0, 0, 0, false},         // bitrate index 15
		{[]byte{0xFF, 0xFB, 0x9C, 0x00}, 0, 0, 0, false},         // sample rate index 3
		{[]byte{0xFF, 0xEB, 0x90, 0x00}, 0, 0, 0, false},         // reserved version
		{[]byte{0xFF, 0xF9, 0x90, 0x00}, 0, 0, 0, false},         // reserved layer
		{[]byte{0x00, 0xFB, 0x90, 0x00}, 0, 0, 0, false},
	} {
		l, s, r, ok := mpegFrame(tt.h)
		if l != tt.length || s != tt.samples || r != tt.rate || ok != tt.ok {
			t.Errorf("mpegFrame(% x) = %d %d %d %v", tt.h, l, s, r, ok)
		}
	}
	m := &mp3Counter{}
	data := sandboxtest.MP3Seconds(10)
	for i := 0; i < len(data); i += 3 {
		m.write(data[i:min(i+3, len(data))])
	}
	if d := m.duration(); d < 9900*time.Millisecond || d > 10*time.Second {
		t.Errorf("10 s file counted %v", d)
	}
	// Without a tag, and with junk after the frames (counting stops, no panic).
	m = &mp3Counter{}
	m.write(append(append([]byte{}, data[20:20+417*5]...), "TAGjunk"...))
	if d := m.duration(); (d - 5*1152*time.Second/44100).Abs() > time.Microsecond {
		t.Errorf("5 frames counted %v", d)
	}
}

func TestAMRCounter(t *testing.T) {
	t.Parallel()
	a := newAMRCounter([]byte("#!AMR\n"))
	a.write(sandboxtest.AMR(3))
	if a.duration() != 3*time.Second {
		t.Errorf("at once: %v", a.duration())
	}
	b := newAMRCounter([]byte("#!AMR\n"))
	data := sandboxtest.AMR(2)
	for i := range data {
		b.write(data[i : i+1])
	}
	if b.duration() != 2*time.Second {
		t.Errorf("byte by byte: %v", b.duration())
	}
	c := newAMRCounter([]byte("#!AMR\n"))
	c.write([]byte("#!AMR\n\x4c")) // frame type 9: unknown
	if c.duration() != 0 || !c.broken {
		t.Errorf("broken stream: %v", c.duration())
	}
	if newAMRCounter([]byte("ID3")) != nil {
		t.Error("a counter for MP3")
	}
}

// FuzzUploadCheck feeds arbitrary files through the checks uploads run on outside input:
// they never panic, and what they accept is within the rule.
func FuzzUploadCheck(f *testing.F) {
	f.Add(sandboxtest.AMR(1), uint8(1), "a.amr")
	f.Add(sandboxtest.JPEG(20), uint8(3), "")
	f.Add([]byte("#!AMR\n\x3c\x00"), uint8(1), "x")
	f.Add([]byte{}, uint8(0), "../x")
	kinds := []Kind{KindImage, KindVoice, KindVideo, KindThumb}
	f.Fuzz(func(t *testing.T, data []byte, k uint8, name string) {
		kind := kinds[int(k)%len(kinds)]
		rule := materialRules[kind]
		head := data[:min(len(data), sniffLen)]
		format, err := rule.checkHead(kind, "data", head)
		if err != nil {
			return
		}
		if !rule.accepts(format) {
			t.Fatalf("accepted %q for %s", format, kind)
		}
		if n, err := fileName("filename", name, "media", format); err == nil && (strings.ContainsAny(n, "\"/\\\r\n") || n == "") {
			t.Fatalf("unsafe name %q", n)
		}
		cr := &checkedReader{r: bytes.NewReader(data), rule: rule, kind: kind, field: "data", play: newPlayCounter(format, head)}
		if m, err := io.Copy(io.Discard, cr); err == nil && m > rule.MaxBytes {
			t.Fatalf("passed %d bytes", m)
		}
	})
}
