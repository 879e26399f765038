// Tests only: exact polynomial algebra for the brute-force checks of the exact ReLU moments
// (relu-exact-moments.test.ts, relu-exact-components.test.ts). A polynomial maps an exponent vector (as a string
// key) to its coefficient.
export type Poly = Map<string, number>;

export function monomial(nVars: number, coef: number, powers: Record<number, number> = {}): Poly {
  const e = new Array<number>(nVars).fill(0);
  for (const [k, v] of Object.entries(powers)) e[Number(k)] = v;
  return new Map([[e.join(','), coef]]);
}
export function add(p: Poly, q: Poly): Poly {
  const r = new Map(p);
  for (const [k, v] of q) r.set(k, (r.get(k) ?? 0) + v);
  return r;
}
export function mul(p: Poly, q: Poly): Poly {
  const r: Poly = new Map();
  for (const [k1, v1] of p) {
    const e1 = k1.split(',').map(Number);
    for (const [k2, v2] of q) {
      const key = k2
        .split(',')
        .map((x, i) => Number(x) + e1[i])
        .join(',');
      r.set(key, (r.get(key) ?? 0) + v1 * v2);
    }
  }
  return r;
}
/** E[(χ²_k)^e] = k(k+2)…(k+2e−2). */
export function chiMoment(k: number, e: number): number {
  let m = 1;
  for (let i = 0; i < e; i++) m *= k + 2 * i;
  return m;
}
