// Package sdkproxy tests wxsuite's transparent WeChat API proxy with a real SDK as the
// caller: github.com/silenceper/wechat/v2, configured with its URL rewrite hook to send
// every call to the proxy and with a wxsuite API key in place of the AppSecret. It is a
// module of its own so that the SDK never becomes a dependency of the suite.
package sdkproxy
