/**
 * The fault matrix (fault-matrix.ts) for POS (once per Offline API version, from one table),
 * preapproved payments and deposits, and the regKey's expire; plus a deposit whose resend is
 * refused for another reason after its first answer was lost.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tokenId } from "../../model/regkey-token";
import { alarmOf } from "../support/flows";
import { call, uniqueId } from "../support/gateway";
import { OFFLINE_VERSIONS, posGateway, type PosGateway } from "../support/pos-gateway";
import { sandbox } from "../support/sandbox";
import {
  approvedOrder,
  confirmOf,
  FAULTS,
  matrix,
  orderCase,
  paid,
  posPayTrigger,
  survives,
  type Case,
  type Setup,
} from "./fault-matrix";

let token: string | undefined;
async function regKeyToken(): Promise<string> {
  if (token) return token;
  const id = await approvedOrder({ payment: { payType: "PREAPPROVED" } });
  token = (await confirmOf(id)()).body.regKeyToken as string;
  return token;
}

const depositCase = (id: string): Case => ({
  object: `deposit:${id}`,
  id,
  kind: "deposit",
  trigger: () =>
    call("POST", "/v1/deposits", {
      scope: "deposits",
      body: { depositId: id, linePayNumber: "09012345678", amount: 1000, currency: "JPY" },
    }),
  tookEffect: async () => (await sandbox.ledger(id)).deposits[id] !== undefined,
});

/** POS, once per Offline API version: the same operation names and faults at the sandbox. */
const posSetups = (pos: PosGateway): Record<string, Setup> => ({
  async "pos.pay"(op, fault) {
    const id = uniqueId("fm");
    await pos.fault(op, fault, id);
    return orderCase(id, await posPayTrigger(id, pos), paid(id, pos), pos);
  },
  async "pos.check"(op, fault) {
    const id = uniqueId("fm");
    await pos.fault("pos.pay", { type: "drop" }, id);
    await pos.fault(op, fault, id);
    return orderCase(id, await posPayTrigger(id, pos), paid(id, pos), pos);
  },
});

const SETUPS: Record<string, Setup> = {
  async "preapproved.pay"(op, fault) {
    const rk = await regKeyToken();
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return orderCase(
      id,
      () =>
        call("POST", `/v1/preapproved/${rk}/payments`, {
          body: { productName: "Plan", amount: 1000, currency: "JPY", orderId: id },
        }),
      paid(id),
    );
  },
  async deposit(op, fault) {
    const id = uniqueId("fm");
    await sandbox.fault(op, fault, id);
    return depositCase(id);
  },
};

describe.each(OFFLINE_VERSIONS)("faults on POS, Offline API %s", (version) => {
  matrix(posSetups(posGateway(version)));
});

describe("faults on preapproved payments and deposits", () => {
  matrix(SETUPS);

  it.each(["1142", "1162"])(
    "deposit: completes once when the first answer was lost and the resend is refused %s",
    async (returnCode) => {
      const id = uniqueId("fm");
      const setup: Setup = async () => {
        await sandbox.fault("deposit", { type: "drop" }, id);
        await sandbox.fault("deposit", { type: "returnCode", returnCode }, id);
        return depositCase(id);
      };
      await survives(setup, "deposit", { type: "drop" });
      expect((await call("GET", `/v1/deposits/${id}`, { scope: "deposits" })).body.state).toBe("COMPLETED");
    },
  );
});

/**
 * The regKey's expire is not an order operation: it runs in the token's lane object. Whatever
 * the fault, the caller never sees a 500, never hears "try again" for an expiry that may have
 * happened, and the expiry completes: by the caller's next DELETE, or by the lane's own alarm.
 */
describe("faults on preapproved.expire", () => {
  it.each(FAULTS)("survives %s", async (_name, fault) => {
    const id = await approvedOrder({ payment: { payType: "PREAPPROVED" } });
    const rk: string = (await confirmOf(id)()).body.regKeyToken;
    const { regKey } = await sandbox.regKey(id);
    await sandbox.fault("preapproved.expire", fault, id);
    const first = await call("DELETE", `/v1/preapproved/${rk}`);
    expect(first.status).not.toBe(500);
    expect(first.status).not.toBe(503);
    if (first.status >= 400) expect(first.headers.get("Content-Type")).toContain("application/problem+json");
    await sandbox.idle();
    await sandbox.clearFaults(id);
    if (first.status === 202) {
      expect(first.body).toEqual({ status: "EXPIRING" });
      expect(await alarmOf(env.REGKEY_LANES.getByName(await tokenId(rk)))).not.toBeNull();
    }
    const after = await call("DELETE", `/v1/preapproved/${rk}`);
    expect([200, 404]).toContain(after.status);
    expect((await call("GET", `/v1/preapproved/${rk}`)).status).toBe(404);
    expect((await sandbox.regKey(id)).status).toBe("EXPIRED");
    expect((await sandbox.calls({ regKey }))["preapproved.expire"]).toBeLessThanOrEqual(2);
  });
});
