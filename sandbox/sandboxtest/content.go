package sandboxtest

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

// PublishNews publishes the permanent news material mediaID of the account appID (see
// [sandbox.Sandbox.PublishNews]) and returns its msg_data_id and article count; it fails
// the test on error.
func (e *Env) PublishNews(t testing.TB, appID, mediaID string) sandbox.PublishedNews {
	t.Helper()
	p, err := e.Sandbox.PublishNews(appID, mediaID)
	if err != nil {
		t.Fatalf("sandboxtest: publish news: %v", err)
	}
	return p
}

// AddComment makes the simulated user openID comment on article index of the published
// news msgDataID (see [sandbox.Sandbox.AddComment]) and returns the user_comment_id; it
// fails the test on error.
func (e *Env) AddComment(t testing.TB, appID string, msgDataID uint32, index int, openID, content string) int64 {
	t.Helper()
	id, err := e.Sandbox.AddComment(appID, msgDataID, index, openID, content)
	if err != nil {
		t.Fatalf("sandboxtest: add comment: %v", err)
	}
	return id
}

// Sample files of exactly size bytes (at least the format's header) whose first bytes
// are the format's magic bytes, for upload tests. They are not decodable media.

// JPEG returns a JPEG-looking file of size bytes.
func JPEG(size int) []byte {
	return fill([]byte{0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00}, size)
}

// PNG returns a PNG-looking file of size bytes.
func PNG(size int) []byte { return fill([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), size) }

// GIF returns a GIF-looking file of size bytes.
func GIF(size int) []byte { return fill([]byte("GIF89a\x01\x00\x01\x00"), size) }

// BMP returns a BMP-looking file of size bytes.
func BMP(size int) []byte {
	return fill([]byte("BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00"), size)
}

// MP3 returns an MP3-looking file (ID3 tag) of size bytes.
func MP3(size int) []byte { return fill([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), size) }

// MP4 returns an MP4-looking file (ftyp box) of size bytes.
func MP4(size int) []byte {
	head := binary.BigEndian.AppendUint32(nil, 24)
	head = append(head, "ftypisom\x00\x00\x02\x00isomiso2"...)
	return fill(head, size)
}

// AMR returns a valid AMR-NB file of the given length in seconds (50 frames of 12.2
// kbit/s a second: 32 bytes each after the 6-byte header).
func AMR(seconds int) []byte {
	var b bytes.Buffer
	b.WriteString("#!AMR\n")
	frame := make([]byte, 32)
	frame[0] = 7<<3 | 0x04 // frame type 7 (12.2 kbit/s), quality bit
	for range seconds * 50 {
		b.Write(frame)
	}
	return b.Bytes()
}

// MP3Seconds returns an MP3 file of (just under) the given length in seconds: a 10-byte
// ID3v2 tag, then MPEG-1 Layer III frames at 128 kbit/s and 44.1 kHz (417 bytes, 1152
// samples each).
func MP3Seconds(seconds int) []byte {
	var b bytes.Buffer
	b.WriteString("ID3\x04\x00\x00\x00\x00\x00\x0a")
	b.Write(make([]byte, 10))
	frame := make([]byte, 417)
	copy(frame, []byte{0xFF, 0xFB, 0x90, 0x00})
	for range seconds * 44100 / 1152 {
		b.Write(frame)
	}
	return b.Bytes()
}

// fill returns head padded with zeros to size bytes (head alone when size is smaller).
func fill(head []byte, size int) []byte {
	out := make([]byte, max(size, len(head)))
	copy(out, head)
	return out
}
