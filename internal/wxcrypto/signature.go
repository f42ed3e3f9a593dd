package wxcrypto

import (
	"crypto/sha1" //nolint:gosec // G505: WeChat's callback signatures are defined as SHA-1; it is not our choice
	"crypto/subtle"
	"encoding/hex"
	"slices"
)

// sigLen is the length of a signature: SHA-1 in hex.
const sigLen = 2 * sha1.Size

// URLSignature returns the signature WeChat puts in the signature query parameter of every
// callback (the GET handshake and, in every mode, each POST): the lowercase hex SHA-1 of
// token, timestamp and nonce sorted as strings and concatenated without separator.
func URLSignature(token, timestamp, nonce string) string {
	s := sortedSignature(token, timestamp, nonce, "", 3)
	return string(s[:])
}

// VerifyURLSignature reports whether signature is URLSignature(token, timestamp, nonce). The
// comparison takes the same time wherever the strings differ; only a wrong length returns
// early. Signatures are lowercase hex, as WeChat sends them; uppercase does not verify.
func VerifyURLSignature(token, timestamp, nonce, signature string) bool {
	want := sortedSignature(token, timestamp, nonce, "", 3)
	return equalSignature(&want, signature)
}

// MsgSignature returns the msg_signature of compatible and safe mode: the lowercase hex SHA-1
// of token, timestamp, nonce and encrypt (the Base64 text of the Encrypt element, or the
// encrypted echostr of WeCom's handshake) sorted as strings and concatenated without
// separator. The reply envelope is signed the same way over the reply's Encrypt.
func MsgSignature(token, timestamp, nonce, encrypt string) string {
	s := sortedSignature(token, timestamp, nonce, encrypt, 4)
	return string(s[:])
}

// VerifyMsgSignature reports whether signature is MsgSignature(token, timestamp, nonce,
// encrypt), in constant time as VerifyURLSignature does. Check it before Decrypt: the AES
// ciphertext carries no integrity check of its own, and the signature is what binds it to the
// token shared with WeChat.
func VerifyMsgSignature(token, timestamp, nonce, encrypt, signature string) bool {
	want := sortedSignature(token, timestamp, nonce, encrypt, 4)
	return equalSignature(&want, signature)
}

// sortedSignature hashes the first n of a, b, c, d in sorted order (plain byte order, which
// is what the official samples' string sorts give for these ASCII values).
func sortedSignature(a, b, c, d string, n int) [sigLen]byte {
	parts := [4]string{a, b, c, d}
	ps := parts[:n]
	slices.Sort(ps)
	// Concatenate on the stack: a typical message's fields fit, so verifying allocates
	// nothing; larger ones spill to the heap through append.
	var buf [1024]byte
	cat := buf[:0]
	for _, p := range ps {
		cat = append(cat, p...)
	}
	sum := sha1.Sum(cat) //nolint:gosec // G401: SHA-1 is the algorithm WeChat defines
	var out [sigLen]byte
	hex.Encode(out[:], sum[:])
	return out
}

// equalSignature compares in constant time; a length mismatch is public (every valid
// signature has sigLen characters) and returns early.
func equalSignature(want *[sigLen]byte, got string) bool {
	if len(got) != sigLen {
		return false
	}
	var g [sigLen]byte
	copy(g[:], got)
	return subtle.ConstantTimeCompare(want[:], g[:]) == 1
}
