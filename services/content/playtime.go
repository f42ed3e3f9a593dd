package content

import (
	"bytes"
	"time"
)

// playCounter measures the playing time of a voice file fed to it in pieces. It is a
// lower bound: a stream it cannot follow to the end stops counting, so a file is only
// ever refused for a length that was really counted.
type playCounter interface {
	write(p []byte)
	duration() time.Duration
}

// newPlayCounter returns the counter of a voice file by its first bytes (nil for
// formats whose length is not checked).
func newPlayCounter(f Format, head []byte) playCounter {
	switch f {
	case FormatAMR:
		if c := newAMRCounter(head); c != nil {
			return c
		}
	case FormatMP3:
		return &mp3Counter{}
	}
	return nil
}

// MPEG audio tables (ISO 11172-3, 13818-3): bitrates in kbit/s by [MPEG-1?][layer-1][index].
var mpegBitrates = [2][3][16]int{
	{ // MPEG-2 and 2.5
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0},
	},
	{ // MPEG-1
		{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0},
		{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0},
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0},
	},
}

// mpegSampleRates by version bits (0 MPEG-2.5, 2 MPEG-2, 3 MPEG-1) and index.
var mpegSampleRates = [4][3]int{{11025, 12000, 8000}, {}, {22050, 24000, 16000}, {44100, 48000, 32000}}

// mpegFrame parses a 4-byte MPEG audio frame header: the frame's length in bytes and
// its samples and sample rate; ok is false for anything that is not a valid header.
func mpegFrame(h []byte) (length, samples, rate int, ok bool) {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return 0, 0, 0, false
	}
	version, layerBits := int(h[1]>>3)&3, int(h[1]>>1)&3
	bi, si, pad := int(h[2]>>4), int(h[2]>>2)&3, int(h[2]>>1)&1
	if version == 1 || layerBits == 0 || bi == 0 || bi == 15 || si == 3 {
		return 0, 0, 0, false
	}
	layer := 4 - layerBits // 1, 2 or 3
	mpeg1 := 0
	if version == 3 {
		mpeg1 = 1
	}
	bitrate := mpegBitrates[mpeg1][layer-1][bi] * 1000
	rate = mpegSampleRates[version][si]
	switch {
	case layer == 1:
		return (12*bitrate/rate + pad) * 4, 384, rate, true
	case layer == 3 && mpeg1 == 0:
		return 72*bitrate/rate + pad, 576, rate, true
	}
	return 144*bitrate/rate + pad, 1152, rate, true
}

// mp3Counter follows the frames of an MP3 stream (after an ID3v2 tag) and adds up their
// playing time.
type mp3Counter struct {
	buf     []byte // header bytes gathered so far
	skip    int    // bytes left to skip (tag or frame body)
	started bool   // the ID3 check is done
	done    bool   // lost the frame sync: stop counting
	nanos   int64
}

func (m *mp3Counter) write(p []byte) {
	for len(p) > 0 && !m.done {
		if m.skip > 0 {
			k := min(m.skip, len(p))
			m.skip -= k
			p = p[k:]
			continue
		}
		need := 4
		if !m.started {
			need = 10
		}
		k := min(need-len(m.buf), len(p))
		m.buf = append(m.buf, p[:k]...)
		p = p[k:]
		if len(m.buf) < need {
			return
		}
		if !m.started {
			m.started = true
			if bytes.HasPrefix(m.buf, []byte("ID3")) {
				size := int(m.buf[6]&0x7F)<<21 | int(m.buf[7]&0x7F)<<14 | int(m.buf[8]&0x7F)<<7 | int(m.buf[9]&0x7F)
				if m.buf[5]&0x10 != 0 {
					size += 10 // footer
				}
				m.skip, m.buf = size, m.buf[:0]
				continue
			}
			// No tag: the ten bytes start with a frame header; feed them again as frame data.
			rest := append([]byte(nil), m.buf...)
			m.buf = m.buf[:0]
			m.write(rest)
			continue
		}
		length, samples, rate, ok := mpegFrame(m.buf)
		m.buf = m.buf[:0]
		if !ok || length < 4 {
			m.done = true
			return
		}
		m.nanos += int64(samples) * int64(time.Second) / int64(rate)
		m.skip = length - 4
	}
}

func (m *mp3Counter) duration() time.Duration { return time.Duration(m.nanos) }
