// Parsing of the typed controls. A field either yields a valid value or a readable message for an inline
// role="alert"; the caller keeps its last valid state on error, so bad text can never reach the theory or engine.

export type FieldResult = { ok: true; value: number } | { ok: false; error: string };

export interface FieldRule {
  /** Name shown in messages, e.g. "Width M". */
  label: string;
  min: number;
  max: number;
  /** true: value must be > min (e.g. σ_w² > 0); false: ≥ min. */
  minExclusive?: boolean;
  integer?: boolean;
  /** Why max is the bound, appended to the message (e.g. "the plotted range"). */
  maxReason?: string;
  minReason?: string;
}

// Plain decimal or scientific notation only: Number() alone would also accept "0x10", "Infinity" and "".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseField(text: string, rule: FieldRule): FieldResult {
  const t = text.trim().replace(/\u2212/g, '-'); // accept the typographic minus people paste from papers
  if (t === '') return { ok: false, error: `${rule.label} is required` };
  if (!DECIMAL.test(t)) return { ok: false, error: `${rule.label} must be a number (got “${truncate(text.trim())}”)` };
  const v = Number(t);
  if (!Number.isFinite(v)) return { ok: false, error: `${rule.label} must be a finite number` };
  if (rule.integer && !Number.isInteger(v)) return { ok: false, error: `${rule.label} must be a whole number` };
  if (rule.minExclusive ? !(v > rule.min) : !(v >= rule.min)) {
    const why = rule.minReason ? ` (${rule.minReason})` : '';
    return { ok: false, error: `${rule.label} must be ${rule.minExclusive ? '>' : '≥'} ${rule.min}${why}` };
  }
  if (!(v <= rule.max)) {
    const why = rule.maxReason ? ` (${rule.maxReason})` : '';
    return { ok: false, error: `${rule.label} must be ≤ ${rule.max}${why}` };
  }
  return { ok: true, value: v };
}

function truncate(s: string): string {
  return s.length > 24 ? `${s.slice(0, 24)}…` : s;
}
