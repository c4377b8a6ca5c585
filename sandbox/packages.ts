/**
 * LINE Pay's rule for a body's `packages[]`, as the online request and Offline v4's pay use it:
 * `amount` = Σ package amounts (+ user fees, + the extra the caller names: online's shipping),
 * and each package's amount = Σ product price × quantity. Compared in cents, so 0.1 + 0.2 adds up.
 */
type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const cents = (n: number) => Math.round(n * 100);

const isObject = (value: unknown): value is Body => typeof value === "object" && value !== null;

/** Whether `packages` is a non-empty list of packages whose amounts add up to `amount`. */
export function packagesAddUp(packages: unknown, amount: number, extraCents = 0): packages is Body[] {
  if (!Array.isArray(packages) || packages.length === 0 || !packages.every(isObject)) return false;
  const total = packages.reduce((s: number, p) => s + cents(p.amount) + cents(p.userFee ?? 0), 0) + extraCents;
  const productsFit = packages.every(
    (p) =>
      Array.isArray(p.products) &&
      p.products.every(isObject) &&
      p.products.reduce((s: number, x: Body) => s + cents(x.price) * x.quantity, 0) === cents(p.amount),
  );
  return total === cents(amount) && productsFit;
}

/** The products' names, as LINE Pay's details answer them (`productName`). */
export const productNames = (packages: Body[]): string =>
  packages.flatMap((p) => (p.products as Body[]).map((x) => String(x.name))).join(", ");
