// Paper-figure presets: the experiments behind Seleznova & Kutyniok 2022 Figs. 1, 2, 3, 5, 6, 7 and 8 and the
// component view of Seleznova 2024 (thesis), §3.2, as pure data. Each preset states
// the paper's setting and our choices (`paper`, `notes`), and expands to measurement jobs (MeasureParams plus the
// panel, series and depth each belongs to) and theory curves (x = depth L, y) for the figure.
import type { Estimate, MeasureParams, MeasureResult } from './contract/measure';
import { inputDimFromAlpha0, LIMITS, phaseOf, type Phase } from './params';
import {
  limitDispersion,
  OFF_DIAGONAL_RATIO_BOUNDS,
  offDiagonalRatioOrderedCurve,
  ReluMomentRecurrence,
  type ComponentShares,
} from './theory';
import { componentCurves, profileCurves, profileWidths, type WidthProfile } from './presets-extra';

export const PRESET_IDS = [
  'fig1',
  'fig2',
  'fig3',
  'fig7',
  'fig8',
  'fig5',
  'fig6',
  'components',
  'fig9',
  'fig10',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** What a point of the figure plots, read from a MeasureResult (see measuredEstimate). */
export type PresetQuantity = 'dispersion' | 'offDiagonalRatio' | 'offDiagonalDispersion' | 'componentShare';

/** Which share of the NTK components a panel of the components preset plots (ComponentShares minus meanB). */
export type ComponentShareKey = Exclude<keyof ComponentShares, 'meanB'>;

/** Which engine path the jobs take: σ_b² = 0 without a pair → exact O(L) sampler; with pairCos → lazy Gaussian. */
export type PresetSampler = 'exact-diagonal' | 'lazy-gaussian';

/** Networks per configuration in the paper (every figure; App. C.3 estimator, bootstrap SE). */
export const PAPER_SAMPLES = 500;

/** One subplot: a constant-width network family (small multiples: one per M or per α₀, as in the paper). */
export interface PresetPanel {
  id: string;
  label: string;
  width: number;
  alpha0: number;
  /** n₀ = max(1, round(α₀·M)) as the engine samples it. */
  inputDim: number;
  /** Measured depths L (ascending). */
  depths: readonly number[];
  /** Components preset: the share this panel plots. */
  component?: ComponentShareKey;
  /** Width-profile preset (Fig. 6): the profile of the networks at each depth (n₀ = inputDim at every depth). */
  profile?: WidthProfile;
}

/** One line of measured points (same in every panel). Colour by group (σ_w²); shade 0…1 darkens with ⟨x⁰, x̃⁰⟩. */
export interface PresetSeries {
  id: string;
  label: string;
  sigmaW2: number;
  phase: Phase;
  pairCos?: number;
  /** Colour group: series of one σ_w² share it. */
  group: string;
  groupLabel: string;
  /** 0 … 1; darker for larger ⟨x⁰, x̃⁰⟩ (the paper's convention in Figs. 3, 7, 8). 1 when there is no pair. */
  shade: number;
  /** Theory-only α₀ sweep (Fig. 5): this line's α₀ = n₀/M (the panel's α₀ otherwise). */
  alpha0?: number;
}

export interface PresetDefinition {
  id: PresetId;
  /** "Fig. 1" */
  figure: string;
  title: string;
  quantity: PresetQuantity;
  yLabel: string;
  yScale: 'log' | 'linear';
  xLabel: string;
  panels: readonly PresetPanel[];
  series: readonly PresetSeries[];
  sampler: PresetSampler;
  /** Default N per point (see notes for why). */
  defaultSamples: number;
  /** What the solid lines are. */
  theory: string;
  /** The paper's setting, as stated in seed 004 (and the authors' code where the text is silent). */
  paper: string;
  /** Our choices and caveats. */
  notes: string;
  /** Theory only: no measurement jobs (Run is disabled). */
  theoryOnly?: boolean;
  /** What the dotted lines in series colour (curves of kind 'alt') are. */
  altTheory?: string;
  /** A line for the legend (e.g. what the shades mean). */
  legendNote?: string;
  /** How ±SE is drawn: bars at each point (default) or a continuous band per series (the thesis' Figs. 9, 10). */
  errorStyle?: 'bars' | 'band';
}

/** One measurement of a preset. */
export interface PresetJob {
  /** Position in the job list (the channel is preset-<index>). */
  index: number;
  /** Stable name of the point, e.g. "M200/s1.8/c0.5/L40"; it also derives the seed. */
  key: string;
  panelId: string;
  seriesId: string;
  /** x of the point: depth L. */
  depth: number;
  params: MeasureParams;
  /** The solid line's value at exactly this network (null where the preset draws none for this series). */
  theory: number | null;
  /** Components preset: the share this point plots. */
  component?: ComponentShareKey;
}

/**
 * A solid line (kind 'theory'), a bound (kind 'bound', drawn dotted grey) or a second prediction (kind 'alt', drawn
 * dotted in its series' colour, e.g. the exact finite-width moments beside Thm 3.2) in one panel.
 */
export interface TheoryCurve {
  id: string;
  panelId: string;
  label: string;
  kind: 'theory' | 'bound' | 'alt';
  /** Series the curve predicts (coloured like them when they share one σ_w²; neutral otherwise; none for bounds). */
  seriesIds: readonly string[];
  xs: readonly number[];
  ys: readonly number[];
}

export interface PresetExpansion {
  jobs: PresetJob[];
  curves: TheoryCurve[];
}

export interface ExpandOptions {
  /** N per point (default: the preset's defaultSamples). */
  samples?: number;
  /** Base seed; each job's seed is derived from it and the job's key (default 1). */
  seed?: number;
  /** Keep at most this many depths per panel, evenly spread, endpoints included (default: all). */
  maxDepthsPerPanel?: number;
}

// Cost model: the calibrated one (src-shared/network/cost-model.ts); re-exported for the presets' callers.
export { estimatePresetSeconds, jobCostSeconds } from './network/cost-model';

// ---------------------------------------------------------------------------------------------------------
// Building blocks

const fmtNum = (v: number) => String(Number(v.toFixed(4)));

/** [2] ∪ {round(f·M)} for the given fractions f of M (λ values), ascending, deduplicated. */
function depthsAt(width: number, fractions: readonly number[]): number[] {
  const set = new Set<number>([2]);
  for (const f of fractions) set.add(Math.max(2, Math.round(f * width)));
  return [...set].sort((a, b) => a - b);
}

const LAMBDA_DENSE = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]; // + L = 2: 11 depths up to L = M/2
const LAMBDA_PAIR = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5]; // + L = 2: 7 depths (the pair sampler costs O(L·M) per network)

function panel(id: string, label: string, width: number, alpha0: number, fractions: readonly number[]): PresetPanel {
  return { id, label, width, alpha0, inputDim: inputDimFromAlpha0(alpha0, width), depths: depthsAt(width, fractions) };
}

const PHASE_WORD: Record<Phase, string> = { ordered: 'ordered', 'edge-of-chaos': 'EOC', chaotic: 'chaotic' };

function sigmaSeries(sigmas: readonly number[]): PresetSeries[] {
  return sigmas.map((s) => {
    const phase = phaseOf(s);
    const label = `σ_w² = ${fmtNum(s)} (${PHASE_WORD[phase]})`;
    return { id: `s${fmtNum(s)}`, label, sigmaW2: s, phase, group: `s${fmtNum(s)}`, groupLabel: label, shade: 1 };
  });
}

function pairSeries(sigmas: readonly number[], cosines: readonly number[]): PresetSeries[] {
  const out: PresetSeries[] = [];
  for (const s of sigmas) {
    const phase = phaseOf(s);
    const groupLabel = `σ_w² = ${fmtNum(s)} (${PHASE_WORD[phase]})`;
    cosines.forEach((c, k) => {
      out.push({
        id: `s${fmtNum(s)}/c${fmtNum(c)}`,
        label: `σ_w² = ${fmtNum(s)}, ⟨x⁰, x̃⁰⟩ = ${fmtNum(c)}`,
        sigmaW2: s,
        phase,
        pairCos: c,
        group: `s${fmtNum(s)}`,
        groupLabel,
        shade: cosines.length === 1 ? 1 : 0.35 + (0.65 * k) / (cosines.length - 1),
      });
    });
  }
  return out;
}

const ALPHA0_FIG5 = [1, 0.7, 0.5, 0.3, 0.1];
const FIG6_M1 = 100;
const FIG6_M2 = 500;
const COMPONENT_PANELS: readonly [ComponentShareKey, string][] = [
  ['meanW', 'E[Θ_W] / E[Θ]'],
  ['secondW', 'E[Θ_W²] / E[Θ²]'],
  ['secondB', 'E[Θ_b²] / E[Θ²]'],
  ['secondWB', '2E[Θ_WΘ_b] / E[Θ²]'],
];

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
  {
    id: 'fig5',
    figure: 'Fig. 5',
    title: 'Limit dispersion at the EOC vs the input dimension α₀ = n₀/M (theory only)',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²  (M, L → ∞)',
    yScale: 'log',
    xLabel: 'depth L at M = 100 (λ = L/M)',
    panels: [
      { id: 'limit', label: 'Thm 3.1, λ = L/M ∈ [0.01, 1]', width: 100, alpha0: 1, inputDim: 100, depths: [100] },
    ],
    series: [
      ...ALPHA0_FIG5.map((a0, k) => ({
        id: `a${fmtNum(a0)}`,
        label: `EOC, α₀ = ${fmtNum(a0)}`,
        sigmaW2: 2,
        phase: 'edge-of-chaos' as const,
        group: 'eoc',
        groupLabel: 'σ_w² = 2 (EOC), eq. (9)',
        shade: 0.25 + (0.75 * (ALPHA0_FIG5.length - 1 - k)) / (ALPHA0_FIG5.length - 1),
        alpha0: a0,
      })),
      ...sigmaSeries([2.5]).map((s) => ({ ...s, groupLabel: 'chaotic, eq. (8) (any σ_w² > 2, any α₀)' })),
    ],
    sampler: 'exact-diagonal',
    defaultSamples: PAPER_SAMPLES,
    theoryOnly: true,
    legendNote: `lighter → darker: α₀ = ${ALPHA0_FIG5.join(', ')}`,
    theory:
      'Thm 3.1 limit: eq. (9) at the EOC for each α₀, eq. (8) in the chaotic phase (α₀-independent; the EOC curve tends to it as α₀ → 0, Remark 1)',
    paper:
      'Theory only (App. B.1): limit curves of Thm 3.1, black = chaotic (uppermost), EOC for α₀ from 1 (yellow) to 0.1 (violet); ' +
      'the intermediate α₀ values and the λ range are not stated.',
    notes:
      `Ours: α₀ ∈ {${ALPHA0_FIG5.join(', ')}} (our choice of the steps between 1 and 0.1), λ = L/M from 0.01 to 1 (drawn as L at ` +
      'M = 100); grey shades instead of the paper’s yellow → violet. No measurements: Figs. 2 and 8 measure α₀ at finite width.',
  },
  {
    id: 'fig6',
    figure: 'Fig. 6',
    title: 'Thm 3.2 dispersion for increasing, constant and decreasing width profiles',
    quantity: 'dispersion',
    yLabel: 'E[Θ²(x,x)] / E[Θ(x,x)]²',
    yScale: 'log',
    xLabel: 'depth L (λ = 2L/(M₁ + M₂))',
    panels: (['increasing', 'constant', 'decreasing'] as const).map((kind) => {
      const profile: WidthProfile = { kind, m1: FIG6_M1, m2: FIG6_M2 };
      const n0 = profileWidths(profile, 2)[0];
      const mean = Math.ceil((FIG6_M1 + FIG6_M2) / 2);
      return {
        id: kind,
        label: `${kind} (n₀ = ${n0})`,
        width: mean,
        alpha0: n0 / mean,
        inputDim: n0,
        depths: depthsAt(mean, LAMBDA_DENSE),
        profile,
      };
    }),
    series: sigmaSeries([1.5, 1.9, 2.0, 2.1, 2.5]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory: 'Thm 3.2 for the whole profile at each depth (proof-consistent eq. 13), one line per σ_w²',
    altTheory: 'exact finite-width moments (dotted)',
    paper:
      `App. B.2: n_ℓ = M₁ + ⌈ℓ(M₂ − M₁)/L⌉ (increasing), ⌈(M₁ + M₂)/2⌉ (constant), M₂ + ⌈ℓ(M₁ − M₂)/L⌉ (decreasing), ` +
      `0 ≤ ℓ ≤ L, M₁ = ${FIG6_M1}, M₂ = ${FIG6_M2} fixed as L grows, λ = 2L/(M₁ + M₂); Thm 3.2 only (no measurements). ` +
      'The σ_w² values and the depth range are not stated.',
    notes:
      'Ours: σ_w² ∈ {1.5, 1.9, 2.0, 2.1, 2.5}; n_ℓ for ℓ = 0 … L − 1 (n_L = 1 is the scalar output, as in Thm 3.2); ' +
      'L = 2 and λ = 0.05 … 0.5 (11 depths, L ≤ 150); measured points (N = 10⁴, exact O(L) sampler with the profile) ' +
      'and the exact finite-width moments (dotted) added to the paper’s Thm 3.2 lines. What the lines show (Thm 3.2, L = 150): ' +
      'in the ordered phase (σ_w² = 1.9) the increasing profile peaks at shallow depth (1.25 at L = 30) and then falls ' +
      '(1.11), the decreasing one only rises (1.26 → 1.54), as the paper says; at the EOC and in the chaotic phase the ' +
      'increasing profile is NOT the lowest (EOC: 7.5 increasing, 3.8 constant, 6.7 decreasing): its n₀ = 100 is small ' +
      'next to its later widths, the α₀ effect of Fig. 2.',
  },
  {
    id: 'components',
    figure: 'Components',
    title: 'Θ_W vs Θ_b: shares of the weight and bias parts of the NTK',
    quantity: 'componentShare',
    yLabel: 'share',
    yScale: 'linear',
    xLabel: 'depth L',
    panels: COMPONENT_PANELS.map(([component, label]) => ({
      ...panel(component, label, 100, 1, LAMBDA_DENSE),
      component,
    })),
    series: sigmaSeries([1.5, 2.0, 2.5]),
    sampler: 'exact-diagonal',
    defaultSamples: 10_000,
    theory:
      'Thm 3.2 component moments (eqs. 11–15, eq. 13 proof-consistent) as shares: E[Θ_W]/E[Θ], E[Θ_W²]/E[Θ²], ' +
      'E[Θ_b²]/E[Θ²], 2E[Θ_WΘ_b]/E[Θ²]',
    altTheory: 'exact finite-width component moments (dotted)',
    paper:
      'Seleznova 2024 (thesis), §3.2 (Lemmas A.5–A.7, eqs. 31–37): Θ = Θ_W + Θ_b; in the chaotic phase Θ_W dominates ' +
      '(E[Θ_WΘ_b]/E[Θ_W]² → 0), in the ordered phase Θ_b (E[Θ_WΘ_b]/E[Θ_b]² → 0). Stated as limits; no figure, so the ' +
      'widths, depths, σ_w² and N are ours.',
    notes:
      'Ours: M = 100, α₀ = 1, σ_w² ∈ {1.5 (ordered), 2.0 (EOC), 2.5 (chaotic)}, L = 2 and λ = 0.05 … 0.5; N = 10⁴ per point ' +
      '(exact sampler, components mode: JavaScript, slower than the WebAssembly path of the other figures). Each panel ' +
      'measures its own networks (independent seeds), so the four shares of one depth do not come from the same sample. ' +
      'E[Θ_b]/E[Θ] = 1 − E[Θ_W]/E[Θ]; the three second-moment shares sum to 1. Shares are ratios of means with ' +
      'delta-method SEs; in the chaotic phase at λ → 0.5 the second moments are heavy-tailed and the SE understates.',
  },
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
