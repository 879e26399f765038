// Paper-figure presets: the experiments behind Seleznova & Kutyniok 2022 Figs. 1, 2, 3, 5, 6, 7 and 8 and the
// component view of Seleznova 2024 (thesis), §3.2, as pure data. Each preset states
// the paper's setting and our choices (`paper`, `notes`), and expands to measurement jobs (MeasureParams plus the
// panel, series and depth each belongs to) and theory curves (x = depth L, y) for the figure.
import type { Estimate, MeasureParams, MeasureResult } from './contract/measure';
import { LIMITS } from './params';
import {
  limitDispersion,
  OFF_DIAGONAL_RATIO_BOUNDS,
  offDiagonalRatioOrderedCurve,
  ReluMomentRecurrence,
} from './theory';
import { componentCurves, EXTRA_PRESETS, profileCurves, profileWidths } from './presets-extra';
import {
  fmtNum,
  LAMBDA_DENSE,
  LAMBDA_PAIR,
  PAPER_SAMPLES,
  PRESET_IDS,
  pairSeries,
  panel,
  sigmaSeries,
  type ExpandOptions,
  type PresetDefinition,
  type PresetExpansion,
  type PresetId,
  type PresetJob,
  type PresetPanel,
  type PresetQuantity,
  type PresetSeries,
  type TheoryCurve,
} from './presets-model';

export {
  PAPER_SAMPLES,
  PRESET_IDS,
  type ComponentShareKey,
  type ExpandOptions,
  type PresetDefinition,
  type PresetExpansion,
  type PresetId,
  type PresetJob,
  type PresetPanel,
  type PresetQuantity,
  type PresetSampler,
  type PresetSeries,
  type TheoryCurve,
  type WidthProfile,
} from './presets-model';

// Cost model: the calibrated one (src-shared/network/cost-model.ts); re-exported for the presets' callers.
export { estimatePresetSeconds, jobCostSeconds } from './network/cost-model';

const PAPER_SIGMAS_FIG1 = '{0.5, 0.8, 1.0, 1.2, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2.0, 2.1, 2.2, 2.5, 3.0, 3.5}';

// ---------------------------------------------------------------------------------------------------------
// The five figures

const BASE_PRESETS: readonly PresetDefinition[] = [
  {
    id: 'fig1',
    figure: 'Fig. 1',
    title: 'NTK dispersion vs depth in the three phases',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²',
    yScale: 'log',
    xLabel: 'depth L',
    panels: [100, 200, 500].map((M) => panel(`M${M}`, `M = ${M}`, M, 1, LAMBDA_DENSE)),
    series: sigmaSeries([0.5, 1.0, 1.5, 1.8, 2.0, 2.2, 2.5, 3.0]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory:
      'Thm 3.1 limit at λ = L/M (eqs. 8–10): → 1 in the ordered phase, eq. (9) at the EOC, eq. (8) for every chaotic σ_w²',
    paper:
      `Constant width M ∈ {100, 200, 500}, α₀ = 1, σ_b = 0; ${PAPER_SAMPLES} networks per point, App. C.3 estimator, bootstrap SE. ` +
      `The authors' code sweeps σ_w² ∈ ${PAPER_SIGMAS_FIG1} and depth up to L = M/2.`,
    notes:
      'Ours: 8 of the 16 σ_w² values (0.5, 1.0, 1.5, 1.8 ordered; 2.0 EOC; 2.2, 2.5, 3.0 chaotic) so the colours stay readable; ' +
      '11 depths per M (L = 2 and λ = L/M = 0.05 … 0.5); N = 10⁴ networks per point (20× the paper’s 500) with the exact O(L) ' +
      'sampler of Θ(x, x). The lines are the M, L → ∞ limit: at M = 100–500 the measurement may differ from them by several ' +
      'percent (Fig. 2 draws the finite-width Thm 3.2), and at the EOC and in the chaotic phase heavy tails bias estimates low.',
  },
  {
    id: 'fig2',
    figure: 'Fig. 2',
    title: 'Finite-width effects near the EOC (input dimension α₀)',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²',
    yScale: 'log',
    xLabel: 'depth L',
    panels: [2.0, 0.5, 0.1].map((a0) => panel(`a${fmtNum(a0)}`, `α₀ = ${fmtNum(a0)}`, 200, a0, LAMBDA_DENSE)),
    series: sigmaSeries([1.8, 1.9, 2.0, 2.1, 2.2]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory: 'Thm 3.2 at this depth and width (proof-consistent eq. 13), one line per σ_w²',
    paper: `M = 200, α₀ = n₀/M ∈ {2.0, 0.5, 0.1}, σ_w² "close to the EOC" (values not given in the text); ${PAPER_SAMPLES} networks per point.`,
    notes:
      'Ours: σ_w² ∈ {1.8, 1.9, 2.0, 2.1, 2.2} (our choice: the paper does not list them); depths L = 2 and λ = 0.05 … 0.5 ' +
      '(11 per panel); N = 10⁴ per point (20× the paper) with the exact O(L) sampler. Thm 3.2 drops O(M^(−3/2)) terms: ' +
      'expect agreement within a few percent, not exactly.',
  },
  {
    id: 'fig3',
    figure: 'Fig. 3',
    title: 'Off-diagonal NTK: mean ratio E[Θ(x,x̃)] / E[Θ(x,x)]',
    quantity: 'offDiagonalRatio',
    yLabel: 'E[Θ(x,x̃)] / E[Θ(x,x)]',
    yScale: 'linear',
    xLabel: 'depth L',
    panels: [100, 200, 500].map((M) => panel(`M${M}`, `M = ${M}`, M, 1, LAMBDA_PAIR)),
    series: pairSeries([1.0, 1.8, 2.0, 2.5], [0.1, 0.3, 0.5, 0.7, 0.9]),
    sampler: 'lazy-gaussian',
    defaultSamples: 100,
    theory:
      'Eq. (18), ordered phase only (σ_w² < 2) and only "for sufficiently wide and deep networks" (it keeps just the bias part Θ_b); ' +
      'dotted: the Thm 3.3 band 1/4 ≤ ratio ≤ 1 (eq. 16, a limit statement)',
    paper:
      `M ∈ {100, 200, 500}, α₀ = 1, ⟨x⁰, x̃⁰⟩ ∈ {0.1, 0.3, 0.5, 0.7, 0.9} (5 dashed lines per σ_w², darker = larger cosine); ` +
      `σ_w² values not listed in the text; ${PAPER_SAMPLES} networks per point.`,
    notes:
      'Ours: σ_w² ∈ {1.0, 1.8} (ordered, with eq. 18), 2.0 (EOC) and 2.5 (chaotic); 7 depths per M (L = 2, λ = 0.05, 0.1, 0.2 … 0.5). ' +
      'Pairs need the lazily revealed Gaussian sampler, O(L·M) per network (M = 500, L = 250 ≈ 25 networks/s per core), so the ' +
      'default is N = 100 per point — one fifth of the paper’s 500, NOT 20×; raise N if you can wait (time scales linearly). ' +
      'Error bars on the ratio of sample means are delta-method standard errors (same networks for numerator and denominator).',
  },
  {
    id: 'fig7',
    figure: 'Fig. 7',
    title: 'Off-diagonal NTK dispersion in the three phases',
    quantity: 'offDiagonalDispersion',
    yLabel: 'E[Θ²(x,x̃)] / E[Θ(x,x̃)]²',
    yScale: 'log',
    xLabel: 'depth L',
    panels: [2.0, 0.5, 0.1].map((a0) => panel(`a${fmtNum(a0)}`, `α₀ = ${fmtNum(a0)}`, 200, a0, LAMBDA_PAIR)),
    series: pairSeries([1.5, 2.0, 2.5], [0.1, 0.5, 0.9]),
    sampler: 'lazy-gaussian',
    defaultSamples: PAPER_SAMPLES,
    theory:
      'Thm 3.1 limit for the DIAGONAL Θ(x, x) (as in the paper); Thm 3.3 only bounds the off-diagonal one by 16× this (eq. 17)',
    paper: `M = 200, α₀ ∈ {2.0, 0.5, 0.1}, ⟨x⁰, x̃⁰⟩ ∈ {0.1, 0.5, 0.9}, σ_w² in the three phases (values not listed); ${PAPER_SAMPLES} networks per point.`,
    notes:
      'Ours: σ_w² ∈ {1.5 (ordered), 2.0 (EOC), 2.5 (chaotic)}; 7 depths (L = 2, λ = 0.05, 0.1, 0.2 … 0.5). The pair sampler is ' +
      'O(L·M) per network, so the default is N = 500 per point — the paper’s own N, NOT 20× (10⁴ would take about 20× as long). ' +
      'At the EOC and in the chaotic phase Θ is heavy-tailed: with N = 500 the estimate is biased low and its bootstrap SE understates.',
  },
  {
    id: 'fig8',
    figure: 'Fig. 8',
    title: 'Off-diagonal NTK dispersion near the EOC (finite width)',
    quantity: 'offDiagonalDispersion',
    yLabel: 'E[Θ²(x,x̃)] / E[Θ(x,x̃)]²',
    yScale: 'log',
    xLabel: 'depth L',
    panels: [2.0, 0.5, 0.1].map((a0) => panel(`a${fmtNum(a0)}`, `α₀ = ${fmtNum(a0)}`, 200, a0, LAMBDA_PAIR)),
    series: pairSeries([1.9, 2.0, 2.1], [0.1, 0.5, 0.9]),
    sampler: 'lazy-gaussian',
    defaultSamples: PAPER_SAMPLES,
    theory: 'Thm 3.2 for the DIAGONAL Θ(x, x) at this depth and width (as in the paper)',
    paper: `Same as Fig. 7 with σ_w² near the EOC (values not listed); solid lines: Thm 3.2 for the diagonal; ${PAPER_SAMPLES} networks per point.`,
    notes:
      'Ours: σ_w² ∈ {1.9, 2.0, 2.1}; 7 depths (L = 2, λ = 0.05, 0.1, 0.2 … 0.5); N = 500 per point — the paper’s N, NOT 20×, ' +
      'because the pair sampler is O(L·M) per network. Heavy tails near the EOC: the estimate is biased low at this N.',
  },
  ...EXTRA_PRESETS,
];

// The thesis' appendix versions of Figs. 1 and 2 (Seleznova 2024 (thesis), Figs. 9 and 10): the same experiments with
// continuous error bars. Same jobs and keys as Figs. 1 and 2, so the same seed gives the same points.
const BAND_VERSIONS: readonly [PresetId, PresetId, string][] = [
  ['fig9', 'fig1', 'Fig. 9'],
  ['fig10', 'fig2', 'Fig. 10'],
];
export const PRESETS: readonly PresetDefinition[] = [
  ...BASE_PRESETS,
  ...BAND_VERSIONS.map(([id, of, figure]): PresetDefinition => {
    const base = BASE_PRESETS.find((p) => p.id === of)!;
    return {
      ...base,
      id,
      figure,
      title: `${base.title} — continuous error bars`,
      errorStyle: 'band',
      paper: `Seleznova 2024 (thesis), appendix ${figure} (thesis numbering): ${base.figure} of Seleznova & Kutyniok 2022 with continuous error bars (a ±SE band). ${base.paper}`,
      notes: `${base.notes} Drawn as a ±1 SE band per series (the thesis does not say whether its band is 1 SE or a bootstrap interval).`,
    };
  }),
];

export function presetById(id: string): PresetDefinition {
  const p = PRESETS.find((d) => d.id === id);
  if (!p) throw new RangeError(`unknown preset "${id}" (known: ${PRESET_IDS.join(', ')})`);
  return p;
}

// ---------------------------------------------------------------------------------------------------------
// Expansion

/** 32-bit FNV-1a of a string. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Seed of one point: depends on the base seed and the point's key only, so a point's result does not change when other
 * points are added or dropped.
 */
export function jobSeed(baseSeed: number, key: string): number {
  return fnv1a(`${baseSeed}|${key}`);
}

/** `count` of `items`, evenly spread with both ends kept (all of them if count ≥ length). */
export function spreadSubset<T>(items: readonly T[], count: number): T[] {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`maxDepthsPerPanel must be an integer ≥ 1, got ${String(count)}`);
  if (count >= items.length) return [...items];
  if (count === 1) return [items[items.length - 1]];
  const picked = new Set<number>();
  for (let i = 0; i < count; i++) picked.add(Math.round((i * (items.length - 1)) / (count - 1)));
  return [...picked].sort((a, b) => a - b).map((i) => items[i]);
}

/** Every integer depth 1 … max. */
const depthRange = (from: number, max: number) => Array.from({ length: max - from + 1 }, (_, k) => from + k);

/** Thm 3.2 dispersion at depths 1 … maxDepth for constant width (one O(L) recurrence). */
function finiteCurve(sigmaW2: number, width: number, inputDim: number, maxDepth: number): number[] {
  const rec = new ReluMomentRecurrence(sigmaW2, inputDim);
  const ys = [rec.dispersion()];
  for (let L = 2; L <= maxDepth; L++) {
    rec.push(width);
    ys.push(rec.dispersion());
  }
  return ys;
}

function checkOptions(
  def: PresetDefinition,
  opts: ExpandOptions,
): { samples: number; seed: number; maxDepths: number } {
  const samples = opts.samples ?? def.defaultSamples;
  if (!Number.isInteger(samples) || samples < 3 || samples > LIMITS.samplesMax) {
    throw new RangeError(`samples (N) must be an integer in [3, ${LIMITS.samplesMax}], got ${String(samples)}`);
  }
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1)
    throw new RangeError(`seed must be an integer in [0, 2³² − 1], got ${String(seed)}`);
  const maxDepths = opts.maxDepthsPerPanel ?? Infinity;
  if (maxDepths !== Infinity && (!Number.isInteger(maxDepths) || maxDepths < 1)) {
    throw new RangeError(`maxDepthsPerPanel must be an integer ≥ 1, got ${String(maxDepths)}`);
  }
  return { samples, seed, maxDepths };
}

/**
 * The jobs and theory curves of a preset. Jobs are ordered panel by panel, series by series, depth ascending.
 * Theory curves span every integer depth of the panel's plotted range (x = 1 … max measured depth; eq. 18 from 2).
 */
export function expandPreset(def: PresetDefinition, opts: ExpandOptions = {}): PresetExpansion {
  const { samples, seed, maxDepths } = checkOptions(def, opts);
  const jobs: PresetJob[] = [];
  const curves: TheoryCurve[] = [];
  for (const p of def.panels) {
    const depths = def.theoryOnly ? [] : maxDepths === Infinity ? [...p.depths] : spreadSubset(p.depths, maxDepths);
    const maxDepth = p.depths[p.depths.length - 1]; // the panel keeps its full x range when depths are thinned
    const panelCurves = theoryCurves(def, p, maxDepth);
    curves.push(...panelCurves);
    for (const s of def.series) {
      const curve = panelCurves.find((c) => c.kind === 'theory' && c.seriesIds.includes(s.id));
      for (const L of depths) {
        const key = `${p.id}/${s.id}/L${L}`;
        const params: MeasureParams = {
          sigmaW2: s.sigmaW2,
          depth: L,
          width: p.width,
          inputDim: p.inputDim,
          sigmaB2: 0,
          ...(s.pairCos === undefined ? {} : { pairCos: s.pairCos }),
          samples,
          seed: jobSeed(seed, key),
          method: 'exact',
          ...(p.component === undefined ? {} : { components: true }),
          ...(p.profile === undefined ? {} : { widths: profileWidths(p.profile, L) }),
        };
        const at = curve ? curve.xs.indexOf(L) : -1;
        jobs.push({
          index: jobs.length,
          key,
          panelId: p.id,
          seriesId: s.id,
          depth: L,
          params,
          theory: at >= 0 ? curve!.ys[at] : null,
          ...(p.component === undefined ? {} : { component: p.component }),
        });
      }
    }
  }
  return { jobs, curves };
}

function theoryCurves(def: PresetDefinition, p: PresetPanel, maxDepth: number): TheoryCurve[] {
  const alpha0 = p.inputDim / p.width; // the realized α₀ of the sampled networks
  const xs = depthRange(1, maxDepth);
  const bySigma = new Map<number, PresetSeries[]>();
  for (const s of def.series) bySigma.set(s.sigmaW2, [...(bySigma.get(s.sigmaW2) ?? []), s]);
  const ids = (list: readonly PresetSeries[]) => list.map((s) => s.id);
  const limitCurve = (sigmaW2: number) => xs.map((L) => limitDispersion(sigmaW2, L / p.width, alpha0));
  switch (def.id) {
    case 'fig5':
      return def.series.map((s) => ({
        id: `${p.id}/limit-${s.id}`,
        panelId: p.id,
        label: s.alpha0 === undefined ? 'Thm 3.1, chaotic (eq. 8)' : `Thm 3.1, EOC (eq. 9), α₀ = ${fmtNum(s.alpha0)}`,
        kind: 'theory' as const,
        seriesIds: [s.id],
        xs,
        ys: xs.map((L) => limitDispersion(s.sigmaW2, L / p.width, s.alpha0 ?? 1)),
      }));
    case 'fig6':
      return profileCurves(def.series, p, maxDepth);
    case 'components':
      return componentCurves(def.series, p, maxDepth);
    case 'fig1':
    case 'fig9': {
      // Thm 3.1 depends on σ_w² only through the phase: one line per phase
      const out: TheoryCurve[] = [];
      for (const phase of ['ordered', 'edge-of-chaos', 'chaotic'] as const) {
        const members = def.series.filter((s) => s.phase === phase);
        if (members.length === 0) continue;
        const label = {
          ordered: 'Thm 3.1, ordered (→ 1)',
          'edge-of-chaos': 'Thm 3.1, EOC (eq. 9)',
          chaotic: 'Thm 3.1, chaotic (eq. 8)',
        }[phase];
        out.push({
          id: `${p.id}/limit-${phase}`,
          panelId: p.id,
          label,
          kind: 'theory',
          seriesIds: ids(members),
          xs,
          ys: limitCurve(members[0].sigmaW2),
        });
      }
      return out;
    }
    case 'fig2':
    case 'fig10':
    case 'fig8':
      return [...bySigma].map(([sigmaW2, members]) => ({
        id: `${p.id}/finite-s${fmtNum(sigmaW2)}`,
        panelId: p.id,
        label: `Thm 3.2${def.id === 'fig8' ? ' (diagonal)' : ''}, σ_w² = ${fmtNum(sigmaW2)}`,
        kind: 'theory' as const,
        seriesIds: ids(members),
        xs,
        ys: finiteCurve(sigmaW2, p.width, p.inputDim, maxDepth),
      }));
    case 'fig7':
      return [...bySigma].map(([sigmaW2, members]) => ({
        id: `${p.id}/limit-s${fmtNum(sigmaW2)}`,
        panelId: p.id,
        label: `Thm 3.1 (diagonal), σ_w² = ${fmtNum(sigmaW2)}`,
        kind: 'theory' as const,
        seriesIds: ids(members),
        xs,
        ys: limitCurve(sigmaW2),
      }));
    case 'fig3': {
      const out: TheoryCurve[] = [];
      const xs18 = depthRange(2, maxDepth);
      for (const s of def.series) {
        if (s.phase !== 'ordered' || s.pairCos === undefined) continue; // eq. (18) is the ordered-phase estimate
        const ys = Array.from(offDiagonalRatioOrderedCurve(s.sigmaW2, maxDepth, s.pairCos).subarray(1));
        out.push({
          id: `${p.id}/eq18-${s.id}`,
          panelId: p.id,
          label: `eq. (18), ${s.label}`,
          kind: 'theory',
          seriesIds: [s.id],
          xs: xs18,
          ys,
        });
      }
      const band = (y: number, which: string): TheoryCurve => ({
        id: `${p.id}/bound-${which}`,
        panelId: p.id,
        label: `Thm 3.3 bound (eq. 16): ${which} ${y}`,
        kind: 'bound',
        seriesIds: [],
        xs: [1, maxDepth],
        ys: [y, y],
      });
      out.push(band(OFF_DIAGONAL_RATIO_BOUNDS.lower, 'lower'), band(OFF_DIAGONAL_RATIO_BOUNDS.upper, 'upper'));
      return out;
    }
  }
}

/**
 * The plotted value of a result for a preset quantity (for 'componentShare', the share named by the job); stderr is
 * NaN where the engine reports none. null if absent.
 */
export function measuredEstimate(
  quantity: PresetQuantity,
  r: MeasureResult,
  job?: Pick<PresetJob, 'component'>,
): Estimate | null {
  switch (quantity) {
    case 'componentShare':
      return r.components && job?.component ? r.components.shares[job.component] : null;
    case 'dispersion':
      return r.dispersion;
    case 'offDiagonalRatio':
      return r.offDiagonal
        ? { estimate: r.offDiagonal.meanRatio, stderr: r.offDiagonal.meanRatioStderr ?? Number.NaN }
        : null;
    case 'offDiagonalDispersion':
      return r.offDiagonal ? r.offDiagonal.dispersion : null;
  }
}
