// The collapse-simulator section of the "Neural collapse" tab (Seleznova et al. 2023 / Seleznova 2024 thesis §3.3):
// its fields (validated by the contract's schema, whose messages the fields show), the plotted series, readout rows,
// CSV / JSON exports and the note on what Theorem 5.2 predicts. Pure: the worker integrates, the panel draws.
import {
  collapseSimParamsSchema,
  type CollapseSimParams,
  type CollapseSimResult,
} from '../../src-shared/contract/collapse-sim';
import { toCsv } from '../plots/export-data';
import type { FieldRule } from './fields';
import { fileNumber, formatNumber } from './format';
import type { PlotSeries } from './ntk-generalization-view';

const COLLAPSE_REFERENCE =
  'Seleznova et al. 2023 / Seleznova 2024 (thesis) §3.3: Theorem 4.1 flow under Assumption 3.2, eqs. (25)–(26)';

/**
 * The default run: the thesis setting C = 4, m = 6, n = 8, κ = (1, 0.6, 0.1) over t ∈ [0, 400] from the aligned
 * start, where Theorem 5.2 applies (μ_single = 0.4, μ_class = 3.4, α ≈ 0.1034).
 */
export const DEFAULT_COLLAPSE_PARAMS: CollapseSimParams = {
  classes: 4,
  perClass: 6,
  features: 8,
  kappaD: 1,
  kappaC: 0.6,
  kappaN: 0.1,
  init: 'aligned',
  tMax: 400,
  seed: 1,
  tracePoints: 100,
};

export type CollapseNumberKey = 'classes' | 'perClass' | 'features' | 'kappaD' | 'kappaC' | 'kappaN' | 'tMax' | 'seed';

export interface CollapseField {
  key: CollapseNumberKey;
  /** The symbol the schema's messages use. */
  symbol: string;
  /** The field's label: its meaning and the symbol. */
  label: string;
  /** Only "is it a number" here: every range and cross-field rule comes from collapseSimParamsSchema. */
  rule: FieldRule;
}

const free = (label: string): FieldRule => ({ label, min: -Infinity, max: Infinity });

export const COLLAPSE_FIELDS: readonly CollapseField[] = [
  { key: 'classes', symbol: 'C', label: 'classes C', rule: free('C') },
  { key: 'perClass', symbol: 'm', label: 'per class m', rule: free('m') },
  { key: 'features', symbol: 'n', label: 'features n', rule: free('n') },
  { key: 'kappaD', symbol: 'κ_d', label: 'κ_d (diagonal)', rule: free('κ_d') },
  { key: 'kappaC', symbol: 'κ_c', label: 'κ_c (same class)', rule: free('κ_c') },
  { key: 'kappaN', symbol: 'κ_n', label: 'κ_n (other class)', rule: free('κ_n') },
  { key: 'tMax', symbol: 't_max', label: 'time t_max', rule: free('t_max') },
  { key: 'seed', symbol: 'seed', label: 'seed', rule: free('seed') },
];

const SYMBOLS = ['κ_d', 'κ_c', 'κ_n', 'n·C·m', 'C', 'm', 'n', 't_max', 'seed'];

/** The schema's message, prefixed with the field's symbol unless it already starts with one ("κ_c (…) must …"). */
function named(field: CollapseField, message: string): string {
  const starts = SYMBOLS.some((s) => message.startsWith(`${s} `) || message.startsWith(`${s}:`));
  return starts ? message : `${field.symbol}: ${message}`;
}

/**
 * Why `value` cannot replace params[key] (the first schema issue, the field's own first), or null when the changed
 * parameters are valid. The caller commits only on null, so an invalid entry never changes the state.
 */
export function collapseFieldError(params: CollapseSimParams, key: CollapseNumberKey, value: number): string | null {
  const field = COLLAPSE_FIELDS.find((f) => f.key === key);
  if (!field) throw new RangeError(`unknown collapse field ${key}`);
  const parsed = collapseSimParamsSchema.safeParse({ ...params, [key]: value });
  if (parsed.success) return null;
  const issues = parsed.error.issues;
  const own = issues.find((i) => i.path[0] === key) ?? issues[0];
  return named(field, own.message);
}

/** params with key set to value, or the same object when the result would be invalid. */
export function withCollapseField(params: CollapseSimParams, key: CollapseNumberKey, value: number): CollapseSimParams {
  return collapseFieldError(params, key, value) === null ? { ...params, [key]: value } : params;
}

export function sameCollapseParams(a: CollapseSimParams, b: CollapseSimParams): boolean {
  return (Object.keys(a) as (keyof CollapseSimParams)[]).every((k) => a[k] === b[k]);
}

// ---- plotted series (log t axis: the t = 0 point is left out of the lines, kept in the CSV)

const METRIC_SERIES = [
  { key: 'invariantDrift', label: 'max ‖E(t) − E(0)‖_F', colour: '#111827', dashed: true },
  { key: 'nc1', label: 'NC1', colour: '#1f77b4', dashed: false },
  { key: 'nc2', label: 'NC2', colour: '#2ca02c', dashed: false },
  { key: 'nc3', label: 'NC3', colour: '#d62728', dashed: false },
  { key: 'h2Norm', label: '‖H₂‖_F', colour: '#9467bd', dashed: false },
] as const;

export function metricSeries(r: CollapseSimResult): PlotSeries[] {
  const trace = r.trace.filter((p) => p.t > 0);
  return METRIC_SERIES.map((s) => ({
    key: s.key,
    label: s.label,
    colour: s.colour,
    dashed: s.dashed,
    points: trace.map((p) => ({ x: p.t, y: p[s.key] })),
  }));
}

const RESIDUAL_SERIES = [
  { key: 'global', eigen: 'global', colour: '#b4372c' },
  { key: 'class', eigen: 'class', colour: '#1f4e9c' },
  { key: 'single', eigen: 'single', colour: '#2f7d4f' },
] as const;

/** ‖R_global‖, ‖R_class − R_global‖, ‖R − R_class‖ (eqs. 13–15), labelled with their Table 1 eigenvalue. */
export function residualSeries(r: CollapseSimResult): PlotSeries[] {
  const trace = r.trace.filter((p) => p.t > 0);
  return RESIDUAL_SERIES.map((s) => ({
    key: s.key,
    label: `${s.key} (μ_${s.eigen} = ${formatNumber(r.eigenvalues[s.eigen], 4)})`,
    colour: s.colour,
    points: trace.map((p) => ({ x: p.t, y: p.residual[s.key] })),
  }));
}

// ---- exports

export type CollapsePlot = 'collapse-metrics' | 'collapse-residual';

export function collapseCsv(plot: CollapsePlot, r: CollapseSimResult): string {
  if (plot === 'collapse-metrics')
    return toCsv(
      ['t', 'invariantDrift', 'nc1', 'nc2', 'nc3', 'h2Norm'],
      r.trace.map((p) => [p.t, p.invariantDrift, p.nc1, p.nc2, p.nc3, p.h2Norm]),
    );
  return toCsv(
    ['t', 'residualGlobal', 'residualClass', 'residualSingle', 'loss'],
    r.trace.map((p) => [p.t, p.residual.global, p.residual.class, p.residual.single, p.loss]),
  );
}

export function collapseFileName(plot: CollapsePlot, p: CollapseSimParams, ext: string): string {
  const k = `k${fileNumber(p.kappaD)}-${fileNumber(p.kappaC)}-${fileNumber(p.kappaN)}`;
  return `ntk-${plot}-${p.init}-C${p.classes}-m${p.perClass}-n${p.features}-${k}-s${p.seed}.${ext}`;
}

export function collapseJson(plot: CollapsePlot, r: CollapseSimResult, version: string): string {
  const doc = {
    app: 'NTK Phase Lab',
    version,
    plot,
    theory: COLLAPSE_REFERENCE,
    params: {
      classes: r.classes,
      perClass: r.perClass,
      features: r.features,
      kappaD: r.kappaD,
      kappaC: r.kappaC,
      kappaN: r.kappaN,
      init: r.init,
      tMax: r.tMax,
      seed: r.seed,
      tracePoints: r.trace.length,
    },
    eigenvalues: r.eigenvalues,
    alpha: r.alpha,
    invariantNorm0: r.invariantNorm0,
    integrator: r.integrator,
    exportedAt: new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

// ---- readout and notes

export interface ReadoutRow {
  key: string;
  label: string;
  /** Raw value (data-value, for tests and screen readers' exactness). */
  value: number;
  text: string;
}

export function collapseReadout(r: CollapseSimResult): ReadoutRow[] {
  const f = r.final;
  const row = (key: string, label: string, value: number, digits = 4): ReadoutRow => ({
    key,
    label,
    value,
    text: formatNumber(value, digits),
  });
  return [
    row('alpha', 'α (eq. 26)', r.alpha),
    row('e0', '‖E(0)‖_F', r.invariantNorm0, 3),
    row('mu-single', 'μ_single', r.eigenvalues.single),
    row('mu-class', 'μ_class', r.eigenvalues.class),
    row('mu-global', 'μ_global', r.eigenvalues.global),
    row('drift', 'max ‖E(t) − E(0)‖_F', f.invariantDrift, 3),
    row('nc1', `NC1 at t = ${formatNumber(f.t, 4)}`, f.nc1, 3),
    row('nc2', 'NC2', f.nc2, 3),
    row('nc3', 'NC3', f.nc3, 3),
    row('h2', '‖H₂‖_F', f.h2Norm, 3),
    row('loss', 'loss ½‖R‖²_F', f.loss, 3),
    row('mean', '‖⟨h⟩‖', f.meanFeatureNorm, 3),
    { key: 'steps', label: 'integrator steps', value: r.integrator.steps, text: String(r.integrator.steps) },
    { key: 'rejected', label: 'rejected', value: r.integrator.rejected, text: String(r.integrator.rejected) },
    {
      key: 'evaluations',
      label: 'f evaluations',
      value: r.integrator.evaluations,
      text: String(r.integrator.evaluations),
    },
  ];
}

export const SIMULATOR_NOTE =
  'The simulator integrates the gradient flow of Theorem 4.1 (eq. 25: features H₁ (class means) and H₂ (within-class ' +
  'deviations), last layer W, bias b) for an MSE loss, when the feature kernel Θ^h is block-structured as in ' +
  'Assumption 3.2: κ_d on the diagonal, κ_c within a class, κ_n across classes. Its three eigenvalues (Table 1) set ' +
  'the rates of the residual parts. The integrator is Rodas5P (Steinebach 2023: linearly implicit, order 5, with the ' +
  'exact Jacobian, tolerance 1e-10; the flow is stiff), or Hairer & Wanner’s ODEX extrapolation (tolerance 1e-12) ' +
  'for sizes where its explicit steps cost less; the invariant E of eq. (26) drifts only by the integration error.';

/** What Theorem 5.2 says about a run from this start. */
export function theorem52Note(init: CollapseSimParams['init']): string {
  if (init === 'aligned')
    return (
      'Aligned start: E = 0, ⟨h⟩ = 0, b = 1/C, so Theorem 5.2 applies: H₂ → 0 (NC1, slowly, like t^(−1/2) when Ẽ has ' +
      'zero eigenvalues), the centred class means tend to a simplex ETF (NC2 → 0) and W to the means (NC3 → 0, slowly).'
    );
  return (
    'Random start: E(0) ≠ 0, so Theorem 5.2 does not apply. The residual still decays (the loss → 0), but the ' +
    'conserved E holds the features apart: H₂ need not vanish and NC1–NC3 stay away from 0.'
  );
}
