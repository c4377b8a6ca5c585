/**
 * A LINE Pay emulator Worker (development and tests only; never deployed with the gateway).
 * It answers LINE Pay's own paths so that any LINE Pay client can point at it unchanged, and
 * serves the payment page and the `/__sandbox/` test controls. Every call belongs to the channel
 * its X-LINE-ChannelId names (channels.ts), is checked with that channel's secret and works on
 * that channel's ledger.
 */
import { checkV2, checkV3 } from "./auth";
import { ChannelConfigError, channelById, configureChannels, type Registered, type SandboxEnv } from "./channels";
import type { OpContext } from "./context";
import { controls } from "./controls";
import { deposit } from "./deposit";
import { takeFault, underFault } from "./faults";
import { envelope } from "./json";
import { posAuthorizations, posCapture, posCheck, posDetails, posPay, posRefund, posVoid } from "./offline";
import { capturePayment, checkStatus, confirm, details, refundPayment, request, voidPayment } from "./online";
import { paymentDecision, paymentPage } from "./payment-page";
import { checkRegKey, expireRegKey, payPreapproved } from "./preapproved";
import { countCall } from "./store";

type Match = string[];

/**
 * A LINE Pay API. How a call is authenticated follows from its path's version (v2: the secret
 * header; v1, v3 and v4: the signature), so a route does not say it. `operation` names the call
 * for faults and call counts; a function where one path serves two operations (GET /v4/payments).
 */
interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  operation: string | ((ctx: OpContext) => string);
  /** the merchant orderId this call concerns, for fault matching and call counts */
  orderId: (ctx: OpContext, m: Match) => string | undefined;
  handle: (ctx: OpContext, m: Match) => Response | Promise<Response>;
}

const byTx = (ctx: OpContext, m: Match, i = 2) => ctx.ledger.byTransaction.get(m[i]!)?.orderId;
const byRegKey = (ctx: OpContext, m: Match) => ctx.ledger.regKeys.get(decodeURIComponent(m[2]!))?.orderId;
const tx = (ctx: OpContext, m: Match) => ctx.ledger.byTransaction.get(m[2]!);
const fromBody = (ctx: OpContext) => (typeof ctx.body.orderId === "string" ? ctx.body.orderId : undefined);
const provider = (ctx: OpContext) => (ctx.version === "v4" ? { paymentProvider: "TSP" } : {});
const inPath = (_ctx: OpContext, m: Match) => decodeURIComponent(m[2]!);
const V = "/(v3|v4)/payments";
const OFFLINE = "/(v2|v4)/payments";

/**
 * GET /v4/payments is the details of online v4 and of Offline v4 alike (v3 is online only, v2
 * offline only). A call by orderId alone for an order that is no online payment (a POS payment,
 * or none yet) is the offline one, `pos.details`: the gateway's offline client asks so, its
 * online client by transactionId.
 */
function offlineDetails(ctx: OpContext): boolean {
  if (ctx.version !== "v4") return ctx.version === "v2";
  if (ctx.url.searchParams.has("transactionId")) return false;
  const orderId = ctx.url.searchParams.get("orderId");
  const payment = orderId === null ? undefined : ctx.ledger.byOrder.get(orderId);
  return payment === undefined || payment.kind === "pos";
}

const ROUTES: Route[] = [
  {
    method: "POST",
    pattern: new RegExp(`^${V}/request$`),
    operation: "request",
    orderId: fromBody,
    handle: (ctx) => request(ctx),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/(\\d+)/confirm$`),
    operation: "confirm",
    orderId: byTx,
    handle: (ctx, m) => confirm(ctx, m[2]!),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/authorizations/(\\d+)/capture$`),
    operation: "capture",
    orderId: byTx,
    handle: (ctx, m) => capturePayment(ctx, tx(ctx, m), provider(ctx)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/authorizations/(\\d+)/void$`),
    operation: "void",
    orderId: byTx,
    handle: (ctx, m) => voidPayment(tx(ctx, m)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/(\\d+)/refund$`),
    operation: "refund",
    orderId: byTx,
    handle: (ctx, m) => refundPayment(ctx, tx(ctx, m)),
  },
  {
    method: "GET",
    pattern: /^\/(v2|v3|v4)\/payments$/,
    operation: (ctx) => (offlineDetails(ctx) ? "pos.details" : "details"),
    orderId: (ctx) =>
      ctx.url.searchParams.get("orderId") ??
      ctx.ledger.byTransaction.get(ctx.url.searchParams.get("transactionId") ?? "")?.orderId,
    handle: (ctx) => (offlineDetails(ctx) ? posDetails(ctx) : details(ctx)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${V}/requests/(\\d+)/check$`),
    operation: "check",
    orderId: byTx,
    handle: (ctx, m) => checkStatus(ctx, m[2]!),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/check$`),
    operation: "preapproved.check",
    orderId: byRegKey,
    handle: (ctx, m) => checkRegKey(ctx.ledger, decodeURIComponent(m[2]!)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/payment$`),
    operation: "preapproved.pay",
    orderId: fromBody,
    handle: (ctx, m) => payPreapproved(ctx, decodeURIComponent(m[2]!)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/expire$`),
    operation: "preapproved.expire",
    orderId: byRegKey,
    handle: (ctx, m) => expireRegKey(ctx.ledger, decodeURIComponent(m[2]!)),
  },
  // Offline v2 and v4: the same operations and handlers (faults and call counts name them
  // alike); the version decides the authentication and the pay body's shape (offline.ts).
  // Their details share the online details' route above.
  {
    method: "POST",
    pattern: new RegExp(`^${OFFLINE}/oneTimeKeys/pay$`),
    operation: "pos.pay",
    orderId: fromBody,
    handle: (ctx) => posPay(ctx),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${OFFLINE}/orders/([^/]+)/check$`),
    operation: "pos.check",
    orderId: inPath,
    handle: (ctx, m) => posCheck(ctx, inPath(ctx, m)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${OFFLINE}/orders/([^/]+)/void$`),
    operation: "pos.void",
    orderId: inPath,
    handle: (ctx, m) => posVoid(ctx, inPath(ctx, m)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${OFFLINE}/orders/([^/]+)/capture$`),
    operation: "pos.capture",
    orderId: inPath,
    handle: (ctx, m) => posCapture(ctx, inPath(ctx, m)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${OFFLINE}/orders/([^/]+)/refund$`),
    operation: "pos.refund",
    orderId: inPath,
    handle: (ctx, m) => posRefund(ctx, inPath(ctx, m)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${OFFLINE}/authorizations$`),
    operation: "pos.authorizations",
    orderId: (ctx) => ctx.url.searchParams.get("orderId") ?? undefined,
    handle: (ctx) => posAuthorizations(ctx),
  },
  {
    method: "POST",
    pattern: /^\/v1\/partner-deposits$/,
    operation: "deposit",
    orderId: fromBody,
    handle: (ctx) => deposit(ctx),
  },
];

async function linePay(
  request: Request,
  url: URL,
  route: Route,
  match: Match,
  background: ExecutionContext,
): Promise<Response> {
  const raw = request.method === "POST" ? await request.text() : "";
  let body: Record<string, unknown> = {};
  let badJson = false;
  if (raw.trim() !== "") {
    try {
      const parsed = JSON.parse(raw) as unknown;
      body = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      badJson = true;
    }
  }
  // LINE Pay answers an unknown channel id 1106 before looking at anything else.
  const registered: Registered | undefined = channelById(request.headers.get("X-LINE-ChannelId"));
  if (!registered) return envelope("1106", "Header information error.");
  const { channel, ledger } = registered;
  const ctx: OpContext = {
    ledger,
    request,
    url,
    body,
    version: url.pathname.split("/")[1] ?? "",
    now: Date.now(),
  };
  const operation = typeof route.operation === "function" ? route.operation(ctx) : route.operation;
  const orderId = route.orderId(ctx, match);
  const regKey = operation.startsWith("preapproved.") ? decodeURIComponent(match[2] ?? "") : undefined;
  // v2 sends the channel secret in a header; v3, v4 (online and offline) and deposits sign.
  // Both are looked at on every call, so a test can tell which a call carried (`auth` in the calls).
  const signatureError = await checkV3(request, raw, channel);
  const authError = ctx.version === "v2" ? await checkV2(request, channel) : signatureError;
  countCall(ledger, operation, [orderId, regKey ? `regKey:${regKey}` : undefined], {
    channelSecretHeader: request.headers.has("X-LINE-ChannelSecret"),
    signature: signatureError === null,
  });
  const device = request.headers.get("X-LINE-MerchantDeviceProfileId");
  if (orderId && device) ledger.devices.set(orderId, { ...ledger.devices.get(orderId), [operation]: device });

  if (authError) return envelope(authError, authError === "1106" ? "Header information error." : "Merchant not found.");
  if (badJson) return envelope("2102", "JSON format error.");

  const fault = takeFault(operation, orderId, channel.id);
  if (fault?.type === "returnCode" && fault.phase !== "after") {
    if (operation === "pos.pay" && orderId) ledger.posFailures.add(orderId);
    // LINE Pay's rule: a capture failing with 1199 or a card error (1280-1298) cancels the authorization.
    const code = Number(fault.returnCode);
    const payment = orderId ? ledger.byOrder.get(orderId) : undefined;
    if ((operation === "capture" || operation === "pos.capture") && payment?.payStatus === "AUTHORIZATION") {
      if (code === 1199 || (code >= 1280 && code <= 1298)) payment.payStatus = "VOIDED_AUTHORIZATION";
    }
    return envelope(fault.returnCode, fault.returnMessage ?? "Refused by a sandbox fault.");
  }
  if (fault?.type === "payAmount") ctx.payAmount = fault.amount;
  return underFault(fault, background, async () => route.handle(ctx, match), envelope);
}

export default {
  async fetch(request: Request, env: SandboxEnv, background: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    try {
      configureChannels(env);
    } catch (error) {
      if (!(error instanceof ChannelConfigError)) throw error;
      return Response.json({ error: error.message }, { status: 500 });
    }
    if (url.pathname.startsWith("/__sandbox/")) return controls(request, url);
    const page = /^\/payment\/(\d+)$/.exec(url.pathname);
    if (page) return request.method === "POST" ? paymentDecision(request, page[1]!) : paymentPage(page[1]!);
    if (url.pathname === "/" || url.pathname === "/__sandbox") {
      return Response.json({
        name: "LINE Pay sandbox (emulator)",
        api: ["/v3|v4/payments/... (online)", "/v2|v4/payments/... (offline, POS)", "/v1/partner-deposits"],
        controls: [
          "POST /__sandbox/channels",
          "GET /__sandbox/channels",
          "POST /__sandbox/faults",
          "DELETE /__sandbox/faults",
          "POST /__sandbox/reservations/{transactionId}/approve|cancel",
          "GET /__sandbox/calls?channelId=",
          "GET /__sandbox/idle",
          "GET /__sandbox/ledger?channelId=",
          "POST /__sandbox/one-time-keys",
          "GET /__sandbox/regkeys?orderId=&channelId=",
          "POST /__sandbox/reset",
        ],
      });
    }
    for (const route of ROUTES) {
      if (route.method !== request.method) continue;
      const match = route.pattern.exec(url.pathname);
      if (match) return linePay(request, url, route, [...match], background);
    }
    return Response.json({ returnCode: "404", returnMessage: "No such LINE Pay API in the sandbox." }, { status: 404 });
  },
};
