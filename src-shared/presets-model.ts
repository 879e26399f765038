// The data model of the paper-figure presets (presets.ts): ids, the panel / series / definition / job / curve types,
// and the building blocks the definitions share (depth grids, σ_w² series).
import type { MeasureParams } from './contract/measure';
import { inputDimFromAlpha0, phaseOf, type Phase } from './params';
import type { ComponentShares } from './theory';

/** Fig. 6's width profiles (Seleznova & Kutyniok 2022, App. B.2): n_ℓ for 0 ≤ ℓ ≤ L − 1 from M₁ and M₂. */
export interface WidthProfile {
  kind: 'increasing' | 'constant' | 'decreasing';
  m1: number;
  m2: number;
}

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
  /** The paper's setting, as stated in Seleznova & Kutyniok 2022 (and the authors' code where the text is silent). */
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

// ---------------------------------------------------------------------------------------------------------
// Building blocks

export const fmtNum = (v: number) => String(Number(v.toFixed(4)));

/** [2] ∪ {round(f·M)} for the given fractions f of M (λ values), ascending, deduplicated. */
export function depthsAt(width: number, fractions: readonly number[]): number[] {
  const set = new Set<number>([2]);
  for (const f of fractions) set.add(Math.max(2, Math.round(f * width)));
  return [...set].sort((a, b) => a - b);
}

export const LAMBDA_DENSE = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5]; // + L = 2: 11 depths up to L = M/2
// + L = 2: 7 depths (the pair sampler costs O(L·M) per network)
export const LAMBDA_PAIR = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5];

export function panel(
  id: string,
  label: string,
  width: number,
  alpha0: number,
  fractions: readonly number[],
): PresetPanel {
  return { id, label, width, alpha0, inputDim: inputDimFromAlpha0(alpha0, width), depths: depthsAt(width, fractions) };
}

const PHASE_WORD: Record<Phase, string> = { ordered: 'ordered', 'edge-of-chaos': 'EOC', chaotic: 'chaotic' };

export function sigmaSeries(sigmas: readonly number[]): PresetSeries[] {
  return sigmas.map((s) => {
    const phase = phaseOf(s);
    const label = `σ_w² = ${fmtNum(s)} (${PHASE_WORD[phase]})`;
    return { id: `s${fmtNum(s)}`, label, sigmaW2: s, phase, group: `s${fmtNum(s)}`, groupLabel: label, shade: 1 };
  });
}

export function pairSeries(sigmas: readonly number[], cosines: readonly number[]): PresetSeries[] {
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
