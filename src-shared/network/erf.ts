// erf, erfc and the standard normal Φ, ϕ in float64 (JavaScript has no Math.erf): the one implementation used by
// the activation registry (φ = erf, GELU), the theory's closed forms and the samplers.
// erf/erfc follow W. J. Cody's rational Chebyshev approximations ("Rational Chebyshev approximations for the error
// function", Math. Comp. 23 (1969) 631–638; the SPECFUN CALERF coefficients), accurate to float64 rounding and
// relative in the right tail of erfc.

const INV_SQRT_PI = 0.5641895835477563; // 1/√π
const INV_SQRT_2 = 0.7071067811865476; // 1/√2
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

// Cody's three intervals: |x| ≤ 0.46875 erf ≈ x·R₁(x²); 0.46875 < |x| ≤ 4 erfc ≈ e^{−x²}·R₂(|x|);
// |x| > 4 erfc ≈ e^{−x²}/|x|·(1/√π + R₃(1/x²)/x²).
const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const Q = [
  2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 2.33520497626869185e-3,
];
const THRESH = 0.46875;
const X_SMALL = 1.11e-16; // below this x² underflows relative to 1: erf(x) = x·R₁(0)
const X_BIG = 26.543; // erfc(x) underflows to 0 beyond this

/** erf(x) for |x| ≤ 0.46875. */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const z = y > X_SMALL ? y * y : 0;
  let num = A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * z;
    den = (den + B[i]) * z;
  }
  return (x * (num + A[3])) / (den + B[3]);
}

/** e^{−y²} without the relative error of rounding y² first: split y = y₁₆ + rest, y₁₆ a multiple of 1/16. */
function expMinusSquare(y: number): number {
  const y16 = Math.trunc(y * 16) / 16;
  const del = (y - y16) * (y + y16);
  return Math.exp(-y16 * y16) * Math.exp(-del);
}

/** erfc(y) for y > 0.46875. */
function erfcLarge(y: number): number {
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    return (expMinusSquare(y) * (num + C[7])) / (den + D[7]);
  }
  if (y >= X_BIG) return 0;
  const z = 1 / (y * y);
  let num = P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + P[i]) * z;
    den = (den + Q[i]) * z;
  }
  const r = (z * (num + P[4])) / (den + Q[4]);
  return (expMinusSquare(y) * (INV_SQRT_PI - r)) / y;
}

/** The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt, float64-accurate (Cody 1969). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= THRESH) return erfSmall(x);
  const r = 0.5 - erfcLarge(y) + 0.5;
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in relative terms in the right tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= THRESH) return 1 - erfSmall(x);
  const r = erfcLarge(y);
  return x < 0 ? 2 - r : r;
}

/** Standard normal CDF Φ(x) = erfc(−x/√2)/2 (accurate in the left tail). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * INV_SQRT_2);
}

/** Standard normal density ϕ(x) = e^{−x²/2}/√(2π). */
export function normalPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}
