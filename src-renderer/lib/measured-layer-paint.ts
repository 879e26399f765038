// Drawing and export of the measured layer (pure, so the painter's choices are testable): the colours (the heat
// map's log scale for dispersion, a diverging scale for measured / predicted), the rectangles of the finished cells,
// the canvas painter and the CSV of the finished cells.
import { interpolateLab, piecewise } from 'd3';
import { colourLut, INVALID_RGB } from '../plots/heatmap';
import { toCsv } from '../plots/export-data';
import { isFinished, isReliable, type JobOutcome, type LayerView } from './measured-layer';

// ---------------------------------------------------------------------------------------------------------
// Colours

export type Rgb = readonly [number, number, number];

/** The heat map's log colour scale (paintHeatmap in plots/heatmap.ts), so agreement leaves no seam. */
export function logColour(value: number, domain: readonly [number, number], lut: Uint8Array): Rgb {
  const [lo, hi] = domain;
  if (!(Number.isFinite(value) && value > 0) || !(lo > 0 && hi > lo && Number.isFinite(hi))) return INVALID_RGB;
  const size = lut.length / 3;
  const t = Math.min(1, Math.max(0, (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))));
  const k = 3 * Math.round(t * (size - 1));
  return [lut[k], lut[k + 1], lut[k + 2]];
}

/** measured / predicted shown on a log-symmetric scale [1/1.25, 1.25]: ±25 % saturates. */
export const RATIO_DOMAIN = [0.8, 1.25] as const;
/** ColorBrewer RdBu (7 classes) in Lab: blue below 1, neutral #f7f7f7 exactly at 1, red above. */
export const ratioInterpolator = piecewise(interpolateLab, [
  '#2166ac',
  '#67a9cf',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#ef8a62',
  '#b2182b',
]);
const RATIO_LUT = colourLut(ratioInterpolator, 257); // odd size: t = ½ (ratio 1) is an exact entry

/** Position of a ratio on the legend, 0 … 1 (½ at ratio 1), clamped; NaN for a ratio that is not > 0. */
export function ratioPosition(ratio: number): number {
  if (!(Number.isFinite(ratio) && ratio > 0)) return Number.NaN;
  const half = Math.log(RATIO_DOMAIN[1]);
  return 0.5 + 0.5 * Math.min(1, Math.max(-1, Math.log(ratio) / half));
}

export function ratioColour(ratio: number): Rgb {
  const t = ratioPosition(ratio);
  if (Number.isNaN(t)) return INVALID_RGB;
  const k = 3 * Math.round(t * (RATIO_LUT.length / 3 - 1));
  return [RATIO_LUT[k], RATIO_LUT[k + 1], RATIO_LUT[k + 2]];
}

// ---------------------------------------------------------------------------------------------------------
// Geometry of the drawn layer (pure, so the painter's choices are testable)

export type LayerMode = 'dispersion' | 'ratio';

export interface LayerStyle {
  mode: LayerMode;
  /** Which prediction the ratio divides by. */
  kind: 'finite' | 'limit';
  /** The heat map's log colour domain and ramp. */
  domain: readonly [number, number];
  lut: Uint8Array;
}

export interface LayerRect {
  cell: number;
  x: number;
  y: number;
  w: number;
  h: number;
  rgb: Rgb;
  /** Tail share > 0.1 or SE/estimate > 0.2. */
  unreliable: boolean;
  failed: boolean;
}

/** Square side relative to its cell in 'dispersion' mode: the prediction stays visible around every square. */
const SQUARE_FRACTION = 0.6;

export function predictedFor(o: JobOutcome, kind: 'finite' | 'limit'): number {
  return o.predicted ? o.predicted[kind] : Number.NaN;
}

/**
 * Rectangles in paint order (coarse levels first) on a w × h pixel canvas whose top-left is (σ_w² min, λ max).
 * A finished cell is skipped once its four children are finished. 'dispersion': a centred square of
 * SQUARE_FRACTION of the cell; 'ratio': the whole cell.
 */
export function layerRects(view: LayerView, w: number, h: number, style: LayerStyle): LayerRect[] {
  const s = view.schedule;
  if (!s || !(w > 0 && h > 0)) return [];
  const out: LayerRect[] = [];
  const finished = (level: number, i: number, j: number): boolean => {
    const { nx } = s.grids[level];
    return isFinished(view.outcomes[s.cells[s.levelOffsets[level] + j * nx + i].job]);
  };
  for (const cell of s.cells) {
    const o = view.outcomes[cell.job];
    if (!isFinished(o)) continue;
    const next = cell.level + 1;
    if (
      next < s.grids.length &&
      finished(next, 2 * cell.i, 2 * cell.j) &&
      finished(next, 2 * cell.i + 1, 2 * cell.j) &&
      finished(next, 2 * cell.i, 2 * cell.j + 1) &&
      finished(next, 2 * cell.i + 1, 2 * cell.j + 1)
    ) {
      continue;
    }
    const x0 = Math.round((cell.i * w) / cell.nx);
    const x1 = Math.round(((cell.i + 1) * w) / cell.nx);
    const y0 = Math.round(((cell.ny - 1 - cell.j) * h) / cell.ny);
    const y1 = Math.round(((cell.ny - cell.j) * h) / cell.ny);
    let rect = { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
    if (style.mode === 'dispersion') {
      const side = Math.max(2, Math.round(SQUARE_FRACTION * Math.min(rect.w, rect.h)));
      rect = { x: Math.round((x0 + x1 - side) / 2), y: Math.round((y0 + y1 - side) / 2), w: side, h: side };
    }
    const failed = o.status === 'failed' || !o.result;
    let rgb: Rgb = INVALID_RGB;
    if (!failed && o.result) {
      const est = o.result.dispersion.estimate;
      rgb =
        style.mode === 'dispersion'
          ? logColour(est, style.domain, style.lut)
          : ratioColour(est / predictedFor(o, style.kind));
    }
    out.push({ cell: cell.index, ...rect, rgb, unreliable: !failed && !!o.result && !isReliable(o.result), failed });
  }
  return out;
}

/** Paint layerRects over whatever a 2D context of w × h device pixels holds. `px` is one CSS pixel in device pixels. */
export function paintLayer(
  ctx: CanvasRenderingContext2D,
  view: LayerView,
  w: number,
  h: number,
  style: LayerStyle,
  px = 1,
): void {
  const rects = layerRects(view, w, h, style);
  const line = Math.max(1, Math.round(px));
  for (const r of rects) {
    ctx.fillStyle = `rgb(${r.rgb[0]},${r.rgb[1]},${r.rgb[2]})`;
    ctx.fillRect(r.x, r.y, r.w, r.h);
  }
  // outlines after all fills, so a neighbour's fill never covers them
  ctx.lineWidth = line;
  for (const r of rects) {
    if (r.unreliable) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(r.x, r.y, r.w, r.h);
      ctx.clip();
      ctx.strokeStyle = 'rgba(0,0,0,0.55)';
      ctx.beginPath();
      const step = 4 * line;
      for (let d = -r.h; d < r.w; d += step) {
        ctx.moveTo(r.x + d, r.y + r.h);
        ctx.lineTo(r.x + d + r.h, r.y);
      }
      ctx.stroke();
      ctx.restore();
    }
    // a faint edge locates each square where it matches the prediction; a ratio map reads best without grid lines
    if (style.mode === 'ratio') continue;
    ctx.strokeStyle = 'rgba(255,255,255,0.35)';
    ctx.strokeRect(r.x + line / 2, r.y + line / 2, r.w - line, r.h - line);
  }
}

// ---------------------------------------------------------------------------------------------------------
// CSV of the finished cells

export const MEASURED_CELLS_COLUMNS = [
  'level',
  'nx',
  'ny',
  'sigmaW2',
  'depthToWidth',
  'depth',
  'width',
  'inputDim',
  'seed',
  'status',
  'measured_samples',
  'measured_dispersion',
  'measured_stderr',
  'measured_tailShare',
  'measured_meanTheta',
  'measured_meanTheta_stderr',
  'reliable',
  'predicted_finite',
  'predicted_limit',
  'error',
] as const;

/** One row per finished cell (done or failed), coarse levels first; queued and running cells are left out. */
export function measuredCellsCsv(view: LayerView): string {
  const s = view.schedule;
  function* rows() {
    if (!s) return;
    for (const cell of s.cells) {
      const o = view.outcomes[cell.job];
      if (!isFinished(o)) continue;
      const job = s.jobs[cell.job];
      const r = o.status === 'done' ? o.result : undefined;
      yield [
        cell.level,
        cell.nx,
        cell.ny,
        cell.sigmaW2,
        cell.depthToWidth,
        cell.depth,
        s.config.width,
        s.config.inputDim,
        job.seed,
        o.status,
        r?.samples,
        r?.dispersion.estimate,
        r?.dispersion.stderr,
        r?.tailShare,
        r?.meanTheta.estimate,
        r?.meanTheta.stderr,
        r ? (isReliable(r) ? 1 : 0) : undefined,
        o.predicted?.finite,
        o.predicted?.limit,
        o.error,
      ];
    }
  }
  return toCsv(MEASURED_CELLS_COLUMNS, rows());
}
