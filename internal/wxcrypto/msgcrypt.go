package wxcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"math"
)

const (
	// EncodingAESKeyLen is the length of an EncodingAESKey: 43 Base64 characters, which with
	// one "=" appended decode to the 32-byte AES-256 key.
	EncodingAESKeyLen = 43

	randomLen = 16 // the random prefix of the plaintext
	headerLen = randomLen + 4
	padBlock  = 32 // WeChat's PKCS#7 block size, twice the AES block
)

// Cipher encrypts and decrypts callback messages with one EncodingAESKey (AES-256-CBC, the IV
// being the first 16 bytes of the key) for one receive-id: the appid of an Official Account,
// or the corpid of WeCom. A Cipher is safe for concurrent use. Its String, Format and LogValue
// show the receive-id only, never the key.
type Cipher struct {
	block cipher.Block
	iv    [aes.BlockSize]byte
	appID string
}

// NewCipher returns the Cipher of encodingAESKey and appID. The error wraps ErrBadKey and says
// what is wrong (length, character set, empty appid) without repeating the key.
func NewCipher(encodingAESKey, appID string) (*Cipher, error) {
	key, err := decodeAESKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	if appID == "" {
		return nil, fmt.Errorf("%w: the receive-id (appid) is empty", ErrBadKey)
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadKey, err) // unreachable: the key is always 32 bytes
	}
	c := &Cipher{block: block, appID: appID}
	copy(c.iv[:], key[:aes.BlockSize])
	clear(key[:])
	return c, nil
}

// decodeAESKey turns the 43 characters into the 32 key bytes.
func decodeAESKey(encodingAESKey string) ([32]byte, error) {
	var key [32]byte
	if len(encodingAESKey) != EncodingAESKeyLen {
		return key, fmt.Errorf("%w: it has %d characters, want %d", ErrBadKey, len(encodingAESKey), EncodingAESKeyLen)
	}
	var in [EncodingAESKeyLen + 1]byte
	copy(in[:], encodingAESKey)
	in[EncodingAESKeyLen] = '='
	// Decode rather than DecodeString: it would ignore \r and \n, and no valid key has them.
	for i, ch := range in[:EncodingAESKeyLen] {
		if !isBase64Char(ch) {
			return key, fmt.Errorf("%w: character %d is not in the Base64 alphabet", ErrBadKey, i+1)
		}
	}
	n, err := base64.StdEncoding.Decode(key[:], in[:])
	if err != nil || n != len(key) {
		return key, fmt.Errorf("%w: it does not decode to 32 bytes", ErrBadKey)
	}
	return key, nil
}

func isBase64Char(ch byte) bool {
	return 'A' <= ch && ch <= 'Z' || 'a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '+' || ch == '/'
}

// AppID returns the receive-id the Cipher was made for.
func (c *Cipher) AppID() string { return c.appID }

// String describes the Cipher without its key. String, Format and LogValue have value
// receivers so that a dereferenced Cipher is redacted too.
func (c Cipher) String() string { return "wxcrypto.Cipher{appid: " + c.appID + ", key: [redacted]}" }

// Format prints String for every verb, so that %v, %+v and %#v of a Cipher never show the
// key schedule or the IV.
func (c Cipher) Format(f fmt.State, _ rune) {
	io.WriteString(f, c.String()) //nolint:errcheck // fmt itself ignores a State's write errors
}

// LogValue logs the receive-id only.
func (c Cipher) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appid", c.appID), slog.String("key", "[redacted]"))
}

// Encrypt encrypts msg as WeChat expects a reply in safe mode: random(16) || len(msg) as
// 4 bytes big-endian || msg || appid, padded with PKCS#7 to a multiple of 32 bytes (a whole
// block of 32 when already aligned), encrypted and returned as standard Base64. The 16 random
// bytes are read from random, crypto/rand.Reader when nil; a reader of fixed bytes reproduces
// the official test vectors.
func (c *Cipher) Encrypt(msg []byte, random io.Reader) (string, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return "", fmt.Errorf("wxcrypto: message of %d bytes does not fit the 4-byte length field", len(msg))
	}
	if random == nil {
		random = rand.Reader
	}
	n := headerLen + len(msg) + len(c.appID)
	pad := padBlock - n%padBlock
	buf := make([]byte, n+pad)
	if _, err := io.ReadFull(random, buf[:randomLen]); err != nil {
		return "", fmt.Errorf("wxcrypto: read random prefix: %w", err)
	}
	binary.BigEndian.PutUint32(buf[randomLen:headerLen], uint32(len(msg)))
	copy(buf[headerLen:], msg)
	copy(buf[headerLen+len(msg):], c.appID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, c.iv[:]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt decrypts the Base64 text of an Encrypt element (or WeCom's encrypted echostr) and
// returns the message and the receive-id it carried, which is always the Cipher's AppID. It
// checks, in order: Base64 (ErrBadBase64); a non-empty whole number of AES blocks
// (ErrBadLayout); PKCS#7 padding of 1..32 equal bytes (ErrBadPadding); room for the 20-byte
// header and a length field within the data (ErrBadLayout); the trailing receive-id
// (ErrAppIDMismatch). The returned msg is never longer than b64; Decrypt allocates the
// decoded ciphertext (3/4 of len(b64)), decrypts it in place and returns a sub-slice, plus a
// small constant for the CBC state. Verify the msg_signature first (VerifyMsgSignature).
func (c *Cipher) Decrypt(b64 string) (msg []byte, appID string, err error) {
	ct, err := decodeCiphertext(b64)
	if err != nil {
		return nil, "", err
	}
	msg, err = c.open(ct, ct)
	if err != nil {
		return nil, "", err
	}
	return msg, c.appID, nil
}

// decodeCiphertext decodes b64 and checks it is a non-empty whole number of AES blocks.
func decodeCiphertext(b64 string) ([]byte, error) {
	// One allocation of at most 3/4 len(b64); Decrypt then works in place.
	ct, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, ErrBadBase64
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: ciphertext of %d bytes is not a whole number of AES blocks", ErrBadLayout, len(ct))
	}
	return ct, nil
}

// open decrypts ct into dst (len(dst) == len(ct); they may be the same slice) and checks the
// layout. msg is a sub-slice of dst with its capacity cut to its length.
func (c *Cipher) open(dst, ct []byte) ([]byte, error) {
	cipher.NewCBCDecrypter(c.block, c.iv[:]).CryptBlocks(dst, ct)
	pt, ok := unpad(dst)
	if !ok {
		return nil, ErrBadPadding
	}
	if len(pt) < headerLen {
		return nil, ErrBadLayout
	}
	n := binary.BigEndian.Uint32(pt[randomLen:headerLen])
	if uint64(n) > uint64(len(pt)-headerLen) {
		return nil, ErrBadLayout
	}
	end := headerLen + int(n)
	if string(pt[end:]) != c.appID {
		return nil, ErrAppIDMismatch
	}
	return pt[headerLen:end:end], nil
}

// unpad strips PKCS#7 padding of block size 32: the last byte gives the pad length, 1..32,
// and every pad byte must equal it. It does not try to be constant time: the errors differ
// anyway, and a caller that verified the msg_signature first offers no padding oracle.
func unpad(b []byte) ([]byte, bool) {
	if len(b) == 0 {
		return nil, false
	}
	pad := int(b[len(b)-1])
	if pad < 1 || pad > padBlock || pad > len(b) {
		return nil, false
	}
	for _, v := range b[len(b)-pad:] {
		if int(v) != pad {
			return nil, false
		}
	}
	return b[:len(b)-pad], true
}
