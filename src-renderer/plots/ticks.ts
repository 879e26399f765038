// Ticks for log-scale axes (colour bar, slice y axes). d3's log ticks label nothing useful inside one decade
// (a dispersion range of 1–4 would show only "1" and "2"); there linear ticks read better.
import { format, scaleLinear, scaleLog } from 'd3';
import { superscript } from '../lib/format';

export interface LogTicks {
  values: number[];
  /** Labels, '' for unlabelled minor ticks. */
  labels: string[];
}

const label = format('~g');

/** A tick of a log axis that spans decades, as a power of ten: 10⁻⁶, 2×10³ (one format on every log axis). */
export function powerLabel(v: number): string {
  const e = Math.floor(Math.log10(v) + 1e-9);
  const m = Math.round(v / 10 ** e);
  return m === 1 ? `10${superscript(e)}` : `${m}×10${superscript(e)}`;
}

export function logTicks(lo: number, hi: number, maxLabels = 6): LogTicks {
  if (!(lo > 0 && hi > lo && Number.isFinite(hi)))
    throw new RangeError(`log ticks need 0 < lo < hi < ∞ (got [${lo}, ${hi}])`);
  const decades = Math.log10(hi / lo);
  if (decades < 1) {
    const values = scaleLinear()
      .domain([lo, hi])
      .ticks(maxLabels)
      .filter((v) => v >= lo && v <= hi && v > 0);
    // a dispersion is ≥ 1 (Jensen), so 1 is the reference line: label it whenever it is in view
    if (lo <= 1 && hi >= 1 && !values.includes(1)) values.unshift(1);
    return { values, labels: values.map(label) };
  }
  const values = scaleLog().domain([lo, hi]).ticks();
  // label the mantissas that keep the count readable: 1,2,5 → 1,3 → 1 per decade → every other decade
  const choices: number[][] = [[1, 2, 5], [1, 3], [1]];
  const mantissa = (v: number) => Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
  let keep = choices.find((m) => values.filter((v) => m.includes(mantissa(v))).length <= maxLabels);
  let stride = 1;
  if (!keep) {
    keep = [1];
    stride = Math.ceil(values.filter((v) => mantissa(v) === 1).length / maxLabels);
  }
  const labels = values.map((v) => {
    if (!keep.includes(mantissa(v))) return '';
    if (stride > 1 && Math.round(Math.log10(v)) % stride !== 0) return '';
    return powerLabel(v);
  });
  return { values, labels };
}

/**
 * A log axis's domain for data in [lo, hi] (0 < lo ≤ hi), padded by the factors `below` and `above` and then widened
 * to a grid of `perDecade` steps per decade. While the data move inside one grid step the domain, and so the axis,
 * stay as they are: a drag redraws the curves, not the axis, each frame (issue 16: drag frames).
 */
export function snappedLogDomain(
  lo: number,
  hi: number,
  { below = 1.04, above = 1.12, perDecade = 20 } = {},
): [number, number] {
  if (!(lo > 0 && hi >= lo && Number.isFinite(hi)))
    throw new RangeError(`a log domain needs 0 < lo ≤ hi < ∞ (got [${lo}, ${hi}])`);
  const from = Math.floor(Math.log10(lo / below) * perDecade) / perDecade;
  const to = Math.ceil(Math.log10(hi * above) * perDecade) / perDecade;
  return [10 ** from, 10 ** to];
}

/**
 * The log domain of a plot whose data move with a drag: `prev` while it still holds the padded data and spans at most
 * `slack` times the decades of a fresh fit (snappedLogDomain); else a fresh fit widened by `headroom` of its span on
 * the side the data left `prev` by, so a steady sweep rescales the axis every few frames rather than every frame.
 * At rest the plot draws the fresh fit (issue 16: drag frames).
 */
export function followLogDomain(
  prev: readonly [number, number] | null,
  lo: number,
  hi: number,
  { slack = 1.5, headroom = 0.25, below = 1.04, above = 1.12, perDecade = 20 } = {},
): [number, number] {
  const fit = snappedLogDomain(lo, hi, { below, above, perDecade });
  if (!prev) return fit;
  const span = (d: readonly [number, number]) => Math.log10(d[1] / d[0]);
  const holds = prev[0] <= lo / below && prev[1] >= hi * above;
  if (holds && span(prev) <= slack * span(fit)) return [prev[0], prev[1]];
  const extra = headroom * span(fit);
  const step = (v: number) => Math.round(v * perDecade) / perDecade;
  let [a, b] = [Math.log10(fit[0]), Math.log10(fit[1])];
  if (hi * above > prev[1]) b = step(b + extra);
  if (lo / below < prev[0]) a = step(a - extra);
  return [10 ** a, 10 ** b];
}
