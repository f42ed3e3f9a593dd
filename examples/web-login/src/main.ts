// Node entry, the CI test: runs the page's calls (login.ts, connect-web's transport on
// Node's fetch) against a running `wxsuite dev` (WXSUITE_URL, default
// http://127.0.0.1:8080; WXSUITE_KEY, the key it prints), follows the authorize URL to the
// sandbox as a browser would, and checks every answer. One line per step; exit 1 on any
// failure.
//
//   WXSUITE_KEY=wxsk_… npm run start
//   WXSUITE_KEY=wxsk_… WXSUITE_URL=http://127.0.0.1:18580 npm run start
import { createHash } from "node:crypto";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { TicketType, TokenService } from "@wxsuite/client/wxsuite/token/v1/token_pb";
import { createWxsuiteTransport, DEMO_APP_ID, LoginError, WebLogin, type LoginResult } from "./login.js";

const baseUrl = process.env["WXSUITE_URL"] ?? "http://127.0.0.1:8080";
const key = process.env["WXSUITE_KEY"] ?? "";
if (key === "") {
  console.error("set WXSUITE_KEY to a wxsuite API key (wxsuite dev prints one)");
  process.exit(2);
}
const appId = process.env["WXSUITE_APP_ID"] ?? DEMO_APP_ID;

const transport = createWxsuiteTransport(baseUrl, key);
const login = new WebLogin(transport, appId);

const REDIRECT = "http://localhost:3000/callback?from=test";
const PAGE = "http://localhost:3000/page#frag";
const JS_API_LIST = ["updateAppMessageShareData", "chooseImage"];

let failures = 0;

/** step runs one check and prints one line: "ok   name: detail" or "FAIL name: why". */
async function step(name: string, f: () => Promise<string>): Promise<void> {
  try {
    console.log(`ok   ${name}: ${await f()}`);
  } catch (err) {
    failures++;
    console.error(`FAIL ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function check(cond: boolean, msg: string): asserts cond {
  if (!cond) throw new Error(msg);
}

/** rejectsWith runs f and returns the ConnectError it must reject with, of code want. */
async function rejectsWith(want: Code, f: () => Promise<unknown>): Promise<ConnectError> {
  try {
    await f();
  } catch (err) {
    const ce = ConnectError.from(err);
    check(ce.code === want, `rejected with ${Code[ce.code]} (${ce.rawMessage}), want ${Code[want]}`);
    return ce;
  }
  throw new Error(`succeeded, want ${Code[want]}`);
}

let state = "";
let authorizeUrl = "";
let redirectedTo = "";
let user: LoginResult | undefined;

await step("startLogin", async () => {
  ({ url: authorizeUrl, state } = await login.startLogin(REDIRECT));
  const u = new URL(authorizeUrl);
  check(u.searchParams.get("appid") === appId, `appid ${u.searchParams.get("appid")}`);
  check(u.searchParams.get("redirect_uri") === REDIRECT, `redirect_uri ${u.searchParams.get("redirect_uri")}`);
  check(u.searchParams.get("scope") === "snsapi_userinfo", `scope ${u.searchParams.get("scope")}`);
  check(u.searchParams.get("state") === state && /^[A-Za-z0-9]{1,128}$/.test(state), `state ${state} / ${u.searchParams.get("state")}`);
  check(u.hash === "#wechat_redirect", `fragment ${u.hash}`);
  return `${u.origin}${u.pathname} state=${state}`;
});

await step("authorize page redirects", async () => {
  check(authorizeUrl !== "", "no authorize URL");
  // What the browser does at location.href = url (the sandbox logs in its demo user).
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  const location = res.headers.get("location") ?? "";
  check(res.status === 302, `status ${res.status}, want 302: ${(await res.text()).slice(0, 200)}`);
  redirectedTo = new URL(location, authorizeUrl).href;
  const back = new URL(redirectedTo);
  check(`${back.origin}${back.pathname}` === "http://localhost:3000/callback", `redirected to ${redirectedTo}`);
  check(back.searchParams.get("from") === "test", `the redirect URI's own query was lost: ${redirectedTo}`);
  check((back.searchParams.get("code") ?? "") !== "", `no code: ${redirectedTo}`);
  check(back.searchParams.get("state") === state, `state ${back.searchParams.get("state")}, want ${state}`);
  return `302 → ${redirectedTo}`;
});

await step("finishLogin refuses a wrong state (before spending the code)", async () => {
  check(redirectedTo !== "", "no redirect");
  try {
    await login.finishLogin(redirectedTo, state + "x");
  } catch (err) {
    check(err instanceof LoginError, `rejected with ${String(err)}, want a LoginError`);
    return err.message;
  }
  throw new Error("succeeded");
});

await step("finishLogin", async () => {
  check(redirectedTo !== "", "no redirect");
  user = await login.finishLogin(redirectedTo, state);
  check(user.openid !== "", "empty openid");
  check(!user.snapshotUser, "snapshot user");
  check(user.profile !== undefined, "no profile");
  check(user.profile.openid === user.openid, `profile openid ${user.profile.openid} ≠ ${user.openid}`);
  check(user.profile.nickname !== "", "empty nickname");
  return `openid ${user.openid}, nickname ${JSON.stringify(user.profile.nickname)}, ${user.profile.city}, ${user.profile.country}`;
});

await step("the code is single-use", async () => {
  check(redirectedTo !== "", "no redirect");
  const err = await rejectsWith(Code.FailedPrecondition, () => login.finishLogin(redirectedTo, state));
  return `${Code[err.code]}: ${err.rawMessage}`;
});

await step("configureJSSDK", async () => {
  const config = await login.configureJSSDK(PAGE, JS_API_LIST);
  check(/^[0-9a-f]{40}$/.test(config.signature), `signature ${config.signature}`);
  check(config.appId === appId, `appId ${config.appId}`);
  check(config.nonceStr !== "", "empty nonceStr");
  // Not before now (less some skew). In `wxsuite dev` the service follows the sandbox
  // clock, so after a clock:advance the timestamp is that far in the future.
  check(config.timestamp > Date.now() / 1000 - 600, `timestamp ${config.timestamp} is in the past`);
  check(JSON.stringify(config.jsApiList) === JSON.stringify(JS_API_LIST), `jsApiList ${config.jsApiList.join(",")}`);
  check(config.openTagList.length === 0 && config.debug === false, `openTagList ${config.openTagList.join(",")}, debug ${config.debug}`);
  const keys = Object.keys(config).sort().join(",");
  check(keys === "appId,debug,jsApiList,nonceStr,openTagList,signature,timestamp", `wx.config keys ${keys}`);

  // Verify the signature independently: sha1 of the jsapi ticket, nonce, timestamp and
  // the URL without its fragment (the dev key is admin, so it may read the ticket).
  const { ticket } = await createClient(TokenService, transport).getTicket({ appId, type: TicketType.JSAPI });
  check(ticket !== "", "empty jsapi ticket");
  const signed = `jsapi_ticket=${ticket}&noncestr=${config.nonceStr}&timestamp=${config.timestamp}&url=${PAGE.split("#")[0]}`;
  const want = createHash("sha1").update(signed).digest("hex");
  check(config.signature === want, `signature ${config.signature}, sha1(${signed}) = ${want}`);
  return `wx.config(${JSON.stringify(config)}) — signature verified`;
});

await step("redirect to a foreign domain", async () => {
  const err = await rejectsWith(Code.InvalidArgument, () => login.startLogin("https://evil.example.com/callback"));
  return `${Code[err.code]}: ${err.rawMessage}`;
});

await step("wx.config for a page on a foreign domain", async () => {
  const err = await rejectsWith(Code.InvalidArgument, () => login.configureJSSDK("https://evil.example.com/page", JS_API_LIST));
  return `${Code[err.code]}: ${err.rawMessage}`;
});

await step("a call without the API key", async () => {
  const anonymous = new WebLogin(createWxsuiteTransport(baseUrl), appId);
  const err = await rejectsWith(Code.Unauthenticated, () => anonymous.startLogin(REDIRECT));
  return `${Code[err.code]}: ${err.rawMessage}`;
});

if (failures > 0) {
  console.error(`${failures} step(s) failed`);
  process.exit(1);
}
console.log("web login OK");
