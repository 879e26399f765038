// Number formatting for the readout, axes and exports: d3-format's significant-digit modes, with powers of ten
// written as "× 10ⁿ" (never "e+7") and values beyond float64 rebuilt from their logarithm.
import { format } from 'd3';

const SUPERSCRIPT: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '-': '⁻',
};

export function superscript(n: number | string): string {
  return String(n)
    .split('')
    .map((ch) => SUPERSCRIPT[ch] ?? ch)
    .join('');
}

// d3's format() parses its specifier into a new formatter: one per specifier, not per call (the readout formats
// several values at every cursor step; issue 16: drag frames)
const formatters = new Map<string, (v: number) => string>();
const cached = (specifier: string): ((v: number) => string) => {
  let f = formatters.get(specifier);
  if (!f) formatters.set(specifier, (f = format(specifier)));
  return f;
};
const sig = (digits: number) => cached(`.${digits}~g`);
const fixedSig = (digits: number) => cached(`.${digits}~r`);
export const formatInteger = format(',d');

/** Plain notation inside [10⁻³, 10⁶), else "m × 10ⁿ"; "—" for non-finite values (they are never shown as numbers). */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e6) return fixedSig(digits)(v).replace('-', '−');
  const e = Math.floor(Math.log10(abs));
  let m = v / 10 ** e;
  // rounding the mantissa can carry into the next decade (9.99996 → 10)
  let exp = e;
  if (Math.abs(Number(m.toPrecision(digits))) >= 10) {
    m /= 10;
    exp += 1;
  }
  return `${sig(digits)(m).replace('-', '−')} × 10${superscript(exp)}`;
}

/** A positive value given by its natural log (for E[Θ] beyond float64: a^L overflows at L ≳ 1000 for a = 2). */
export function formatFromLn(lnValue: number, digits = 4): string {
  if (!Number.isFinite(lnValue)) return '—';
  const log10 = lnValue / Math.LN10;
  let exp = Math.floor(log10);
  let m = 10 ** (log10 - exp);
  if (Number(m.toPrecision(digits)) >= 10) {
    m /= 10;
    exp += 1;
  }
  if (exp >= -3 && exp < 6) return formatNumber(Math.exp(lnValue), digits);
  return `${sig(digits)(m)} × 10${superscript(exp)}`;
}

/** E[Θ(x,x)]: the float64 value when it is finite, else rebuilt from its log. */
export function formatMeanTheta(meanTheta: number, logMeanTheta: number, digits = 4): string {
  return Number.isFinite(meanTheta) ? formatNumber(meanTheta, digits) : formatFromLn(logMeanTheta, digits);
}

/**
 * "estimate ± stderr" with the estimate rounded to the standard error's second significant digit
 * (3.8547 ± 0.0213 → "3.855 ± 0.021"); a shared power of ten outside [10⁻³, 10⁶).
 */
export function formatEstimate(estimate: number, stderr: number): string {
  if (!Number.isFinite(estimate)) return '—';
  if (!Number.isFinite(stderr) || stderr < 0) return `${formatNumber(estimate)} ± ?`;
  const abs = Math.abs(estimate);
  const e = abs >= 1e6 || (abs > 0 && abs < 1e-3) ? Math.floor(Math.log10(abs)) : 0;
  const scale = 10 ** e;
  const est = estimate / scale;
  const se = stderr / scale;
  // decimals so that the SE keeps two significant digits (at most 6, at least 0)
  const decimals = se > 0 ? Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(se)))) : 4;
  const body = `${est.toFixed(decimals)} ± ${se.toFixed(decimals)}`.replace(/-/g, '−');
  return e === 0 ? body : `(${body}) × 10${superscript(e)}`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A duration that may run to days (training estimates): whole seconds, then min/s, hours, days. */
export function formatDuration(s: number | null): string {
  if (s === null || !Number.isFinite(s)) return '—';
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  if (s < 3 * 3600) return formatSeconds(s);
  if (s < 3 * 86400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}

/** Compact file-name-safe number: 200 → "200", 0.5 → "0.5", 1e-7 → "1e-7". */
export function fileNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}
