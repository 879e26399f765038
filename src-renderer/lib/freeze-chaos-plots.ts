// What each plot of the "Freeze & chaos" tab draws and exports, built from a FreezeChaosView (pure; unit-tested):
// series for FcLinePlot and the CSV of exactly the plotted data.
import { toCsv } from '../plots/export-data';
import type { CheckerRow, FreezeChaosView } from './freeze-chaos-view';

export interface LineSeries {
  key: string;
  label: string;
  colour: string;
  style: 'solid' | 'dashed' | 'dotted' | 'dots' | 'marks';
  /** [x, y]; y null leaves a gap. */
  points: readonly (readonly [number, number | null])[];
  /** Per-point colours (dots). */
  colours?: readonly string[];
  /** An overlay (bounds) does not widen the fitted y range. */
  overlay?: boolean;
  legend?: boolean;
}

export interface MeasuredMark {
  x: number;
  y: number;
  se: number;
  colour: string;
  label: string;
}

export interface PlotGuide {
  x: number;
  label: string;
}

/** A measured point of the ϑ-vs-depth plot (from a freeze-chaos lab job). */
export interface MeasuredDepthPoint {
  depth: number;
  cos: number;
  width: number;
  samples: number;
  seed: number;
  vartheta: { estimate: number; stderr: number };
  thetaDiag: { estimate: number; stderr: number };
  /** Seconds the lab took for this depth (from the job output). */
  seconds?: number;
}

const THEORY = '#1d5fbf';
const MEAN = '#2a8a4a';
const BOUND = '#b23a48';
const FIG1 = ['#d9730d', '#6f42c1', '#11828c'];
/** Colours of the checkerboard's s-valuation classes v = 0, 1, 2, … */
const VALUATION_COLOURS = ['#9aa4b1', '#1d5fbf', '#d9730d', '#2a8a4a', '#b23a48', '#6f42c1'];

function valuationColour(v: number): string {
  return VALUATION_COLOURS[Math.min(v, VALUATION_COLOURS.length - 1)];
}

function boundLabel(view: FreezeChaosView): string {
  const t = view.depth.theorem;
  if (t === 'thm2-chaos') return 'Thm 2 bound (explicit constants)';
  if (t === 'thm3-weakly-frozen') return 'Thm 3 bound 1 − C·r^(L/2) (C fitted)';
  if (t === 'thm2-freeze') return 'Thm 2 bound 1 − C·L·r^L (C fitted)';
  return 'no bound at the edge';
}

/** Kernel on the circle: Θ^{(L)}(x₀, x) (or ϑ where Θ(x,x) overflows, or on request) vs γ, with the bounds on ϑ. */
export function circleSeries(view: FreezeChaosView, quantity: 'theta' | 'vartheta'): LineSeries[] {
  const useTheta = quantity === 'theta' && view.summary.thetaDiag !== null;
  const out: LineSeries[] = [
    {
      key: 'theory',
      label: useTheta ? `Θ at L = ${view.request.depth}, theory` : `ϑ at L = ${view.request.depth}, theory`,
      colour: THEORY,
      style: 'solid',
      points: view.circle.map((r) => [r.gamma, useTheta ? r.theta : r.vartheta] as const),
    },
  ];
  if (!useTheta && view.depth.theorem !== null) {
    out.push({
      key: 'upper',
      label: boundLabel(view),
      colour: BOUND,
      style: 'dashed',
      overlay: true,
      points: view.circle.map((r) => [r.gamma, r.upper] as const),
    });
    out.push({
      key: 'lower',
      label: '',
      legend: false,
      colour: BOUND,
      style: 'dashed',
      overlay: true,
      points: view.circle.map((r) => [r.gamma, r.lower] as const),
    });
  }
  (view.fig1 ?? []).forEach((f, k) =>
    out.push({
      key: `fig1-${f.key}`,
      label: `${f.label} (r = ${f.r.toFixed(2)})`,
      colour: FIG1[k % FIG1.length],
      style: 'dotted',
      points: f.circle.map((r) => [r.gamma, useTheta ? r.theta : r.vartheta] as const),
    }),
  );
  return out;
}

/** The circle plot's CSV: theory rows, then one row per measured mark (its γ, value and SE). */
export function circleCsv(view: FreezeChaosView, measured: readonly MeasuredMark[] = []): string {
  const fig = view.fig1 ?? [];
  const header = [
    'gamma',
    'cos',
    'vartheta',
    'theta',
    'boundLower',
    'boundUpper',
    ...fig.map((f) => `theta_${f.key}`),
    'measured',
    'measuredSE',
  ];
  const blank = fig.map(() => null);
  return toCsv(header, [
    ...view.circle.map((r, k) => [
      r.gamma,
      Math.cos(r.gamma),
      r.vartheta,
      r.theta,
      r.lower,
      r.upper,
      ...fig.map((f) => f.circle[k]?.theta ?? null),
      null,
      null,
    ]),
    ...measured.map((m) => [m.x, Math.cos(m.x), null, null, null, null, ...blank, m.y, m.se]),
  ]);
}

/** ϑ vs depth: ϑ^{(ℓ)} at ρ, the circle mean (Fig. 1 right), the bounds, Fig. 1's circle means, measured points. */
export function depthSeries(view: FreezeChaosView): LineSeries[] {
  const rows = view.depth.rows;
  const out: LineSeries[] = [
    {
      key: 'theory',
      label: `ϑ at ρ = ${view.request.cos}`,
      colour: THEORY,
      style: 'solid',
      points: rows.map((r) => [r.depth, r.vartheta] as const),
    },
    {
      key: 'circle-mean',
      label: 'mean ϑ on the circle',
      colour: MEAN,
      style: 'solid',
      points: rows.map((r) => [r.depth, r.circleMean] as const),
    },
  ];
  if (view.depth.theorem !== null) {
    out.push({
      key: 'upper',
      label: boundLabel(view),
      colour: BOUND,
      style: 'dashed',
      overlay: true,
      points: rows.map((r) => [r.depth, r.upper] as const),
    });
    out.push({
      key: 'lower',
      label: '',
      legend: false,
      colour: BOUND,
      style: 'dashed',
      overlay: true,
      points: rows.map((r) => [r.depth, r.lower] as const),
    });
  }
  (view.fig1 ?? []).forEach((f, k) =>
    out.push({
      key: `fig1-${f.key}`,
      label: `mean ϑ, ${f.label}`,
      colour: FIG1[k % FIG1.length],
      style: 'dotted',
      points: f.circleMean.map((v, l) => [l + 1, v] as const),
    }),
  );
  return out;
}

export function measuredDepthMarks(points: readonly MeasuredDepthPoint[], cos: number): MeasuredMark[] {
  return points
    .filter((p) => p.cos === cos)
    .map((p) => ({
      x: p.depth,
      y: p.vartheta.estimate,
      se: p.vartheta.stderr,
      colour: '#000',
      label: `measured ϑ, M = ${p.width}, ${p.samples} networks, seed ${p.seed}`,
    }));
}

/**
 * Measured marks on the circle plot, from the point at the cursor's depth L: Θ(x,x) ± SE at γ = 0 when the plot shows
 * Θ; ϑ ± SE at γ = ±arccos ρ when it shows ϑ.
 */
export function circleMeasuredMarks(
  points: readonly MeasuredDepthPoint[],
  depth: number,
  cos: number,
  quantity: 'theta' | 'vartheta',
): MeasuredMark[] {
  const p = points.find((q) => q.depth === depth && q.cos === cos);
  if (!p) return [];
  const tag = `M = ${p.width}, ${p.samples} networks, seed ${p.seed}`;
  if (quantity === 'theta')
    return [
      { x: 0, y: p.thetaDiag.estimate, se: p.thetaDiag.stderr, colour: '#000', label: `measured Θ(x,x), ${tag}` },
    ];
  const g = Math.acos(cos);
  return [...new Set([-g, g])].map((x) => ({
    x,
    y: p.vartheta.estimate,
    se: p.vartheta.stderr,
    colour: '#000',
    label: `measured ϑ at ρ = ${cos}, ${tag}`,
  }));
}

export function depthCsv(view: FreezeChaosView, measured: readonly MeasuredDepthPoint[]): string {
  const fig = view.fig1 ?? [];
  const byDepth = new Map(measured.filter((m) => m.cos === view.request.cos).map((m) => [m.depth, m]));
  const header = [
    'depth',
    'vartheta',
    'circleMean',
    'boundLower',
    'boundUpper',
    ...fig.map((f) => `circleMean_${f.key}`),
    'measuredVartheta',
    'measuredVarthetaSE',
    'measuredThetaDiag',
    'measuredThetaDiagSE',
    'measuredWidth',
    'measuredSamples',
    'measuredSeed',
  ];
  return toCsv(
    header,
    view.depth.rows.map((r) => {
      const m = byDepth.get(r.depth);
      return [
        r.depth,
        r.vartheta,
        r.circleMean,
        r.lower,
        r.upper,
        ...fig.map((f) => f.circleMean[r.depth - 1] ?? null),
        m?.vartheta.estimate,
        m?.vartheta.stderr,
        m?.thetaDiag.estimate,
        m?.thetaDiag.stderr,
        m?.width,
        m?.samples,
        m?.seed,
      ];
    }),
  );
}

/**
 * The checkerboard: ϑ_{p,p+d} vs d, dots coloured by the s-valuation, Thm 4's bound per point (freeze), or Prop. 7's
 * with the App. F.1 learning rates.
 */
export function checkerSeries(
  rows: readonly CheckerRow[],
  bound: 'thm4' | 'prop7' | null = 'thm4',
  diagonal?: readonly CheckerRow[],
): LineSeries[] {
  const out: LineSeries[] = [
    {
      key: 'vartheta',
      label: diagonal ? 'ϑ(p, p + (d, 0)), colour: s-valuation' : 'ϑ(p, p + d), colour: s-valuation v_s(d)',
      colour: VALUATION_COLOURS[1],
      style: 'dots',
      points: rows.map((r) => [r.offset, r.vartheta] as const),
      colours: rows.map((r) => valuationColour(r.valuation)),
    },
  ];
  if (diagonal)
    out.push({
      key: 'diagonal',
      label: 'ϑ(p, p + (d, d)) (diagonal; dots ringed)',
      colour: '#555555',
      style: 'dots',
      points: diagonal.map((r) => [r.offset + 0.25, r.vartheta] as const),
      colours: diagonal.map((r) => valuationColour(r.valuation)),
    });
  if (bound && rows.some((r) => r.upper !== null))
    out.push({
      key: bound,
      label:
        bound === 'thm4' ? 'Thm 4 bound (1 − r^(v+1))/(1 − r^L)' : 'Prop. 7 bound (1 − (√S·r)^(v+1))/(1 − (√S·r)^L)',
      colour: BOUND,
      style: 'marks',
      overlay: true,
      points: rows.map((r) => [r.offset, r.upper] as const),
    });
  return out;
}

/** Rows: offset, ϑ, valuation, the bound in its column, direction ('axis': p + d or p + (d, 0); 'diagonal'). */
export function checkerCsv(
  rows: readonly CheckerRow[],
  bound: 'thm4' | 'prop7' | null = 'thm4',
  diagonal: readonly CheckerRow[] = [],
): string {
  const line = (r: CheckerRow, direction: string) => [
    r.offset,
    r.vartheta,
    r.valuation,
    bound === 'thm4' ? r.upper : null,
    bound === 'prop7' ? r.upper : null,
    direction,
  ];
  return toCsv(
    ['offset', 'vartheta', 'valuation', 'thm4Upper', 'prop7Upper', 'direction'],
    [...rows.map((r) => line(r, 'axis')), ...diagonal.map((r) => line(r, 'diagonal'))],
  );
}

/** Θ_pp(x,x) per output position: classic vs parent-based parametrization (Prop. 2: the latter is flat). */
export function borderSeries(view: FreezeChaosView): LineSeries[] {
  const d = view.dcnn;
  if (!d) return [];
  const out: LineSeries[] = [
    {
      key: 'parent',
      label: 'parent-based (Sec. 6)',
      colour: MEAN,
      style: 'solid',
      points: d.border.map((r) => [r.position, r.parent] as const),
    },
  ];
  if (d.border.some((r) => r.classic !== null))
    out.push({
      key: 'classic',
      label: 'classic (Sec. 2.2)',
      colour: '#d9730d',
      style: 'solid',
      points: d.border.map((r) => [r.position, r.classic] as const),
    });
  return out;
}

export function borderCsv(view: FreezeChaosView): string {
  return toCsv(
    ['position', 'thetaDiagClassic', 'thetaDiagParent'],
    (view.dcnn?.border ?? []).map((r) => [r.position, r.classic, r.parent]),
  );
}

/** The phase plane's cells as CSV: beta, depth, value. */
export function planeCsv(view: FreezeChaosView): string {
  const p = view.plane;
  const rows: (number | string)[][] = [];
  const nb = p.betas.length;
  p.depths.forEach((L, j) => p.betas.forEach((b, i) => rows.push([b, L, p.values[j * nb + i]])));
  return toCsv(['beta', 'depth', p.colour === 'antipodal' ? 'oneMinusVarthetaAntipodal' : 'vartheta'], rows);
}
