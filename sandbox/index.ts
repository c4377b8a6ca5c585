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

interface Route {
  method: "GET" | "POST";
  pattern: RegExp;
  operation: string;
  auth: "v3" | "v2";
  /** the merchant orderId this call concerns, for fault matching and call counts */
  orderId: (ctx: OpContext, m: Match) => string | undefined;
  handle: (ctx: OpContext, m: Match) => Response | Promise<Response>;
}

const byTx = (ctx: OpContext, m: Match, i = 2) => ctx.ledger.byTransaction.get(m[i]!)?.orderId;
const byRegKey = (ctx: OpContext, m: Match) => ctx.ledger.regKeys.get(decodeURIComponent(m[2]!))?.orderId;
const tx = (ctx: OpContext, m: Match) => ctx.ledger.byTransaction.get(m[2]!);
const fromBody = (ctx: OpContext) => (typeof ctx.body.orderId === "string" ? ctx.body.orderId : undefined);
const provider = (ctx: OpContext) => (ctx.version === "v4" ? { paymentProvider: "TSP" } : {});
const V = "/(v3|v4)/payments";

const ROUTES: Route[] = [
  {
    method: "POST",
    pattern: new RegExp(`^${V}/request$`),
    operation: "request",
    auth: "v3",
    orderId: fromBody,
    handle: (ctx) => request(ctx),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/(\\d+)/confirm$`),
    operation: "confirm",
    auth: "v3",
    orderId: byTx,
    handle: (ctx, m) => confirm(ctx, m[2]!),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/authorizations/(\\d+)/capture$`),
    operation: "capture",
    auth: "v3",
    orderId: byTx,
    handle: (ctx, m) => capturePayment(ctx, tx(ctx, m), provider(ctx)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/authorizations/(\\d+)/void$`),
    operation: "void",
    auth: "v3",
    orderId: byTx,
    handle: (ctx, m) => voidPayment(tx(ctx, m)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/(\\d+)/refund$`),
    operation: "refund",
    auth: "v3",
    orderId: byTx,
    handle: (ctx, m) => refundPayment(ctx, tx(ctx, m)),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${V}$`),
    operation: "details",
    auth: "v3",
    orderId: (ctx) =>
      ctx.url.searchParams.get("orderId") ??
      ctx.ledger.byTransaction.get(ctx.url.searchParams.get("transactionId") ?? "")?.orderId,
    handle: (ctx) => details(ctx),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${V}/requests/(\\d+)/check$`),
    operation: "check",
    auth: "v3",
    orderId: byTx,
    handle: (ctx, m) => checkStatus(ctx, m[2]!),
  },
  {
    method: "GET",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/check$`),
    operation: "preapproved.check",
    auth: "v3",
    orderId: byRegKey,
    handle: (ctx, m) => checkRegKey(ctx.ledger, decodeURIComponent(m[2]!)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/payment$`),
    operation: "preapproved.pay",
    auth: "v3",
    orderId: fromBody,
    handle: (ctx, m) => payPreapproved(ctx, decodeURIComponent(m[2]!)),
  },
  {
    method: "POST",
    pattern: new RegExp(`^${V}/preapprovedPay/([^/]+)/expire$`),
    operation: "preapproved.expire",
    auth: "v3",
    orderId: byRegKey,
    handle: (ctx, m) => expireRegKey(ctx.ledger, decodeURIComponent(m[2]!)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/payments\/oneTimeKeys\/pay$/,
    operation: "pos.pay",
    auth: "v2",
    orderId: fromBody,
    handle: (ctx) => posPay(ctx),
  },
  {
    method: "GET",
    pattern: /^\/v2\/payments\/orders\/([^/]+)\/check$/,
    operation: "pos.check",
    auth: "v2",
    orderId: (_c, m) => decodeURIComponent(m[1]!),
    handle: (ctx, m) => posCheck(ctx.ledger, decodeURIComponent(m[1]!)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/payments\/orders\/([^/]+)\/void$/,
    operation: "pos.void",
    auth: "v2",
    orderId: (_c, m) => decodeURIComponent(m[1]!),
    handle: (ctx, m) => posVoid(ctx, decodeURIComponent(m[1]!)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/payments\/orders\/([^/]+)\/capture$/,
    operation: "pos.capture",
    auth: "v2",
    orderId: (_c, m) => decodeURIComponent(m[1]!),
    handle: (ctx, m) => posCapture(ctx, decodeURIComponent(m[1]!)),
  },
  {
    method: "POST",
    pattern: /^\/v2\/payments\/orders\/([^/]+)\/refund$/,
    operation: "pos.refund",
    auth: "v2",
    orderId: (_c, m) => decodeURIComponent(m[1]!),
    handle: (ctx, m) => posRefund(ctx, decodeURIComponent(m[1]!)),
  },
  {
    method: "GET",
    pattern: /^\/v2\/payments\/authorizations$/,
    operation: "pos.authorizations",
    auth: "v2",
    orderId: (ctx) => ctx.url.searchParams.get("orderId") ?? undefined,
    handle: (ctx) => posAuthorizations(ctx),
  },
  {
    method: "GET",
    pattern: /^\/v2\/payments$/,
    operation: "pos.details",
    auth: "v2",
    orderId: (ctx) => ctx.url.searchParams.get("orderId") ?? undefined,
    handle: (ctx) => posDetails(ctx),
  },
  {
    method: "POST",
    pattern: /^\/v1\/partner-deposits$/,
    operation: "deposit",
    auth: "v3",
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
    version: url.pathname.startsWith("/v4/") ? "v4" : "v3",
    now: Date.now(),
  };
  const orderId = route.orderId(ctx, match);
  const regKey = route.operation.startsWith("preapproved.") ? decodeURIComponent(match[2] ?? "") : undefined;
  countCall(ledger, route.operation, [orderId, regKey ? `regKey:${regKey}` : undefined]);
  const device = request.headers.get("X-LINE-MerchantDeviceProfileId");
  if (orderId && device) ledger.devices.set(orderId, { ...ledger.devices.get(orderId), [route.operation]: device });

  const authError = route.auth === "v3" ? await checkV3(request, raw, channel) : await checkV2(request, channel);
  if (authError) return envelope(authError, authError === "1106" ? "Header information error." : "Merchant not found.");
  if (badJson) return envelope("2102", "JSON format error.");

  const fault = takeFault(route.operation, orderId, channel.id);
  if (fault?.type === "returnCode" && fault.phase !== "after") {
    if (route.operation === "pos.pay" && orderId) ledger.posFailures.add(orderId);
    // LINE Pay's rule: a capture failing with 1199 or a card error (1280-1298) cancels the authorization.
    const code = Number(fault.returnCode);
    const payment = orderId ? ledger.byOrder.get(orderId) : undefined;
    if (
      (route.operation === "capture" || route.operation === "pos.capture") &&
      payment?.payStatus === "AUTHORIZATION"
    ) {
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
        api: ["/v3|v4/payments/...", "/v2/payments/...", "/v1/partner-deposits"],
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
