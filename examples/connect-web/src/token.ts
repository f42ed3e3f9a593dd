// The browser-side example: a web frontend calling the wxsuite token service with
// Connect-web. The same module runs in Node (>= 18, which has fetch); src/main.ts does so.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { TicketType, TokenService } from "@wxsuite/client/wxsuite/token/v1/token_pb";

/** The demo account of `wxsuite dev`. */
export const DEMO_APP_ID = "wxd000000000000de0";

/** A TokenService client, whatever transport it uses. */
export type TokenClient = Client<typeof TokenService>;

/**
 * apiKey returns an interceptor that sends a wxsuite API key (Authorization: Bearer).
 * Every call needs one; `wxsuite dev` prints its key at start.
 */
export function apiKey(key: string): Interceptor {
  return (next) => (req) => {
    req.header.set("Authorization", `Bearer ${key}`);
    return next(req);
  };
}

/**
 * createTokenClient returns a TokenService client speaking the Connect protocol through
 * fetch, as a browser does. baseUrl is the wxsuite API, e.g. "http://127.0.0.1:8080"; a
 * page on another origin needs that origin in the server's server.cors.allowed_origins.
 */
export function createTokenClient(baseUrl: string, key: string): TokenClient {
  return createClient(TokenService, createConnectTransport({ baseUrl, interceptors: [apiKey(key)] }));
}

/** What tokenCalls found out. */
export interface TokenReport {
  accessToken: string;
  expiresAt: Date;
  jsapiTicket: string;
  accounts: string[];
  /** The code of the error for an account that is not configured (NotFound). */
  unknownAccountCode: Code | undefined;
}

/**
 * tokenCalls makes the calls a frontend typically makes: the access token, the jsapi
 * ticket (to sign wx.config), the account list, and one call for an account that is not
 * configured, whose ConnectError code it reports.
 */
export async function tokenCalls(client: TokenClient, appId: string): Promise<TokenReport> {
  const token = await client.getAccessToken({ appId });
  const ticket = await client.getTicket({ appId, type: TicketType.JSAPI });
  const { accounts } = await client.listAccounts({});

  let unknownAccountCode: Code | undefined;
  try {
    await client.getAccessToken({ appId: "wx0000000000000000" });
  } catch (err) {
    // Every failed call rejects with a ConnectError; ConnectError.from also wraps
    // anything else (a network failure becomes Code.Unavailable or Code.Unknown).
    unknownAccountCode = ConnectError.from(err).code;
  }

  return {
    accessToken: token.accessToken,
    expiresAt: token.expiresAt ? timestampDate(token.expiresAt) : new Date(0),
    jsapiTicket: ticket.ticket,
    accounts: accounts.map((a) => a.appId),
    unknownAccountCode,
  };
}

/** browserExample is what a page runs: a Connect-web client and the calls above. */
export function browserExample(baseUrl: string, key: string, appId: string = DEMO_APP_ID): Promise<TokenReport> {
  return tokenCalls(createTokenClient(baseUrl, key), appId);
}
