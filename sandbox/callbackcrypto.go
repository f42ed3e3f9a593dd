package sandbox

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The callback crypto below is the sandbox's own implementation of the platform's
// message encryption (facts.md §0), written from the specification and checked against
// the official vectors, so that it can catch bugs in wxsuite's implementation: it shares
// no code with it.

// encodingAESKeyLen is the length of an EncodingAESKey.
const encodingAESKeyLen = 43

// callbackBlockSize is the PKCS#7 block size of the platform's message encryption: 32,
// not AES's 16.
const callbackBlockSize = 32

// randomPrefixLen is the length of the random prefix of an encrypted message.
const randomPrefixLen = 16

// ErrCallbackCrypto is wrapped by the errors of [DecryptMessage] and [AESKey].
var ErrCallbackCrypto = errors.New("callback crypto")

func cryptoError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCallbackCrypto, fmt.Sprintf(format, args...))
}

// Signature returns the platform's callback signature of parts: the lowercase hex SHA-1
// of the parts sorted as strings and concatenated without separator. The URL signature
// is Signature(token, timestamp, nonce); the msg_signature of an encrypted message or
// reply is Signature(token, timestamp, nonce, encrypt).
func Signature(parts ...string) string {
	sorted := slices.Clone(parts)
	slices.Sort(sorted)
	sum := sha1.Sum([]byte(strings.Join(sorted, "")))
	return hex.EncodeToString(sum[:])
}

// AESKey decodes an EncodingAESKey: its 43 characters with "=" appended are the standard
// base64 of the 32-byte AES-256 key (whose first 16 bytes are also the CBC IV). The
// error wraps [ErrCallbackCrypto].
func AESKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != encodingAESKeyLen {
		return nil, cryptoError("EncodingAESKey must be %d characters, got %d", encodingAESKeyLen, len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, cryptoError("EncodingAESKey is not base64")
	}
	return key, nil
}

// EncryptMessage encrypts msg for an account as the platform does and returns the
// base64 text of the Encrypt element: AES-256-CBC (key and IV from encodingAESKey) over
// random(16) || len(msg) as 4 bytes big-endian || msg || appID, padded with PKCS#7 to a
// multiple of 32 bytes. random must be 16 bytes. The error wraps [ErrCallbackCrypto].
func EncryptMessage(encodingAESKey, appID string, random, msg []byte) (string, error) {
	key, err := AESKey(encodingAESKey)
	if err != nil {
		return "", err
	}
	if len(random) != randomPrefixLen {
		return "", cryptoError("random prefix must be %d bytes, got %d", randomPrefixLen, len(random))
	}
	plain := make([]byte, 0, randomPrefixLen+4+len(msg)+len(appID)+callbackBlockSize)
	plain = append(plain, random...)
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(msg))) // messages are far below 4 GiB
	plain = append(plain, msg...)
	plain = append(plain, appID...)
	pad := callbackBlockSize - len(plain)%callbackBlockSize // 1..32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", cryptoError("%v", err)
	}
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, key[:aes.BlockSize]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out), nil
}

// DecryptMessage reverses [EncryptMessage]: it decodes and decrypts encrypt, checks the
// padding and the layout, and requires the trailing AppID to equal appID. It returns
// the message. The error wraps [ErrCallbackCrypto] and says what is wrong.
func DecryptMessage(encodingAESKey, appID, encrypt string) ([]byte, error) {
	key, err := AESKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(encrypt)
	if err != nil {
		return nil, cryptoError("Encrypt is not base64")
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, cryptoError("ciphertext length %d is not a positive multiple of %d", len(data), aes.BlockSize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, cryptoError("%v", err)
	}
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > callbackBlockSize || pad > len(plain) {
		return nil, cryptoError("bad padding")
	}
	for _, b := range plain[len(plain)-pad:] {
		if int(b) != pad {
			return nil, cryptoError("bad padding")
		}
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < randomPrefixLen+4 {
		return nil, cryptoError("decrypted text too short")
	}
	n := binary.BigEndian.Uint32(plain[randomPrefixLen:])
	rest := plain[randomPrefixLen+4:]
	if uint64(n) > uint64(len(rest)) {
		return nil, cryptoError("message length %d exceeds the decrypted text", n)
	}
	if got := string(rest[n:]); got != appID {
		return nil, cryptoError("appid %q, want %q", got, appID)
	}
	return rest[:n:n], nil
}
