package smart

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	smartv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/smart/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// API paths of the vision calls.
const (
	pathIDCard          = "/cv/ocr/idcard"
	pathBankCard        = "/cv/ocr/bankcard"
	pathDrivingLicense  = "/cv/ocr/drivinglicense"
	pathBizLicense      = "/cv/ocr/bizlicense"
	pathComm            = "/cv/ocr/comm"
	pathPlateNum        = "/cv/ocr/platenum"
	pathMenu            = "/cv/ocr/menu"
	pathQRCode          = "/cv/img/qrcode"
	pathAICrop          = "/cv/img/aicrop"
	pathSuperResolution = "/cv/img/superresolution"
)

// Limits of the vision calls.
const (
	// MaxImageBytes bounds an uploaded image ("小于2M").
	MaxImageBytes = 2 << 20
	// MaxImageURLLen bounds an img_url (wxsuite's bound).
	MaxImageURLLen = 2048
	// MaxCropRatios is the most aspect ratios CropImage takes ("最多支持5个").
	MaxCropRatios = 5
)

// imageTypes are the accepted image types by their sniffed Content-Type, with the file
// extension of the upload.
var imageTypes = map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/bmp": "bmp", "image/gif": "gif"}

// image is the image of a vision request: exactly one of url and data.
type image struct {
	url  string
	data []byte
}

// imageSource is implemented by every vision request: the oneof image of img_url and
// img.
type imageSource interface {
	proto.Message
	GetAppId() string
	GetImgUrl() string
	GetImg() []byte
}

// imageMember returns the name of the set member of req's oneof image, or "".
func imageMember(req imageSource) string {
	r := req.ProtoReflect()
	if fd := r.WhichOneof(r.Descriptor().Oneofs().ByName("image")); fd != nil {
		return string(fd.Name())
	}
	return ""
}

// checkImage validates the image of req.
func checkImage(req imageSource) (image, error) {
	switch imageMember(req) {
	case "img_url":
		raw := req.GetImgUrl()
		u, err := url.Parse(raw)
		if raw == "" || len(raw) > MaxImageURLLen || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return image{}, &ArgumentError{Field: "img_url", Reason: fmt.Sprintf("must be an absolute http(s) URL of at most %d characters, got %q", MaxImageURLLen, clip(raw))}
		}
		return image{url: raw}, nil
	case "img":
		data := req.GetImg()
		if len(data) == 0 || len(data) > MaxImageBytes {
			return image{}, &ArgumentError{Field: "img", Reason: fmt.Sprintf("must be 1 to %d bytes, got %d", MaxImageBytes, len(data))}
		}
		if _, ok := imageTypes[http.DetectContentType(data)]; !ok {
			return image{}, &ArgumentError{Field: "img", Reason: "must be a jpeg, png, bmp or gif image"}
		}
		return image{data: data}, nil
	}
	return image{}, &ArgumentError{Field: "img_url", Reason: "or img is required"}
}

// prepareImage checks req's account and returns its validated image.
func (s *Service) prepareImage(req imageSource) (image, error) {
	if err := s.checkAccount(req.GetAppId()); err != nil {
		return image{}, err
	}
	return checkImage(req)
}

// recognize sends img to path with the extra query q and decodes the answer into out.
func (s *Service) recognize(ctx context.Context, appID, path string, img image, q url.Values, out any) error {
	if q == nil {
		q = url.Values{}
	}
	req := &wechat.Request{AppID: appID, Method: "POST", Path: path, Query: q, Idempotent: true}
	if img.url != "" {
		q.Set("img_url", img.url)
	} else {
		ctype := http.DetectContentType(img.data)
		body, ct, err := multipartFile("img", "img."+imageTypes[ctype], ctype, img.data)
		if err != nil {
			return err
		}
		req.RawBody, req.ContentType = io.Reader(body), ct
	}
	return s.wc.Do(ctx, req, out)
}

// modeQuery returns the type parameter of a recognition mode.
func modeQuery(mode smartv1.RecognitionMode) (url.Values, error) {
	switch mode {
	case smartv1.RecognitionMode_RECOGNITION_MODE_UNSPECIFIED:
		return nil, nil
	case smartv1.RecognitionMode_RECOGNITION_MODE_PHOTO:
		return url.Values{"type": {"photo"}}, nil
	case smartv1.RecognitionMode_RECOGNITION_MODE_SCAN:
		return url.Values{"type": {"scan"}}, nil
	}
	return nil, &ArgumentError{Field: "mode", Reason: fmt.Sprintf("unknown mode %d", mode)}
}

// Answer shapes of the platform.
type (
	point struct {
		X int32 `json:"x"`
		Y int32 `json:"y"`
	}
	quad struct {
		LeftTop     point `json:"left_top"`
		RightTop    point `json:"right_top"`
		RightBottom point `json:"right_bottom"`
		LeftBottom  point `json:"left_bottom"`
	}
	imgSize struct {
		W int32 `json:"w"`
		H int32 `json:"h"`
	}
)

func (p point) proto() *smartv1.Point { return &smartv1.Point{X: p.X, Y: p.Y} }

func (q *quad) proto() *smartv1.Quad {
	if q == nil {
		return nil
	}
	return &smartv1.Quad{LeftTop: q.LeftTop.proto(), RightTop: q.RightTop.proto(), RightBottom: q.RightBottom.proto(), LeftBottom: q.LeftBottom.proto()}
}

func (s *imgSize) proto() *smartv1.ImageSize {
	if s == nil {
		return nil
	}
	return &smartv1.ImageSize{W: s.W, H: s.H}
}

// RecognizeIDCard reads an identity card.
func (s *Service) RecognizeIDCard(ctx context.Context, req *smartv1.RecognizeIDCardRequest) (*smartv1.RecognizeIDCardResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	q, err := modeQuery(req.GetMode())
	if err != nil {
		return nil, err
	}
	var out struct {
		Type        string `json:"type"`
		Name        string `json:"name"`
		ID          string `json:"id"`
		Addr        string `json:"addr"`
		Gender      string `json:"gender"`
		Nationality string `json:"nationality"`
		ValidDate   string `json:"valid_date"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathIDCard, img, q, &out); err != nil {
		return nil, err
	}
	side := smartv1.IDCardSide_ID_CARD_SIDE_UNSPECIFIED
	switch strings.ToLower(out.Type) {
	case "front":
		side = smartv1.IDCardSide_ID_CARD_SIDE_FRONT
	case "back":
		side = smartv1.IDCardSide_ID_CARD_SIDE_BACK
	}
	return &smartv1.RecognizeIDCardResponse{Side: side, Name: out.Name, Id: out.ID, Addr: out.Addr, Gender: out.Gender,
		Nationality: out.Nationality, ValidDate: out.ValidDate}, nil
}

// RecognizeBankCard reads a bank card's number.
func (s *Service) RecognizeBankCard(ctx context.Context, req *smartv1.RecognizeBankCardRequest) (*smartv1.RecognizeBankCardResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	q, err := modeQuery(req.GetMode())
	if err != nil {
		return nil, err
	}
	var out struct {
		Number string `json:"number"`
		ID     string `json:"id"` // the key of the page's own answer example
	}
	if err := s.recognize(ctx, req.GetAppId(), pathBankCard, img, q, &out); err != nil {
		return nil, err
	}
	if out.Number == "" {
		out.Number = out.ID
	}
	return &smartv1.RecognizeBankCardResponse{Number: out.Number}, nil
}

// RecognizeDrivingLicense reads a driver's licence.
func (s *Service) RecognizeDrivingLicense(ctx context.Context, req *smartv1.RecognizeDrivingLicenseRequest) (*smartv1.RecognizeDrivingLicenseResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
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
	if err := s.recognize(ctx, req.GetAppId(), pathDrivingLicense, img, nil, &out); err != nil {
		return nil, err
	}
	return &smartv1.RecognizeDrivingLicenseResponse{IdNum: out.IDNum, Name: out.Name, Sex: out.Sex, Nationality: out.Nationality,
		Address: out.Address, BirthDate: out.BirthDate, IssueDate: out.IssueDate, CarClass: out.CarClass,
		ValidFrom: out.ValidFrom, ValidTo: out.ValidTo, OfficialSeal: out.OfficialSeal}, nil
}

// RecognizeBizLicense reads a business licence.
func (s *Service) RecognizeBizLicense(ctx context.Context, req *smartv1.RecognizeBizLicenseRequest) (*smartv1.RecognizeBizLicenseResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
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
			Pos *quad `json:"pos"`
		} `json:"cert_position"`
		ImgSize *imgSize `json:"img_size"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathBizLicense, img, nil, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.RecognizeBizLicenseResponse{RegNum: out.RegNum, Serial: out.Serial, LegalRepresentative: out.LegalRepresentative,
		EnterpriseName: out.EnterpriseName, TypeOfOrganization: out.TypeOfOrganization, Address: out.Address,
		TypeOfEnterprise: out.TypeOfEnterprise, BusinessScope: out.BusinessScope, RegisteredCapital: out.RegisteredCapital,
		PaidInCapital: out.PaidInCapital, ValidPeriod: out.ValidPeriod, RegisteredDate: out.RegisteredDate, ImgSize: out.ImgSize.proto()}
	if out.CertPosition != nil {
		resp.CertPosition = out.CertPosition.Pos.proto()
	}
	return resp, nil
}

// RecognizePrintedText reads the printed text of an image.
func (s *Service) RecognizePrintedText(ctx context.Context, req *smartv1.RecognizePrintedTextRequest) (*smartv1.RecognizePrintedTextResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
		Items []struct {
			Text string `json:"text"`
			Pos  *quad  `json:"pos"`
		} `json:"items"`
		ImgSize *imgSize `json:"img_size"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathComm, img, nil, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.RecognizePrintedTextResponse{ImgSize: out.ImgSize.proto()}
	for _, it := range out.Items {
		resp.Items = append(resp.Items, &smartv1.TextItem{Text: it.Text, Pos: it.Pos.proto()})
	}
	return resp, nil
}

// RecognizePlateNumber reads a plate number.
func (s *Service) RecognizePlateNumber(ctx context.Context, req *smartv1.RecognizePlateNumberRequest) (*smartv1.RecognizePlateNumberResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
		Number string `json:"number"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathPlateNum, img, nil, &out); err != nil {
		return nil, err
	}
	return &smartv1.RecognizePlateNumberResponse{Number: out.Number}, nil
}

// RecognizeMenu reads a paper menu.
func (s *Service) RecognizeMenu(ctx context.Context, req *smartv1.RecognizeMenuRequest) (*smartv1.RecognizeMenuResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
		Content struct {
			MenuItems []struct {
				Name  string  `json:"name"`
				Price float64 `json:"price"`
			} `json:"menu_items"`
		} `json:"content"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathMenu, img, nil, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.RecognizeMenuResponse{}
	for _, it := range out.Content.MenuItems {
		resp.MenuItems = append(resp.MenuItems, &smartv1.MenuItem{Name: it.Name, Price: it.Price})
	}
	return resp, nil
}

// ScanCodes decodes the codes of an image.
func (s *Service) ScanCodes(ctx context.Context, req *smartv1.ScanCodesRequest) (*smartv1.ScanCodesResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
		CodeResults []struct {
			TypeName string `json:"type_name"`
			Data     string `json:"data"`
			Pos      *quad  `json:"pos"`
		} `json:"code_results"`
		ImgSize *imgSize `json:"img_size"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathQRCode, img, nil, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.ScanCodesResponse{ImgSize: out.ImgSize.proto()}
	for _, c := range out.CodeResults {
		resp.CodeResults = append(resp.CodeResults, &smartv1.CodeResult{TypeName: c.TypeName, Data: c.Data, Pos: c.Pos.proto()})
	}
	return resp, nil
}

// checkRatios validates CropImage's ratios and returns the ratios parameter.
func checkRatios(ratios []float64) (url.Values, error) {
	if len(ratios) == 0 {
		return nil, nil
	}
	if len(ratios) > MaxCropRatios {
		return nil, &ArgumentError{Field: "ratios", Reason: fmt.Sprintf("must hold at most %d ratios, got %d", MaxCropRatios, len(ratios))}
	}
	parts := make([]string, len(ratios))
	for i, r := range ratios {
		if math.IsNaN(r) || r <= 0 || r > 100 {
			return nil, &ArgumentError{Field: fmt.Sprintf("ratios[%d]", i), Reason: fmt.Sprintf("must be in (0, 100], got %v", r)}
		}
		parts[i] = strconv.FormatFloat(r, 'f', -1, 64)
	}
	return url.Values{"ratios": {strings.Join(parts, ",")}}, nil
}

// CropImage proposes crops of an image.
func (s *Service) CropImage(ctx context.Context, req *smartv1.CropImageRequest) (*smartv1.CropImageResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	q, err := checkRatios(req.GetRatios())
	if err != nil {
		return nil, err
	}
	var out struct {
		Results []struct {
			CropLeft   int32 `json:"crop_left"`
			CropTop    int32 `json:"crop_top"`
			CropRight  int32 `json:"crop_right"`
			CropBottom int32 `json:"crop_bottom"`
		} `json:"results"`
		ImgSize *imgSize `json:"img_size"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathAICrop, img, q, &out); err != nil {
		return nil, err
	}
	resp := &smartv1.CropImageResponse{ImgSize: out.ImgSize.proto()}
	for _, r := range out.Results {
		resp.Results = append(resp.Results, &smartv1.Crop{CropLeft: r.CropLeft, CropTop: r.CropTop, CropRight: r.CropRight, CropBottom: r.CropBottom})
	}
	return resp, nil
}

// SuperResolve enhances an image.
func (s *Service) SuperResolve(ctx context.Context, req *smartv1.SuperResolveRequest) (*smartv1.SuperResolveResponse, error) {
	img, err := s.prepareImage(req)
	if err != nil {
		return nil, err
	}
	var out struct {
		MediaID string `json:"media_id"`
	}
	if err := s.recognize(ctx, req.GetAppId(), pathSuperResolution, img, nil, &out); err != nil {
		return nil, err
	}
	return &smartv1.SuperResolveResponse{MediaId: out.MediaID}, nil
}
