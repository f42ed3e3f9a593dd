package sandbox

// OCR (cv/ocr/*) and image processing (cv/img/*). Every call names its image by the
// img_url query parameter or uploads it as the multipart field img (or, as some SDKs
// do, as the raw body); img_url wins when both are given ("传这个则不用传 img").

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Kinds of image recognisers, named like the last element of their path.
const (
	smartKindIDCard          = "idcard"
	smartKindBankCard        = "bankcard"
	smartKindDrivingLicense  = "drivinglicense"
	smartKindBizLicense      = "bizlicense"
	smartKindComm            = "comm"
	smartKindPlateNum        = "platenum"
	smartKindMenu            = "menu"
	smartKindQRCode          = "qrcode"
	smartKindAICrop          = "aicrop"
	smartKindSuperResolution = "superresolution"
)

// smartImagePaths maps a kind to its API path.
var smartImagePaths = map[string]string{
	smartKindIDCard:          "/cv/ocr/idcard",
	smartKindBankCard:        "/cv/ocr/bankcard",
	smartKindDrivingLicense:  "/cv/ocr/drivinglicense",
	smartKindBizLicense:      "/cv/ocr/bizlicense",
	smartKindComm:            "/cv/ocr/comm",
	smartKindPlateNum:        "/cv/ocr/platenum",
	smartKindMenu:            "/cv/ocr/menu",
	smartKindQRCode:          "/cv/img/qrcode",
	smartKindAICrop:          "/cv/img/aicrop",
	smartKindSuperResolution: "/cv/img/superresolution",
}

// smartImageKinds maps each recogniser kind whose answers come from fixtures to the
// shape of its answer (the fields the platform documents), which fixtures must fit.
var smartImageKinds = map[string]any{
	smartKindIDCard:         &smartIDCardAnswer{},
	smartKindBankCard:       &smartBankCardAnswer{},
	smartKindDrivingLicense: &smartDrivingLicenseAnswer{},
	smartKindBizLicense:     &smartBizLicenseAnswer{},
	smartKindComm:           &smartCommAnswer{},
	smartKindPlateNum:       &smartPlateNumAnswer{},
	smartKindMenu:           &smartMenuAnswer{},
	smartKindQRCode:         &smartQRCodeAnswer{},
	smartKindAICrop:         &smartAICropAnswer{},
}

func smartImageKindList() string {
	kinds := make([]string, 0, len(smartImageKinds))
	for k := range smartImageKinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return strings.Join(kinds, ", ")
}

// Answer shapes (fixtures are checked against them; the answer is the fixture's own
// fields plus errcode and errmsg).
type (
	smartPoint struct {
		X int `json:"x"`
		Y int `json:"y"`
	}
	smartQuad struct {
		LeftTop     smartPoint `json:"left_top"`
		RightTop    smartPoint `json:"right_top"`
		RightBottom smartPoint `json:"right_bottom"`
		LeftBottom  smartPoint `json:"left_bottom"`
	}
	smartImgSize struct {
		W int `json:"w"`
		H int `json:"h"`
	}
	smartIDCardAnswer struct {
		Type        string `json:"type"` // Front or Back
		Name        string `json:"name"`
		ID          string `json:"id"`
		Addr        string `json:"addr"`
		Gender      string `json:"gender"`
		Nationality string `json:"nationality"`
		ValidDate   string `json:"valid_date"`
	}
	smartBankCardAnswer struct {
		Number string `json:"number"`
	}
	smartDrivingLicenseAnswer struct {
		IDNum        string `json:"id_num"`
		Name         string `json:"name"`
		Sex          string `json:"sex"`
		Nationality  string `json:"nationality"`
		Address      string `json:"address"`
		BirthDate    string `json:"birth_date"`
		IssueDate    string `json:"issue_date"`
		CarClass     string `json:"car_class"`
		ValidFrom    string `json:"valid_from"`
		ValidTo      string `json:"valid_to"`
		OfficialSeal string `json:"official_seal"`
	}
	smartBizLicenseAnswer struct {
		RegNum              string `json:"reg_num"`
		Serial              string `json:"serial"`
		LegalRepresentative string `json:"legal_representative"`
		EnterpriseName      string `json:"enterprise_name"`
		TypeOfOrganization  string `json:"type_of_organization"`
		Address             string `json:"address"`
		TypeOfEnterprise    string `json:"type_of_enterprise"`
		BusinessScope       string `json:"business_scope"`
		RegisteredCapital   string `json:"registered_capital"`
		PaidInCapital       string `json:"paid_in_capital"`
		ValidPeriod         string `json:"valid_period"`
		RegisteredDate      string `json:"registered_date"`
		CertPosition        *struct {
			Pos smartQuad `json:"pos"`
		} `json:"cert_position"`
		ImgSize *smartImgSize `json:"img_size"`
	}
	smartCommAnswer struct {
		Items []struct {
			Text string    `json:"text"`
			Pos  smartQuad `json:"pos"`
		} `json:"items"`
		ImgSize *smartImgSize `json:"img_size"`
	}
	smartPlateNumAnswer struct {
		Number string `json:"number"`
	}
	smartMenuAnswer struct {
		Content struct {
			MenuItems []struct {
				Name  string  `json:"name"`
				Price float64 `json:"price"`
			} `json:"menu_items"`
		} `json:"content"`
	}
	smartQRCodeAnswer struct {
		CodeResults []struct {
			TypeName string    `json:"type_name"`
			Data     string    `json:"data"`
			Pos      smartQuad `json:"pos"`
		} `json:"code_results"`
		ImgSize *smartImgSize `json:"img_size"`
	}
	smartAICropAnswer struct {
		Results []struct {
			CropLeft   int `json:"crop_left"`
			CropTop    int `json:"crop_top"`
			CropRight  int `json:"crop_right"`
			CropBottom int `json:"crop_bottom"`
		} `json:"results"`
		ImgSize *smartImgSize `json:"img_size"`
	}
	smartSuperResolutionAnswer struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
		MediaID string `json:"media_id"`
	}
)

// smartImageSource is the image of a call: a URL or uploaded bytes.
type smartImageSource struct {
	url  string
	data []byte
}

// key is the fixture key of the image.
func (src smartImageSource) key() string {
	if src.url != "" {
		return "url:" + src.url
	}
	return "sha256:" + smartHash(src.data)
}

// smartFixtureImageKey checks the image of a fixture like a call's and returns its key.
func smartFixtureImageKey(imgURL string, img []byte) (string, error) {
	switch {
	case imgURL != "" && img != nil:
		return "", &ArgumentError{Field: "img_url", Reason: "and img are exclusive"}
	case imgURL != "":
		if smartCheckImageURL(imgURL) != codeOK {
			return "", &ArgumentError{Field: "img_url", Reason: "must be an absolute http(s) URL of at most 2048 characters"}
		}
		return smartImageSource{url: imgURL}.key(), nil
	case img != nil:
		if smartCheckImage(img) != codeOK {
			return "", &ArgumentError{Field: "img", Reason: "must be a jpeg, png, bmp or gif image of 1 byte to 2 MiB"}
		}
		return smartImageSource{data: img}.key(), nil
	}
	return "", &ArgumentError{Field: "img_url", Reason: "or img is required"}
}

// smartCheckImageURL checks an img_url: 101000 unless an absolute http(s) URL.
func smartCheckImageURL(raw string) int {
	if len(raw) > smartMaxImageURL {
		return codeSmartInvalidImageURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return codeSmartInvalidImageURL
	}
	return codeOK
}

// smartCheckImage checks uploaded image bytes: 101002 when empty, over 2 MiB or not a
// jpeg, png, bmp or gif (the formats the OCR pages accept).
func smartCheckImage(data []byte) int {
	if len(data) == 0 || len(data) > smartMaxImage {
		return codeSmartImageData
	}
	switch http.DetectContentType(data) {
	case "image/jpeg", "image/png", "image/bmp", "image/gif":
		return codeOK
	}
	return codeSmartImageData
}

// smartReadImage returns the call's image: img_url, else the multipart field img (or
// the first file part), else a non-multipart raw body. No image at all is 41011 (the
// pages give no code for it; behaviour.md §0's missing-field code).
func smartReadImage(c *apiCall) (smartImageSource, int) {
	if raw := c.q.Get("img_url"); raw != "" {
		if code := smartCheckImageURL(raw); code != codeOK {
			return smartImageSource{}, code
		}
		return smartImageSource{url: raw}, codeOK
	}
	data, code := smartReadUpload(c, "img")
	if code != codeOK {
		return smartImageSource{}, code
	}
	if len(data) == 0 {
		return smartImageSource{}, codeMissingFields
	}
	if code := smartCheckImage(data); code != codeOK {
		return smartImageSource{}, code
	}
	return smartImageSource{data: data}, codeOK
}

// smartReadUpload returns the file of a multipart body (the part named field, else the
// first part with a file name), or the raw body when it is not multipart. A malformed
// multipart body is 47001.
func smartReadUpload(c *apiCall, field string) ([]byte, int) {
	mt, params, err := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return c.body, codeOK
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, codeDataFormat
	}
	mr := multipart.NewReader(bytes.NewReader(c.body), boundary)
	var first []byte
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return first, codeOK
		}
		if err != nil {
			return nil, codeDataFormat
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, codeDataFormat
		}
		if p.FormName() == field {
			return data, codeOK
		}
		if first == nil && p.FileName() != "" {
			first = data
		}
	}
}

// smartImageServer returns the serve function of a fixture-answered recogniser.
func smartImageServer(kind string) func(*Sandbox, *apiCall) answer {
	return func(s *Sandbox, c *apiCall) answer { return s.serveSmartImage(kind, c) }
}

// serveSmartImage answers a cv/ocr or cv/img recogniser: the image is checked, then the
// fixture registered for it is the answer; no fixture is 101001.
func (s *Sandbox) serveSmartImage(kind string, c *apiCall) answer {
	switch kind {
	case smartKindIDCard, smartKindBankCard:
		// type: photo (default) or scan; another value is 40097 (the pages list the two
		// values and no errcode).
		if t := c.q.Get("type"); t != "" && t != "photo" && t != "scan" {
			return smartFailMsg(codeInvalidArgs, "invalid args: type must be photo or scan")
		}
	case smartKindAICrop:
		if code := smartCheckRatios(c.q.Get("ratios")); code != codeOK {
			return smartFailMsg(code, "invalid args: ratios must be at most 5 positive numbers separated by ','")
		}
	}
	src, code := smartReadImage(c)
	if code != codeOK {
		return smartFail(code)
	}
	fields, ok := c.a.smart.images[kind][src.key()]
	if !ok {
		return smartFail(codeSmartNotFound)
	}
	out := make(map[string]json.RawMessage, len(fields)+2)
	for k, v := range fields {
		out[k] = v
	}
	out["errcode"] = json.RawMessage("0")
	out["errmsg"] = json.RawMessage(`"ok"`)
	return succeed(out)
}

// smartCheckRatios checks aicrop's ratios: empty, or 1 to 5 positive numbers separated
// by ","; anything else is 40097.
func smartCheckRatios(raw string) int {
	if raw == "" {
		return codeOK
	}
	parts := strings.Split(raw, ",")
	if len(parts) > 5 {
		return codeInvalidArgs
	}
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || !(f > 0) || f > 100 {
			return codeInvalidArgs
		}
	}
	return codeOK
}

// serveSmartSuperResolution answers cv/img/superresolution: any valid image is
// "enhanced" into a new media_id (the sandbox keeps no file behind it: media/get does
// not know the id).
func (s *Sandbox) serveSmartSuperResolution(c *apiCall) answer {
	if _, code := smartReadImage(c); code != codeOK {
		return smartFail(code)
	}
	return succeed(smartSuperResolutionAnswer{Errmsg: "ok", MediaID: s.randString(64)})
}
