/**
 * Test controls, under `/__sandbox/` (a prefix LINE Pay never uses): channels, faults, approval
 * without a browser, call counts, the ledger, My Codes, and a reset. Documented in the README.
 * What belongs to a channel (calls, ledger, regKeys) is the first channel's unless `channelId`
 * names another.
 */
import { addChannel, allChannels, channelById, firstChannel, isChannelBody, resetChannels } from "./channels";
import { addFault, clearFaults, idle, type Fault } from "./faults";
import { approve, cancel, findReservation, redirectTarget } from "./payment-page";
import { myCodes, randomDigits, refunded, resetMyCodes, type Ledger } from "./store";

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

/** The ledger `?channelId=` names (the first channel's without it), or a 404 answer. */
function ledgerOf(url: URL): Ledger | Response {
  const id = url.searchParams.get("channelId");
  if (id === null) return firstChannel().ledger;
  return channelById(id)?.ledger ?? json({ error: "no such channel" }, 404);
}

export async function controls(request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/^\/__sandbox/, "");
  const method = request.method;

  if (path === "/channels" && method === "POST") {
    const b = (await request.json().catch(() => null)) as unknown;
    if (!isChannelBody(b)) return json({ error: "channelId (digits) and channelSecret are required" }, 400);
    const { created } = addChannel({ id: b.channelId, secret: b.channelSecret });
    return json({ channelId: b.channelId, created }, created ? 201 : 200);
  }
  if (path === "/channels" && method === "GET") {
    return json({ channels: allChannels().map((c) => c.channel.id) });
  }

  if (path === "/faults" && method === "POST") {
    const b = (await request.json().catch(() => null)) as {
      operation?: string;
      orderId?: string;
      channelId?: string;
      times?: number;
      fault?: Fault;
    } | null;
    if (!b?.operation || !b.fault?.type) return json({ error: "operation and fault.type are required" }, 400);
    addFault(b.operation, b.fault, b.orderId, b.times ?? 1, b.channelId);
    return json({ queued: true });
  }
  if (path === "/faults" && method === "DELETE") {
    clearFaults(url.searchParams.get("orderId") ?? undefined);
    return json({ cleared: true });
  }
  const decision = /^\/reservations\/(\d+)\/(approve|cancel)$/.exec(path);
  if (decision && method === "POST") {
    const p = findReservation(decision[1]!);
    if (!p || p.kind !== "online") return json({ error: "no such reservation" }, 404);
    const approved = decision[2] === "approve";
    if (!(approved ? approve(p) : cancel(p))) return json({ error: `reservation is ${p.reservation}` }, 409);
    return json({ transactionId: p.transactionId, orderId: p.orderId, confirmUrl: redirectTarget(p, approved) });
  }
  if (path === "/calls" && method === "GET") {
    const ledger = ledgerOf(url);
    if (ledger instanceof Response) return ledger;
    const key =
      url.searchParams.get("orderId") ??
      (url.searchParams.get("regKey") ? `regKey:${url.searchParams.get("regKey")}` : "*");
    return json({ calls: ledger.calls.get(key) ?? {}, auth: ledger.auth.get(key) ?? {} });
  }
  // Waits for work LINE Pay still does after its caller gave up (late faults), so a test can
  // look at the ledger once everything that will ever happen has happened.
  if (path === "/idle" && method === "GET") {
    const done = await idle();
    return done ? json({ idle: true }) : json({ idle: false, error: "late work still running after 30 s" }, 504);
  }
  if (path === "/ledger" && method === "GET") {
    const ledger = ledgerOf(url);
    if (ledger instanceof Response) return ledger;
    const only = url.searchParams.get("orderId");
    const payments: Record<string, unknown> = {};
    for (const p of ledger.byOrder.values()) {
      if (only && p.orderId !== only) continue;
      if (!p.payStatus) continue;
      payments[p.orderId] = {
        transactionId: p.transactionId,
        kind: p.kind,
        status: p.payStatus,
        amount: p.amount,
        currency: p.currency,
        captured: p.payStatus === "CAPTURE" ? p.captured : 0,
        refunded: refunded(p),
        ...(p.deviceType ? { deviceType: p.deviceType } : {}),
        ...(p.deviceProfileId ? { deviceProfileId: p.deviceProfileId } : {}),
        ...(ledger.devices.get(p.orderId) ? { deviceProfileIds: ledger.devices.get(p.orderId) } : {}),
      };
    }
    const deposits: Record<string, unknown> = {};
    for (const d of ledger.deposits.values()) {
      if (only && d.orderId !== only) continue;
      deposits[d.orderId] = {
        transactionId: d.transactionId,
        amount: d.amount,
        fee: d.fee,
        referenceNo: d.referenceNo,
      };
    }
    return json({ payments, deposits });
  }
  if (path === "/one-time-keys" && method === "POST") {
    const oneTimeKey = randomDigits(19);
    const expiresAt = Date.now() + 5 * 60_000;
    myCodes.minted.set(oneTimeKey, { expiresAt, used: false });
    return json({ oneTimeKey, expiresAt: new Date(expiresAt).toISOString() });
  }
  if (path === "/regkeys" && method === "GET") {
    const ledger = ledgerOf(url);
    if (ledger instanceof Response) return ledger;
    const orderId = url.searchParams.get("orderId");
    const found = [...ledger.regKeys.values()].find((k) => k.orderId === orderId);
    return found
      ? json({ regKey: found.regKey, status: found.status })
      : json({ error: "no regKey for this orderId" }, 404);
  }
  if (path === "/reset" && method === "POST") {
    resetChannels();
    resetMyCodes();
    clearFaults();
    return json({ reset: true });
  }
  return json({ error: "unknown control" }, 404);
}
