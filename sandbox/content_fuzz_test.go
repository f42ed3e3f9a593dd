package sandbox

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"testing"
)

// FuzzContentUpload feeds arbitrary multipart bodies and files to the upload parsing and
// checks of the content endpoints (outside input): they never panic, and an accepted
// file fits its rule.
func FuzzContentUpload(f *testing.F) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, _ := w.CreateFormFile("media", "a.amr")
	_, _ = fw.Write([]byte("#!AMR\n\x3c\x00\x00"))
	_ = w.WriteField("description", `{"title":"t"}`)
	_ = w.Close()
	f.Add(b.Bytes(), w.Boundary(), uint8(1))
	f.Add([]byte("--x\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.png\"\r\n\r\n\x89PNG\r\n\x1a\n\r\n--x--\r\n"), "x", uint8(0))
	f.Add([]byte{}, "", uint8(3))
	types := []string{"image", "voice", "video", "thumb"}
	f.Fuzz(func(t *testing.T, body []byte, boundary string, k uint8) {
		r, err := http.NewRequest(http.MethodPost, "/cgi-bin/media/upload", bytes.NewReader(body))
		if err != nil {
			return
		}
		r.Header.Set("Content-Type", "multipart/form-data; boundary=\""+boundary+"\"")
		file, _, code := readMediaUpload(&apiCall{r: r, body: body})
		if code != codeOK {
			return
		}
		rule := materialRules[types[int(k)%len(types)]]
		if rule.check(file) == codeOK && len(file.data) > rule.maxSize {
			t.Fatalf("accepted %d bytes", len(file.data))
		}
		_, _ = amrDuration(file.data)
	})
}
