/**
 * Test controls, under `/__sandbox/` (a prefix LINE Pay never uses): faults, approval without
 * a browser, call counts, the ledger, My Codes, and a reset. Documented in the README.
 */
import { addFault, clearFaults, idle, type Fault } from "./faults";
import { approve, cancel, redirectTarget } from "./payment-page";
import { randomDigits, refunded, resetState, state } from "./store";

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

export async function controls(request: Request, url: URL): Promise<Response> {
  const path = url.pathname.replace(/^\/__sandbox/, "");
  const method = request.method;

  if (path === "/faults" && method === "POST") {
    const b = (await request.json().catch(() => null)) as {
      operation?: string;
      orderId?: string;
      times?: number;
      fault?: Fault;
    } | null;
    if (!b?.operation || !b.fault?.type) return json({ error: "operation and fault.type are required" }, 400);
    addFault(b.operation, b.fault, b.orderId, b.times ?? 1);
    return json({ queued: true });
  }
  if (path === "/faults" && method === "DELETE") {
    clearFaults(url.searchParams.get("orderId") ?? undefined);
    return json({ cleared: true });
  }
  const decision = /^\/reservations\/(\d+)\/(approve|cancel)$/.exec(path);
  if (decision && method === "POST") {
    const p = state.byTransaction.get(decision[1]!);
    if (!p || p.kind !== "online") return json({ error: "no such reservation" }, 404);
    const approved = decision[2] === "approve";
    if (!(approved ? approve(p) : cancel(p))) return json({ error: `reservation is ${p.reservation}` }, 409);
    return json({ transactionId: p.transactionId, orderId: p.orderId, confirmUrl: redirectTarget(p, approved) });
  }
  if (path === "/calls" && method === "GET") {
    const key =
      url.searchParams.get("orderId") ??
      (url.searchParams.get("regKey") ? `regKey:${url.searchParams.get("regKey")}` : "*");
    return json({ calls: state.calls.get(key) ?? {} });
  }
  // Waits for work LINE Pay still does after its caller gave up (late faults), so a test can
  // look at the ledger once everything that will ever happen has happened.
  if (path === "/idle" && method === "GET") {
    const done = await idle();
    return done ? json({ idle: true }) : json({ idle: false, error: "late work still running after 30 s" }, 504);
  }
  if (path === "/ledger" && method === "GET") {
    const only = url.searchParams.get("orderId");
    const payments: Record<string, unknown> = {};
    for (const p of state.byOrder.values()) {
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
        ...(state.devices.get(p.orderId) ? { deviceProfileIds: state.devices.get(p.orderId) } : {}),
      };
    }
    const deposits: Record<string, unknown> = {};
    for (const d of state.deposits.values()) {
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
    state.oneTimeKeys.set(oneTimeKey, { expiresAt, used: false });
    return json({ oneTimeKey, expiresAt: new Date(expiresAt).toISOString() });
  }
  if (path === "/regkeys" && method === "GET") {
    const orderId = url.searchParams.get("orderId");
    const found = [...state.regKeys.values()].find((k) => k.orderId === orderId);
    return found
      ? json({ regKey: found.regKey, status: found.status })
      : json({ error: "no regKey for this orderId" }, 404);
  }
  if (path === "/reset" && method === "POST") {
    resetState();
    clearFaults();
    return json({ reset: true });
  }
  return json({ error: "unknown control" }, 404);
}
