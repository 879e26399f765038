// Output helpers: one JSON object per line for machines, an aligned two-column table for people.

/** Numbers for people: 6 significant digits, exponent form when very large or small. */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '∞ (overflows float64)' : String(x);
  const a = Math.abs(x);
  // every float64 ≥ 2^53 is an integer: those print in exponent form, not as 20-digit strings
  if (x === 0 || (Number.isInteger(x) && a < 2 ** 53)) return String(x);
  return a >= 1e6 || a < 1e-4 ? x.toExponential(5) : String(Number(x.toPrecision(6)));
}

/** value ± SE, the SE to 2 significant digits (also in exponent form). */
export function fmtEstimate(e: { estimate: number; stderr: number }): string {
  const se = Number(e.stderr.toPrecision(2));
  const a = Math.abs(se);
  return `${fmt(e.estimate)} ± ${Number.isFinite(se) && (a >= 1e6 || (a < 1e-4 && a > 0)) ? se.toExponential(1) : fmt(se)}`;
}

/**
 * One JSON object and a newline. A NaN is a bug and throws (it must never reach a consumer as null);
 * ±Infinity (a float64 overflow, e.g. E[Θ] deep in the chaotic phase) is written as null, as JSON has no ∞.
 */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value, (key, v: unknown) => {
    if (typeof v === 'number' && Number.isNaN(v)) throw new Error(`internal error: ${key || 'a value'} is NaN`);
    return v;
  })}\n`;
}

export function table(title: string, rows: [string, string][]): string {
  const pad = Math.max(...rows.map(([k]) => k.length)) + 2;
  return `${title}\n${rows.map(([k, v]) => `  ${k.padEnd(pad)}${v}`).join('\n')}\n`;
}
