// Node entry: runs the calls of token.ts over three transports against a running wxsuite
// (WXSUITE_URL, default http://127.0.0.1:8080) with the API key in WXSUITE_KEY (the one
// `wxsuite dev` prints) and exits non-zero when any answer is wrong.
//
//   WXSUITE_KEY=wxsk_… npm run start                                   # against `wxsuite dev`
//   WXSUITE_KEY=wxsk_… WXSUITE_URL=http://127.0.0.1:18480 npm run start
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { TokenService } from "@wxsuite/client/wxsuite/token/v1/token_pb";
import { apiKey, browserExample, DEMO_APP_ID, tokenCalls, type TokenReport } from "./token.js";

const baseUrl = process.env["WXSUITE_URL"] ?? "http://127.0.0.1:8080";
const key = process.env["WXSUITE_KEY"] ?? "";
if (key === "") {
  console.error("set WXSUITE_KEY to a wxsuite API key (wxsuite dev prints one)");
  process.exit(2);
}
const interceptors = [apiKey(key)];
const appId = process.env["WXSUITE_APP_ID"] ?? DEMO_APP_ID;

const runs: Array<[string, () => Promise<TokenReport>]> = [
  // connect-web's transport, on Node's fetch: exactly what the browser sends.
  ["connect-web (fetch)", () => browserExample(baseUrl, key, appId)],
  // Connect protocol over HTTP/1.1 with Node's http module.
  ["connect-node Connect/HTTP 1.1", () =>
    tokenCalls(createClient(TokenService, createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors })), appId)],
  // gRPC over cleartext HTTP/2 (h2c): the server speaks it on the same port.
  ["connect-node gRPC/h2c", () =>
    tokenCalls(createClient(TokenService, createGrpcTransport({ baseUrl, interceptors })), appId)],
];

let failed = false;
for (const [name, run] of runs) {
  try {
    const r = await run();
    const problems: string[] = [];
    if (r.accessToken === "") problems.push("empty access token");
    if (r.expiresAt.getTime() <= Date.now() - 60_000) problems.push(`token expired at ${r.expiresAt.toISOString()}`);
    if (r.jsapiTicket === "") problems.push("empty jsapi ticket");
    if (!r.accounts.includes(appId)) problems.push(`ListAccounts lacks ${appId}: ${r.accounts.join(", ")}`);
    if (r.unknownAccountCode !== Code.NotFound) {
      problems.push(`unknown account gave ${r.unknownAccountCode === undefined ? "no error" : Code[r.unknownAccountCode]}, want NotFound`);
    }
    console.log(
      `${name}: access token ${r.accessToken.slice(0, 12)}… until ${r.expiresAt.toISOString()}, ` +
        `jsapi ticket ${r.jsapiTicket.slice(0, 12)}…, accounts [${r.accounts.join(", ")}], ` +
        `unknown account → ${r.unknownAccountCode === undefined ? "no error" : Code[r.unknownAccountCode]}`,
    );
    for (const p of problems) console.error(`${name}: FAIL: ${p}`);
    failed ||= problems.length > 0;
  } catch (err) {
    console.error(`${name}: FAIL:`, err);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log("all transports OK");
