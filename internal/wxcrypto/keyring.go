package wxcrypto

import "fmt"

// Keyring holds the current EncodingAESKey of an account and, during a rotation, the previous
// one. WeChat switches to a new key some time after it is saved in the console, so for a while
// messages arrive under either; the official advice is to try the current key, then the
// previous one, and to encrypt the reply with the key that worked. A Keyring is safe for
// concurrent use.
type Keyring struct {
	current, previous *Cipher
}

// NewKeyring returns the Keyring of appID with the current key and, unless previous is "",
// the previous key. Errors wrap ErrBadKey and say which key is wrong.
func NewKeyring(appID, current, previous string) (*Keyring, error) {
	cur, err := NewCipher(current, appID)
	if err != nil {
		return nil, fmt.Errorf("current key: %w", err)
	}
	k := &Keyring{current: cur}
	if previous != "" && previous != current {
		if k.previous, err = NewCipher(previous, appID); err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
	}
	return k, nil
}

// Current returns the Cipher of the current key.
func (k *Keyring) Current() *Cipher { return k.current }

// Previous returns the Cipher of the previous key, or nil when there is none.
func (k *Keyring) Previous() *Cipher { return k.previous }

// Decrypt decrypts b64 as Cipher.Decrypt does, with the current key and then, if that fails,
// the previous one. used is the Cipher that worked (compare it with Previous to count
// messages still under the old key); encrypt the reply with it. When neither works, err wraps
// the error of each attempt (errors.Is finds both); a Base64 or block-length error is
// returned once, since no key can help. With two keys the first attempt decrypts into a
// copy, so allocation is twice Cipher.Decrypt's, still proportional to len(b64).
func (k *Keyring) Decrypt(b64 string) (msg []byte, used *Cipher, err error) {
	ct, err := decodeCiphertext(b64)
	if err != nil {
		return nil, nil, err
	}
	if k.previous == nil {
		if msg, err = k.current.open(ct, ct); err != nil {
			return nil, nil, err
		}
		return msg, k.current, nil
	}
	// The first attempt must leave ct intact for the second.
	msg, errCur := k.current.open(make([]byte, len(ct)), ct)
	if errCur == nil {
		return msg, k.current, nil
	}
	msg, errPrev := k.previous.open(ct, ct)
	if errPrev == nil {
		return msg, k.previous, nil
	}
	return nil, nil, fmt.Errorf("wxcrypto: no key decrypts the message: current key: %w; previous key: %w", errCur, errPrev)
}
