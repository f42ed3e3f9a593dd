// The page logic of a WeChat web login (网页授权) through wxsuite, written for the browser:
// Connect-web's transport on fetch, no Node APIs. src/page.ts wires it to a page;
// src/main.ts runs the same code from Node (which has fetch) as the CI test.
//
//   1. startLogin      BuildAuthorizeURL → the URL to send the user to, and its state
//   2. (WeChat)        the user consents; WeChat redirects to redirect_uri?code=…&state=…
//   3. finishLogin     check the state, ExchangeCode, GetUserInfo → the user's profile
//   4. configureJSSDK  SignJSSDKConfig → the object to pass to wx.config
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { JSSDKService } from "@wxsuite/client/wxsuite/token/v1/jssdk_pb";
import { AuthorizationScope, OAuthService, type UserInfo } from "@wxsuite/client/wxsuite/token/v1/oauth_pb";

/** The demo account of `wxsuite dev` (its oauth_domains and js_domains are localhost and 127.0.0.1). */
export const DEMO_APP_ID = "wxd000000000000de0";

/**
 * apiKey returns an interceptor that sends a wxsuite API key (Authorization: Bearer).
 *
 * A key in a page is readable by anyone who opens it. This example does it to stay
 * small and because `wxsuite dev` runs on the developer's machine. In a real deployment
 * the page calls its own backend, which holds the key (or the backend forwards to wxsuite
 * with a key whose scopes and app_ids are limited to what the page needs); an admin key
 * like the one `wxsuite dev` prints must never be shipped to a browser.
 */
export function apiKey(key: string): Interceptor {
  return (next) => (req) => {
    req.header.set("Authorization", `Bearer ${key}`);
    return next(req);
  };
}

/**
 * createWxsuiteTransport returns connect-web's Connect transport for the wxsuite API at
 * baseUrl (e.g. "http://127.0.0.1:8080"), sending key when one is given. A page on another
 * origin needs its origin in the server's server.cors.allowed_origins (`wxsuite dev`
 * allows every origin).
 */
export function createWxsuiteTransport(baseUrl: string, key?: string): Transport {
  return createConnectTransport({ baseUrl, interceptors: key === undefined ? [] : [apiKey(key)] });
}

/** What startLogin returns: where to send the user, and the state to compare on return. */
export interface LoginStart {
  /** The authorize URL (ends in #wechat_redirect); a page sets location.href to it. */
  url: string;
  /** The state the URL carries; a page keeps it (sessionStorage) until the user is back. */
  state: string;
}

/** What finishLogin returns. */
export interface LoginResult {
  openid: string;
  /** The unionid, when the account is bound to an open platform account. */
  unionid: string;
  /** True for the virtual user of a snapshot page (朋友圈快照页), which has no profile. */
  snapshotUser: boolean;
  /** The profile (snsapi_userinfo); undefined for a snapshot user. */
  profile: UserInfo | undefined;
}

/** The argument of wx.config, exactly. */
export interface WxConfig {
  debug: boolean;
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
  openTagList: string[];
}

/**
 * LoginError is a failure detected by the page itself, before or instead of a call:
 * the user came back without a code (declined) or with a state that is not the one the
 * page sent (a forged or stale redirect). Failed calls reject with ConnectError.
 */
export class LoginError extends Error {
  override name = "LoginError";
}

/** WebLogin holds the OAuthService and JSSDKService clients of one account. */
export class WebLogin {
  readonly oauth: Client<typeof OAuthService>;
  readonly jssdk: Client<typeof JSSDKService>;

  constructor(
    transport: Transport,
    readonly appId: string = DEMO_APP_ID,
  ) {
    this.oauth = createClient(OAuthService, transport);
    this.jssdk = createClient(JSSDKService, transport);
  }

  /**
   * startLogin asks for the authorize URL that brings the user back to redirectUri, an
   * absolute URL on one of the account's authorization domains (InvalidArgument
   * otherwise). wxsuite generates the state.
   */
  async startLogin(redirectUri: string): Promise<LoginStart> {
    const res = await this.oauth.buildAuthorizeURL({
      appId: this.appId,
      redirectUri,
      scope: AuthorizationScope.SNSAPI_USERINFO,
    });
    return { url: res.url, state: res.state };
  }

  /**
   * finishLogin completes the login on the page WeChat redirected to: currentUrl is that
   * page's URL (location.href) and expectedState the state startLogin returned. The state
   * is checked before the code is spent. A code is single-use: a second finishLogin with
   * the same URL (a reload) rejects with ConnectError FailedPrecondition.
   */
  async finishLogin(currentUrl: string, expectedState: string): Promise<LoginResult> {
    const params = new URL(currentUrl).searchParams;
    const code = params.get("code");
    const state = params.get("state");
    if (code === null || code === "") {
      throw new LoginError("no code in the redirect: the user did not authorize");
    }
    if (expectedState === "" || state !== expectedState) {
      throw new LoginError("the redirect's state is not the one this page sent");
    }
    const grant = await this.oauth.exchangeCode({ appId: this.appId, code });
    let profile: UserInfo | undefined;
    if (!grant.snapshotUser) {
      // wxsuite stored the user's tokens at the exchange; the profile is read with them.
      const res = await this.oauth.getUserInfo({ appId: this.appId, openid: grant.openid });
      profile = res.user;
    }
    return { openid: grant.openid, unionid: grant.unionid, snapshotUser: grant.snapshotUser, profile };
  }

  /**
   * configureJSSDK signs wx.config for the page at pageUrl (location.href; the fragment
   * does not matter), whose host must be one of the account's JS-safe domains.
   */
  async configureJSSDK(pageUrl: string, jsApiList: string[], openTagList: string[] = [], debug = false): Promise<WxConfig> {
    const res = await this.jssdk.signJSSDKConfig({ appId: this.appId, url: pageUrl, jsApiList, openTagList, debug });
    return {
      debug: res.debug,
      appId: res.appId,
      timestamp: Number(res.timestamp), // int64 arrives as bigint; wx.config wants a number
      nonceStr: res.nonceStr,
      signature: res.signature,
      jsApiList: res.jsApiList,
      openTagList: res.openTagList,
    };
  }
}
