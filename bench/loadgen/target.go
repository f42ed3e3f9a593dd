package main

import (
	"slices"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
)

// Target is a preset: the method called by default and the message types it takes and
// returns, with a default request.
type Target struct {
	// Method is the default full method name.
	Method string
	// Request is the default request as protojson.
	Request string
	// NewRequest and NewResponse return empty messages of the method's types.
	NewRequest, NewResponse func() proto.Message
}

// targets returns the presets selectable with -target.
func targets() map[string]Target {
	return map[string]Target{
		"token": {
			Method:      "/wxsuite.token.v1.TokenService/GetAccessToken",
			Request:     `{"app_id":"wxd000000000000de0"}`,
			NewRequest:  func() proto.Message { return new(tokenv1.GetAccessTokenRequest) },
			NewResponse: func() proto.Message { return new(tokenv1.GetAccessTokenResponse) },
		},
		"jssdk": {
			Method:      "/wxsuite.token.v1.JSSDKService/SignJSSDKConfig",
			Request:     `{"app_id":"wxd000000000000de0","url":"http://localhost:3000/page?x=1","js_api_list":["chooseImage","scanQRCode"]}`,
			NewRequest:  func() proto.Message { return new(tokenv1.SignJSSDKConfigRequest) },
			NewResponse: func() proto.Message { return new(tokenv1.SignJSSDKConfigResponse) },
		},
		"echo": {
			Method:      "/wxsuite.bench.v1.EchoService/Echo",
			Request:     `"hello"`,
			NewRequest:  func() proto.Message { return new(wrapperspb.StringValue) },
			NewResponse: func() proto.Message { return new(wrapperspb.StringValue) },
		},
	}
}

func targetNames() []string {
	names := make([]string, 0, 3)
	for n := range targets() {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
