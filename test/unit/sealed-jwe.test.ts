/**
 * The hand-written compact JWE (dir + A256GCM) against jose, the reference implementation: each
 * opens what the other seals, so regKey entries sealed by earlier versions (with jose) still
 * open. And everything that must not open does not.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { SealError, kidOf, openJwe, protectedHeader, sealJwe } from "../../durable-objects/sealed-jwe";
import type { Keyring } from "../../model/config";

const keyBytes = () => crypto.getRandomValues(new Uint8Array(32));
const ring = (active = "k1", keys: Record<string, Uint8Array> = { [active]: keyBytes() }): Keyring => ({
  active,
  keys,
});
const aes = (bytes: Uint8Array) => crypto.subtle.importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
const b64url = (text: string) => btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

describe("sealed JWE", () => {
  it("is opened by jose, pinned to dir and A256GCM, with kid and binding in the protected header", async () => {
    const keyring = ring();
    const jwe = await sealJwe(keyring, { tid: "token-1" }, { regKey: "RK123", n: 1 });
    expect(jwe.split(".")).toHaveLength(5);
    expect(jwe.split(".")[1]).toBe("");
    const { plaintext, protectedHeader: header } = await compactDecrypt(jwe, await aes(keyring.keys.k1!), {
      keyManagementAlgorithms: ["dir"],
      contentEncryptionAlgorithms: ["A256GCM"],
    });
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({ regKey: "RK123", n: 1 });
    expect(header).toEqual({ alg: "dir", enc: "A256GCM", kid: "k1", tid: "token-1" });
    expect(decodeProtectedHeader(jwe)).toEqual(protectedHeader(jwe));
  });

  it("opens what jose sealed", async () => {
    const keyring = ring();
    const jwe = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify({ token: "rk_x" })))
      .setProtectedHeader({ alg: "dir", enc: "A256GCM", kid: "k1", tid: "t" })
      .encrypt(await aes(keyring.keys.k1!));
    expect(await openJwe(keyring, { tid: "t" }, jwe)).toEqual({ token: "rk_x" });
  });

  it("uses a fresh IV each time: the same payload never seals to the same ciphertext", async () => {
    const keyring = ring();
    const a = await sealJwe(keyring, {}, "same");
    const b = await sealJwe(keyring, {}, "same");
    expect(a.split(".")[2]).not.toBe(b.split(".")[2]);
    expect(a.split(".")[3]).not.toBe(b.split(".")[3]);
  });

  it("opens under an older kid still in the keyring, and names a kid the keyring lost", async () => {
    const old = ring("k1");
    const jwe = await sealJwe(old, { mid: "m" }, "secret");
    const rotated = ring("k2", { ...old.keys, k2: keyBytes() });
    expect(await openJwe(rotated, { mid: "m" }, jwe)).toBe("secret");
    expect(kidOf(jwe)).toBe("k1");
    const lost = ring("k9");
    await expect(openJwe(lost, { mid: "m" }, jwe)).rejects.toMatchObject({ reason: "unknown_kid", kid: "k1" });
  });

  it("refuses a ciphertext bound to another value, with another key, or tampered anywhere", async () => {
    const keyring = ring();
    const jwe = await sealJwe(keyring, { mid: "shop-a", fld: "channelSecret" }, "s3cret");
    const refused = async (text: string, binding = { mid: "shop-a", fld: "channelSecret" }, keys = keyring) => {
      const error = await openJwe(keys, binding, text).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SealError);
      expect((error as SealError).reason).toBe("invalid");
    };
    await refused(jwe, { mid: "shop-b", fld: "channelSecret" });
    await refused(jwe, { mid: "shop-a", fld: "eventsWebhookSecret" });
    await refused(jwe, undefined, ring("k1"));
    const [h, , iv, ct, tag] = jwe.split(".") as [string, string, string, string, string];
    const flip = (part: string) => (part[0] === "A" ? "B" : "A") + part.slice(1);
    await refused([h, "", iv, ct, flip(tag)].join("."));
    await refused([h, "", iv, flip(ct), tag].join("."));
    await refused([h, "", flip(iv), ct, tag].join("."));
    // A header rewritten to claim another merchant: the tag covers the header, so it fails.
    const forgedHeader = b64url(
      JSON.stringify({ alg: "dir", enc: "A256GCM", kid: "k1", mid: "shop-b", fld: "channelSecret" }),
    );
    await refused([forgedHeader, "", iv, ct, tag].join("."), { mid: "shop-b", fld: "channelSecret" });
    const otherAlg = b64url(
      JSON.stringify({ alg: "A256KW", enc: "A256GCM", kid: "k1", mid: "shop-a", fld: "channelSecret" }),
    );
    await refused([otherAlg, "", iv, ct, tag].join("."));
    await refused([h, "AAAA", iv, ct, tag].join("."));
    await refused("not a jwe");
    await refused(`${h}....`);
  });

  it("lets no binding overwrite alg, enc or kid", async () => {
    await expect(sealJwe(ring(), { alg: "none" }, "x")).rejects.toThrow();
    await expect(sealJwe(ring(), { kid: "k0" }, "x")).rejects.toThrow();
  });
});
