/**
 * A merchant's events endpoint, for tests only (bundled by vitest.config.ts as the auxiliary
 * Worker `events-receiver`, reached by the gateway at http://receiver.test through the test
 * network, test/support/network.ts). It records every delivery as it arrived (the headers that
 * matter and the raw body, byte for byte) and answers as told: 2xx by default, a status the
 * first N times or always, or no answer for longer than the gateway waits. It is also the
 * consumer of the dead-letter queue, so tests can see what was parked there.
 *
 *   POST   /__receiver/rules         {eventId?|orderId?, status?, location?, times?, hangMs?}:
 *                                    the next `times` (default: every) matching deliveries
 *                                    answer `status` (default 500, with `location` as Location),
 *                                    or hang `hangMs` before answering 204
 *   GET    /__receiver/deliveries    ?eventId= &orderId=: what arrived, oldest first
 *   GET    /__receiver/dead-letters  ?eventId=: message bodies the dead-letter queue received
 *   anything else                    a delivery
 */

export interface Rule {
  eventId?: string;
  orderId?: string;
  status?: number;
  location?: string;
  /** how many more deliveries it applies to; undefined: all */
  times?: number;
  hangMs?: number;
}

export interface ReceivedDelivery {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  eventId: string | null;
  orderId: string | null;
  answered: number | "hung";
}

const deliveries: ReceivedDelivery[] = [];
const deadLetters: unknown[] = [];
const rules: Rule[] = [];

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

function orderIdOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { data?: { orderId?: unknown; depositId?: unknown } };
    const id = parsed.data?.orderId ?? parsed.data?.depositId;
    return typeof id === "string" ? id : null;
  } catch {
    return null;
  }
}

async function receive(request: Request): Promise<Response> {
  const body = await request.text();
  const received: Record<string, string> = {};
  for (const [name, value] of request.headers) received[name] = value;
  const eventId = request.headers.get("webhook-id");
  const orderId = orderIdOf(body);
  const delivery: ReceivedDelivery = {
    at: Date.now(),
    method: request.method,
    path: new URL(request.url).pathname,
    headers: received,
    body,
    eventId,
    orderId,
    answered: 204,
  };
  deliveries.push(delivery);
  const rule = rules.find(
    (r) =>
      (r.times === undefined || r.times > 0) &&
      (r.eventId === undefined || r.eventId === eventId) &&
      (r.orderId === undefined || r.orderId === orderId),
  );
  if (!rule) return new Response(null, { status: 204 });
  if (rule.times !== undefined) rule.times -= 1;
  if (rule.hangMs !== undefined) {
    delivery.answered = "hung";
    await new Promise((resolve) => setTimeout(resolve, rule.hangMs));
    return new Response(null, { status: 204 });
  }
  delivery.answered = rule.status ?? 500;
  const headers = rule.location ? { Location: rule.location } : undefined;
  return new Response("receiver says no", { status: delivery.answered, headers });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const q = url.searchParams;
    if (url.pathname === "/__receiver/rules" && request.method === "POST") {
      rules.unshift((await request.json()) as Rule);
      return json({ rules: rules.length });
    }
    if (url.pathname === "/__receiver/deliveries") {
      return json(
        deliveries.filter(
          (d) =>
            (!q.has("eventId") || d.eventId === q.get("eventId")) &&
            (!q.has("orderId") || d.orderId === q.get("orderId")),
        ),
      );
    }
    if (url.pathname === "/__receiver/dead-letters") {
      return json(
        deadLetters.filter(
          (m) => !q.has("eventId") || (m as { event?: { id?: string } }).event?.id === q.get("eventId"),
        ),
      );
    }
    return receive(request);
  },

  async queue(batch: MessageBatch<unknown>): Promise<void> {
    for (const message of batch.messages) {
      deadLetters.push(message.body);
      message.ack();
    }
  },
};
