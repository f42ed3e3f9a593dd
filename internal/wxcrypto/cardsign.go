package wxcrypto

import (
	"crypto/sha1" //nolint:gosec // G505: WeChat's card signatures are defined as SHA-1; it is not our choice
	"encoding/hex"
	"slices"
	"strings"
)

// CardSignature returns the signature of the card JS-SDK calls (the signature inside
// wx.addCard's cardExt, and wx.chooseCard's cardSign): the values are sorted as strings,
// concatenated without separator and hashed with SHA-1, in lowercase hex. Empty values are
// left out, as WeChat does for optional fields that are not set. values is not modified.
//
// cardExt signs api_ticket, timestamp, card_id, code, openid and nonce_str; cardSign signs
// api_ticket, appid, location_id, timestamp, nonce_str, card_id and card_type.
func CardSignature(values ...string) string {
	vs := make([]string, 0, len(values))
	for _, v := range values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	sum := sha1.Sum([]byte(strings.Join(vs, ""))) //nolint:gosec // G401: SHA-1 is the algorithm WeChat defines
	return hex.EncodeToString(sum[:])
}
