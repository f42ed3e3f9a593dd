package wxcrypto

import "errors"

// The errors of the callback message crypto. Each names what is wrong and nothing else: no
// error returned by this package contains key material, plaintext or decrypted bytes. The
// comment of each gives the code the official WXBizMsgCrypt samples use for the same failure.
var (
	// ErrBadKey reports an EncodingAESKey or receive-id that cannot be used (-40004).
	ErrBadKey = errors.New("wxcrypto: invalid EncodingAESKey")
	// ErrBadBase64 reports a ciphertext that is not standard Base64 (-40010).
	ErrBadBase64 = errors.New("wxcrypto: ciphertext is not valid base64")
	// ErrBadPadding reports a decrypted buffer whose PKCS#7 padding (block size 32) is not
	// 1..32 bytes of the same value; it is what a wrong key usually gives (-40007).
	ErrBadPadding = errors.New("wxcrypto: bad padding")
	// ErrBadLayout reports a ciphertext that is empty or not a whole number of AES blocks, or
	// a decrypted buffer too short for random(16) || length(4) or whose length field points
	// past its end (-40008).
	ErrBadLayout = errors.New("wxcrypto: bad message layout")
	// ErrAppIDMismatch reports a message that decrypted well but whose trailing receive-id is
	// not the configured appid (-40005).
	ErrAppIDMismatch = errors.New("wxcrypto: appid mismatch")
	// ErrBadEnvelope reports an encrypted request envelope that is not the XML WeChat sends
	// (-40002).
	ErrBadEnvelope = errors.New("wxcrypto: bad encrypted envelope")
)
