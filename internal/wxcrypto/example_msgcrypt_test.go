package wxcrypto_test

import (
	"fmt"
	"strings"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

func ExampleVerifyURLSignature() {
	// GET /callback?signature=…&timestamp=1714036504&nonce=1514711492&echostr=… (official
	// message-push doc): when the signature verifies, answer with echostr as it came.
	ok := wxcrypto.VerifyURLSignature("AAAAA", "1714036504", "1514711492", "f464b24fc39322e44b38aa78f5edd27bd1441696")
	fmt.Println(ok)
	// Output: true
}

func ExampleCipher_Decrypt() {
	// The official Python sample: POST ?encrypt_type=aes&msg_signature=5d19…&timestamp=…&nonce=…
	body := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" +
		"hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=" +
		"]]></Encrypt></xml>")
	env, err := wxcrypto.ParseEnvelope(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The signature first: the ciphertext carries no integrity check of its own.
	if !wxcrypto.VerifyMsgSignature("spamtest", "1409735669", "1320562132", env.Encrypt, "5d197aaffba7e9b25a30732f161a50dee96bd5fa") {
		fmt.Println("bad msg_signature")
		return
	}
	c, err := wxcrypto.NewCipher("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wx2c2769f8efd9abc2")
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, appID, err := c.Decrypt(env.Encrypt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.ToUserName, appID)
	fmt.Println(strings.SplitN(string(msg), "\n", 2)[0])
	// Output:
	// gh_10f6c3c3ac5a wx2c2769f8efd9abc2
	// <xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>
}

func ExampleKeyring_Decrypt() {
	// The account moved to a new key; this message still came under the previous one.
	kr, err := wxcrypto.NewKeyring("wxb11529c136998cb6",
		"0123456789abcdefghijklmnopqrstuvwxyzABCDEFG", // current
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG") // previous
	if err != nil {
		fmt.Println(err)
		return
	}
	msg, used, err := kr.Decrypt("jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Encrypt the reply with used: used.EncryptReply(token, reply, timestamp, nonce, nil).
	fmt.Println(string(msg), used == kr.Previous())
	// Output: 我是中文abcd123 true
}

func ExampleAppendCDATA() {
	b := []byte("<Content>")
	b = wxcrypto.AppendCDATA(b, "a]]>b")
	b = append(b, "</Content>"...)
	fmt.Println(string(b))
	// Output: <Content><![CDATA[a]]]]><![CDATA[>b]]></Content>
}
