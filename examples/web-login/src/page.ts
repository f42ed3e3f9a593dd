// The browser entry of index.html: a "Log in with WeChat" button, the return from the
// authorize page, and wx.config. Not run in CI (src/main.ts runs the same WebLogin calls
// from Node); a bundler turns it into dist/page.bundle.js (see README.md).
import { Code, ConnectError } from "@connectrpc/connect";
import { createWxsuiteTransport, WebLogin, type WxConfig } from "./login.js";

/** The part of the WeChat JS-SDK (jweixin-1.6.0.js) this page uses; absent outside WeChat. */
interface WeChatJSSDK {
  config(c: WxConfig): void;
  ready(f: () => void): void;
  error(f: (res: { errMsg: string }) => void): void;
}
declare global {
  interface Window {
    wx?: WeChatJSSDK;
  }
}

const STATE_KEY = "wxsuite-login-state";

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? "";
}

function show(text: string): void {
  const out = document.getElementById("out");
  if (out) out.textContent = text;
}

// Demo only: the key sits in the page (see apiKey in login.ts for what to do instead).
const login = new WebLogin(createWxsuiteTransport(meta("wxsuite-url"), meta("wxsuite-key")), meta("wxsuite-app-id") || undefined);

async function logIn(): Promise<void> {
  // Come back to this page, without any query or fragment.
  const { url, state } = await login.startLogin(location.origin + location.pathname);
  sessionStorage.setItem(STATE_KEY, state);
  location.href = url;
}

async function onLoad(): Promise<void> {
  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("state")) {
    const expected = sessionStorage.getItem(STATE_KEY) ?? "";
    sessionStorage.removeItem(STATE_KEY);
    const here = location.href;
    // The code is single-use: drop it from the address bar so a reload does not resend it.
    history.replaceState(null, "", location.pathname);
    const user = await login.finishLogin(here, expected);
    show(user.profile ? `Hello ${user.profile.nickname} (${user.openid})` : `openid ${user.openid} (snapshot page user)`);
  }
  // Sign for the URL the page has now, as the JS-SDK checks location.href at wx.config.
  const config = await login.configureJSSDK(location.href, ["updateAppMessageShareData", "chooseImage"]);
  const wx = window.wx;
  if (wx) {
    wx.config(config);
    wx.ready(() => show(`${document.getElementById("out")?.textContent ?? ""}\nJS-SDK ready`));
    wx.error((res) => show(`wx.config failed: ${res.errMsg}`));
  }
}

function fail(err: unknown): void {
  show(err instanceof ConnectError ? `wxsuite: ${Code[err.code]}: ${err.rawMessage}` : String(err));
}

document.getElementById("login")?.addEventListener("click", () => void logIn().catch(fail));
void onLoad().catch(fail);
