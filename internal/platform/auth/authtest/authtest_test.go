package authtest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/wxsuite/wxsuite/internal/platform/auth/authtest"
)

func TestBearer(t *testing.T) {
	t.Parallel()
	var got string
	srv := httptest.NewServer(connect.NewUnaryHandler("/test.v1.Echo/Ping",
		func(_ context.Context, req *connect.Request[emptypb.Empty]) (*connect.Response[emptypb.Empty], error) {
			got = req.Header().Get("Authorization")
			return connect.NewResponse(&emptypb.Empty{}), nil
		}))
	defer srv.Close()
	c := connect.NewClient[emptypb.Empty, emptypb.Empty](http.DefaultClient, srv.URL+"/test.v1.Echo/Ping", authtest.Bearer("wxsk_k"))
	if _, err := c.CallUnary(context.Background(), connect.NewRequest(&emptypb.Empty{})); err != nil {
		t.Fatal(err)
	}
	if got != "Bearer wxsk_k" {
		t.Errorf("Authorization = %q", got)
	}
}
