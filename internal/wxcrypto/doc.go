// Package wxcrypto implements the URL/message signatures and AES message crypto of the
// WeChat platform: the signatures web pages and servers exchange with WeChat (JS-SDK
// wx.config, card cardExt and cardSign) and the protection of callback messages.
//
// Every function is pure: it takes the ticket, token or key it needs as an argument and
// neither fetches nor logs anything. Signatures are lowercase hex, as WeChat expects.
//
// # Callback messages
//
// WeChat pushes messages to the callback URL in one of three modes. In plaintext mode only
// the signature query parameter protects a request: check it with VerifyURLSignature (also
// for the GET handshake, whose echostr is answered verbatim). In compatible and safe mode
// (encrypt_type=aes) the body carries an Encrypt element and the query a msg_signature:
//
//  1. ParseEnvelope reads ToUserName and Encrypt from the body;
//  2. VerifyMsgSignature checks msg_signature over token, timestamp, nonce and Encrypt;
//  3. Keyring.Decrypt (or Cipher.Decrypt) recovers the message and checks the appid;
//  4. the reply is encrypted with the Cipher that worked: Cipher.EncryptReply returns the
//     envelope with Encrypt, MsgSignature, TimeStamp and Nonce.
//
// The order matters. AES-CBC carries no integrity check, and Decrypt's typed errors
// (ErrBadPadding, ErrBadLayout, ErrAppIDMismatch) would make a padding oracle if they reached
// a sender whose signature was not checked; after a failed step, answer all the same way.
// AppendCDATA writes text for the plaintext reply builders.
package wxcrypto
