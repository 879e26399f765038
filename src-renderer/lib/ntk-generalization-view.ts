// The NTK-regime generalization section of the "Neural collapse" tab (Seleznova & Kutyniok 2022a, thesis §3.1 §5):
// κ₂ vs depth for several input covariances (Fig. 5), κ₁/κ₂ vs depth (Fig. 6), the condition number of Θ̄* on S
// samples and the Theorem 3 variance, from the infinite-width recursions. Pure: the worker computes, the panel plots.
import { ntkGeneralization, type NtkGeneralizationPoint } from '../../src-shared/theory/ntk-generalization';
import { toCsv } from '../plots/export-data';
import type { FieldRule } from './fields';
import { fileNumber } from './format';
import { criticalPoint } from '../../src-shared/theory/meanfield';

const GENERALIZATION_REFERENCE = 'Seleznova & Kutyniok 2022a (thesis §3.1 §5), Lemma 2 and Theorem 3';

/**
 * The input covariances c₀ = x_sᵀx_r/n₀ of the Fig. 5 curves: the paper's colour bar spans [0, 1] without listing
 * values; these seven cover it, denser near 1 where κ₂ → κ₁.
 */
export const COVARIANCES: readonly number[] = [0, 0.2, 0.4, 0.6, 0.8, 0.95, 1];

export interface GeneralizationRequest {
  activation: string;
  sigmaW2: number;
  sigmaB2: number;
  /** Deepest network (L ≥ 2). */
  depth: number;
  /** c₀ of the condition-number and variance curves. */
  inputCovariance: number;
  /** S of Theorem 3. */
  samples: number;
}

export interface GeneralizationResult {
  request: GeneralizationRequest;
  /** One curve per COVARIANCES entry (Figs. 5–6). */
  curves: { covariance: number; points: NtkGeneralizationPoint[] }[];
  /** The curve at request.inputCovariance (condition number, Theorem 3 variance). */
  chosen: NtkGeneralizationPoint[];
}

/** Every curve of the section; throws RangeError (naming the parameter) as ntkGeneralization does. */
export function computeGeneralization(req: GeneralizationRequest): GeneralizationResult {
  const at = (inputCovariance: number) => ntkGeneralization({ ...req, inputCovariance });
  const curves = COVARIANCES.map((covariance) => ({ covariance, points: at(covariance) }));
  const same = curves.find((c) => c.covariance === req.inputCovariance);
  return { request: req, curves, chosen: same ? same.points : at(req.inputCovariance) };
}

export const GENERALIZATION_RULES = {
  sigmaW2: { label: 'σ_w²', min: 0, minExclusive: true, max: 100 },
  depth: { label: 'max depth L', min: 2, max: 1000, integer: true, maxReason: 'O(L²) recursions per curve' },
  inputCovariance: { label: 'input covariance c₀', min: 0, max: 1 },
  samples: { label: 'samples S', min: 2, max: 1e9, integer: true },
} satisfies Record<string, FieldRule>;

export type Phase = 'ordered' | 'edge' | 'chaotic';

/**
 * σ_w² presets around the order–chaos line χ₁ = 1 of the chosen φ and σ_b² (the paper does not list its values):
 * ordered = 0.75 σ_w²*, edge = σ_w²*, chaotic = 1.5 σ_w²*. For ReLU (σ_w²* = 2) that is 1.5, 2 and 3, the ordered
 * and chaotic values of Seleznova & Kutyniok 2022a, Fig. 2.
 */
export const PHASE_FACTORS: Record<Phase, number> = { ordered: 0.75, edge: 1, chaotic: 1.5 };

export function phasePresets(
  activation: string,
  sigmaB2: number,
): { ok: true; values: Record<Phase, number> } | { ok: false; reason: string } {
  let edge: number | null;
  let reason: string;
  try {
    const p = criticalPoint(activation, sigmaB2);
    edge = p.sigmaW2;
    reason = p.reason ?? '';
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  if (edge === null) return { ok: false, reason: reason || `no χ₁ = 1 point for ${activation}` };
  const round = (v: number) => Number(v.toPrecision(6));
  return {
    ok: true,
    values: {
      ordered: round(PHASE_FACTORS.ordered * edge),
      edge: round(edge),
      chaotic: round(PHASE_FACTORS.chaotic * edge),
    },
  };
}

/** Colour of a covariance curve: light (c₀ = 0) to dark (c₀ = 1) along one hue, as a colour bar reads. */
function covarianceColour(c: number): string {
  const t = Math.min(1, Math.max(0, c));
  // HSL from a pale teal to a deep violet: monotone in lightness, so the order survives greyscale printing
  const h = 175 + 95 * t;
  const l = 68 - 46 * t;
  return `hsl(${h.toFixed(0)}, 62%, ${l.toFixed(0)}%)`;
}

export interface XY {
  x: number;
  y: number;
}

export interface PlotSeries {
  key: string;
  label: string;
  colour: string;
  dashed?: boolean;
  points: XY[];
}

const pick = (points: readonly NtkGeneralizationPoint[], f: (p: NtkGeneralizationPoint) => number): XY[] =>
  points.map((p) => ({ x: p.depth, y: f(p) }));

export function kappa2Series(r: GeneralizationResult): PlotSeries[] {
  return r.curves.map((c) => ({
    key: `c${c.covariance}`,
    label: `c₀ = ${c.covariance}`,
    colour: covarianceColour(c.covariance),
    points: pick(c.points, (p) => p.kappa2),
  }));
}

export function ratioSeries(r: GeneralizationResult): PlotSeries[] {
  return r.curves.map((c) => ({
    key: `c${c.covariance}`,
    label: `c₀ = ${c.covariance}`,
    colour: covarianceColour(c.covariance),
    points: pick(c.points, (p) => p.ratio),
  }));
}

export function conditionSeries(r: GeneralizationResult): PlotSeries[] {
  return [
    {
      key: 'condition',
      label: `cond Θ̄*, S = ${r.request.samples}, c₀ = ${r.request.inputCovariance}`,
      colour: '#1f4e9c',
      points: pick(r.chosen, (p) => p.conditionNumber),
    },
  ];
}

export function varianceSeries(r: GeneralizationResult): PlotSeries[] {
  return [
    {
      key: 'variance',
      label: `Var f(t = ∞), S = ${r.request.samples}, c₀ = ${r.request.inputCovariance}`,
      colour: '#b4372c',
      points: pick(r.chosen, (p) => p.variance),
    },
    {
      key: 'qLgap',
      label: 'q^L − q^L_sr',
      colour: '#57606c',
      dashed: true,
      points: pick(r.chosen, (p) => p.qL - p.qLsr),
    },
  ];
}

export type GeneralizationPlot = 'ntk-kappa2' | 'ntk-kappa-ratio' | 'ntk-condition' | 'ntk-variance';

const covName = (c: number) => `c${c}`;

/** CSV of exactly what a plot draws: one row per depth. */
export function generalizationCsv(plot: GeneralizationPlot, r: GeneralizationResult): string {
  const depths = r.chosen.map((p) => p.depth);
  if (plot === 'ntk-kappa2' || plot === 'ntk-kappa-ratio') {
    const q = plot === 'ntk-kappa2' ? 'kappa2' : 'ratio';
    const header = ['depth', ...r.curves.map((c) => `${q}_${covName(c.covariance)}`)];
    return toCsv(
      header,
      depths.map((d, k) => [d, ...r.curves.map((c) => c.points[k][q])]),
    );
  }
  if (plot === 'ntk-condition')
    return toCsv(
      ['depth', 'conditionNumber', 'kappa1', 'kappa2', 'ratio'],
      r.chosen.map((p) => [p.depth, p.conditionNumber, p.kappa1, p.kappa2, p.ratio]),
    );
  return toCsv(
    ['depth', 'variance', 'A', 'qL', 'qLsr'],
    r.chosen.map((p) => [p.depth, p.variance, p.A, p.qL, p.qLsr]),
  );
}

export function generalizationFileName(plot: GeneralizationPlot, req: GeneralizationRequest, ext: string): string {
  const c = plot === 'ntk-condition' || plot === 'ntk-variance' ? `-c${fileNumber(req.inputCovariance)}` : '';
  const s = plot === 'ntk-condition' || plot === 'ntk-variance' ? `-S${fileNumber(req.samples)}` : '';
  return `ntk-${plot.slice(4)}-${req.activation}-w${fileNumber(req.sigmaW2)}-b${fileNumber(req.sigmaB2)}-L${req.depth}${c}${s}.${ext}`;
}

export function generalizationJson(plot: GeneralizationPlot, req: GeneralizationRequest, version: string): string {
  const doc = {
    app: 'NTK Phase Lab',
    version,
    plot,
    theory: GENERALIZATION_REFERENCE,
    network: {
      activation: req.activation,
      parametrization: 'standard',
      sigmaW2: req.sigmaW2,
      sigmaB2: req.sigmaB2,
      width: 'infinite (α₀ = n₀/M = 1, constant width)',
      inputSecondMoment: 1,
    },
    depths: { min: 2, max: req.depth },
    covariances: plot === 'ntk-kappa2' || plot === 'ntk-kappa-ratio' ? COVARIANCES : [req.inputCovariance],
    samples: req.samples,
    exportedAt: new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
