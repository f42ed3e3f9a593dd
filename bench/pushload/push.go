package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// account is the official account every server under test is configured with.
type account struct {
	appID  string // wx + 16 hex digits
	ghID   string // the original id (ToUserName of pushes)
	token  string // callback token
	aesKey string // EncodingAESKey, 43 characters
	cipher *wxcrypto.Cipher
}

// newAccount returns an account with a random appid, token and EncodingAESKey.
func newAccount() (*account, error) {
	b := make([]byte, 8+16+32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	a := &account{
		appID: fmt.Sprintf("wx%x", b[:8]),
		ghID:  "gh_pushload0001",
		token: fmt.Sprintf("pl%x", b[8:24]),
		// 32 random bytes are 43 Base64 characters plus one "=", which WeChat drops.
		aesKey: base64.StdEncoding.EncodeToString(b[24:])[:43],
	}
	c, err := wxcrypto.NewCipher(a.aesKey, a.appID)
	if err != nil {
		return nil, err
	}
	a.cipher = c
	return a, nil
}

// pushSpec describes the pushes of one run: seq n is a text message from user
// openID(userBase+n) with MsgId msgBase+n, so every push of an invocation is distinct
// (its MsgId and its user), as WeChat's are.
type pushSpec struct {
	acc      *account
	host     string // Host header: the server's address
	content  string // Content of every text message
	msgBase  int64
	userBase int64
	ts       int64 // timestamp, CreateTime and signatures (the generation time)
}

// openID is the openid of user n: 28 characters, like WeChat's.
func openID(n int64) string {
	s := strconv.FormatInt(n, 10)
	const prefix = "oPushLoad"
	pad := 28 - len(prefix) - len(s)
	b := make([]byte, 0, 28)
	b = append(b, prefix...)
	for range pad {
		b = append(b, '0')
	}
	return string(append(b, s...))
}

// plaintext is the message WeChat encrypts for seq, with the newlines between elements
// that its pushes have.
func (p *pushSpec) plaintext(dst []byte, seq int64) []byte {
	dst = append(dst, "<xml><ToUserName><![CDATA["...)
	dst = append(dst, p.acc.ghID...)
	dst = append(dst, "]]></ToUserName>\n<FromUserName><![CDATA["...)
	dst = append(dst, openID(p.userBase+seq)...)
	dst = append(dst, "]]></FromUserName>\n<CreateTime>"...)
	dst = strconv.AppendInt(dst, p.ts, 10)
	dst = append(dst, "</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA["...)
	dst = append(dst, p.content...)
	dst = append(dst, "]]></Content>\n<MsgId>"...)
	dst = strconv.AppendInt(dst, p.msgBase+seq, 10)
	return append(dst, "</MsgId>\n</xml>"...)
}

// request returns the whole HTTP/1.1 request of push seq, as WeChat sends it in safe mode:
// POST /wechat/callback/{appid}?signature=…&timestamp=…&nonce=…&openid=…&encrypt_type=aes&msg_signature=…
// with the envelope <xml><ToUserName>…</ToUserName><Encrypt>…</Encrypt></xml>. random
// supplies the 16 random bytes of the ciphertext and the nonce.
func (p *pushSpec) request(seq int64, random io.Reader, rng *mrand.Rand) ([]byte, error) {
	enc, err := p.acc.cipher.Encrypt(p.plaintext(make([]byte, 0, 320), seq), random)
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(p.ts, 10)
	nonce := strconv.FormatUint(uint64(rng.Uint32()), 10)
	body := make([]byte, 0, 96+len(enc))
	body = append(body, "<xml><ToUserName><![CDATA["...)
	body = append(body, p.acc.ghID...)
	body = append(body, "]]></ToUserName><Encrypt><![CDATA["...)
	body = append(body, enc...)
	body = append(body, "]]></Encrypt></xml>"...)

	req := make([]byte, 0, 400+len(body))
	req = append(req, "POST /wechat/callback/"...)
	req = append(req, p.acc.appID...)
	req = append(req, "?signature="...)
	req = append(req, wxcrypto.URLSignature(p.acc.token, ts, nonce)...)
	req = append(req, "&timestamp="...)
	req = append(req, ts...)
	req = append(req, "&nonce="...)
	req = append(req, nonce...)
	req = append(req, "&openid="...)
	req = append(req, openID(p.userBase+seq)...)
	req = append(req, "&encrypt_type=aes&msg_signature="...)
	req = append(req, wxcrypto.MsgSignature(p.acc.token, ts, nonce, enc)...)
	req = append(req, " HTTP/1.1\r\nHost: "...)
	req = append(req, p.host...)
	req = append(req, "\r\nUser-Agent: Mozilla/4.0\r\nAccept: */*\r\nPragma: no-cache\r\nContent-Type: text/xml\r\nContent-Length: "...)
	req = strconv.AppendInt(req, int64(len(body)), 10)
	req = append(req, "\r\n\r\n"...)
	return append(req, body...), nil
}

// pool hands out the pushes of one run in seq order: built before the run (so that the
// measured window does not pay for the generator's encryption), and built on the spot by
// the caller once they run out (counted in inline).
type pool struct {
	spec   *pushSpec
	reqs   [][]byte
	next   atomic.Int64
	inline atomic.Int64
}

// newPool builds n pushes of spec on every CPU.
func newPool(spec *pushSpec, n int) (*pool, error) {
	p := &pool{spec: spec, reqs: make([][]byte, n)}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			rng := newRand()
			for i := w; i < n; i += workers {
				r, err := spec.request(int64(i), nil, rng)
				if err != nil {
					errs[w] = err
					return
				}
				p.reqs[i] = r
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// take returns the next push and its seq.
func (p *pool) take(rng *mrand.Rand) (int64, []byte, error) {
	seq := p.next.Add(1) - 1
	if seq < int64(len(p.reqs)) {
		r := p.reqs[seq]
		p.reqs[seq] = nil // sent once; let it go
		return seq, r, nil
	}
	p.inline.Add(1)
	r, err := p.spec.request(seq, nil, rng)
	return seq, r, err
}

// taken is how many pushes were handed out.
func (p *pool) taken() int64 { return p.next.Load() }

func newRand() *mrand.Rand {
	var seed [32]byte
	_, _ = rand.Read(seed[:])
	return mrand.New(mrand.NewChaCha8(seed))
}
