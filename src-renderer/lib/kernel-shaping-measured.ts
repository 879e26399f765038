// The Kernel-shaping tab's measured maps (issue 14, item 3): the dks-measure job's params from the tab's state, and
// its points grouped per layer as c_l ± SE vs width next to the maps' prediction (Martens et al. 2021 (DKS),
// Sec. 6–7). Pure; the card (KsMeasured.svelte) runs the job through LabClient.
import type { DksMeasureNtkPoint, DksMeasureParamsInput, DksMeasurePoint } from '../../src-shared/contract/dks-measure';
import type { ShapingInput } from './kernel-shaping-view';

export const MEASURE_DEFAULTS = { widths: [32, 128, 512], samples: 100, cos: 0.5, seed: 1 } as const;

/** Recorded layers: 1, 10 and D (those ≤ D, distinct). */
export function measuredLayers(depth: number): number[] {
  return [...new Set([1, 10, depth].filter((l) => l >= 1 && l <= depth))].sort((a, b) => a - b);
}

/** Widths as typed ("32, 128, 512"): integers in [1, 4096], at most 8; a RangeError naming the field otherwise. */
export function parseWidths(text: string): number[] {
  const parts = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const widths = parts.map(Number);
  if (parts.length === 0 || parts.length > 8 || !widths.every((w) => Number.isInteger(w) && w >= 1 && w <= 4096))
    throw new RangeError(`widths M must be 1–8 integers in [1, 4096], comma-separated; got "${text}"`);
  return widths;
}

/** The job for the tab's φ, ζ and D (plain chain: the transform of `ntk-lab dks` for ψ = ζ^(1/D)). */
export function measureParams(
  input: ShapingInput,
  widths: number[],
  samples: number,
  transform: 'dks' | 'none' = 'dks',
): DksMeasureParamsInput {
  return {
    activation: input.activation,
    zeta: input.zeta,
    depth: input.depth,
    transform,
    widths,
    layers: measuredLayers(input.depth),
    cos: MEASURE_DEFAULTS.cos,
    samples,
    seed: MEASURE_DEFAULTS.seed,
    // the NTK's dispersion and mean at depth D per width, against the infinite-width recursion
    ntk: true,
  };
}

export interface LayerSeries {
  layer: number;
  widths: number[];
  c: number[];
  se: number[];
  predicted: number;
}

/** Points grouped per layer, widths ascending. */
export function seriesByLayer(points: readonly DksMeasurePoint[]): LayerSeries[] {
  const byLayer = new Map<number, DksMeasurePoint[]>();
  for (const p of points) byLayer.set(p.layer, [...(byLayer.get(p.layer) ?? []), p]);
  return [...byLayer.entries()]
    .sort(([a], [b]) => a - b)
    .map(([layer, ps]) => {
      const sorted = [...ps].sort((a, b) => a.width - b.width);
      return {
        layer,
        widths: sorted.map((p) => p.width),
        c: sorted.map((p) => p.c.estimate),
        se: sorted.map((p) => p.c.stderr),
        predicted: sorted[0].predicted.c,
      };
    });
}

/** One CSV row per point: width, layer, c ± SE, q ± SE, and the prediction. */
export function measuredRows(points: readonly DksMeasurePoint[]): {
  header: string[];
  rows: Array<Array<number>>;
} {
  return {
    header: ['width', 'layer', 'c', 'c_se', 'c_predicted', 'q', 'q_se', 'q_predicted', 'samples'],
    rows: points.map((p) => [
      p.width,
      p.layer,
      p.c.estimate,
      p.c.stderr,
      p.predicted.c,
      p.q.estimate,
      p.q.stderr,
      p.predicted.q,
      p.samples,
    ]),
  };
}

export interface NtkSeries {
  widths: number[];
  /** E[Θ²]/E[Θ]² ± SE (→ 1 as M → ∞). */
  dispersion: number[];
  dispersionSe: number[];
  /** E[Θ]/Θ∞ ± SE (→ 1 as M → ∞). */
  thetaRatio: number[];
  thetaRatioSe: number[];
  /** Θ∞ of the NTK recursion with φ̂. */
  predictedTheta: number;
}

/** The NTK points, widths ascending, with E[Θ] divided by its M → ∞ value; null when there are none. */
export function ntkSeries(points: readonly DksMeasureNtkPoint[]): NtkSeries | null {
  if (points.length === 0) return null;
  const sorted = [...points].sort((a, b) => a.width - b.width);
  const t = sorted[0].predicted.theta;
  return {
    widths: sorted.map((p) => p.width),
    dispersion: sorted.map((p) => p.dispersion.estimate),
    dispersionSe: sorted.map((p) => p.dispersion.stderr),
    thetaRatio: sorted.map((p) => p.theta.estimate / t),
    thetaRatioSe: sorted.map((p) => p.theta.stderr / t),
    predictedTheta: t,
  };
}

/** One CSV row per NTK width. */
export function ntkRows(points: readonly DksMeasureNtkPoint[]): { header: string[]; rows: Array<Array<number>> } {
  return {
    header: [
      'width',
      'depth',
      'dispersion',
      'dispersion_se',
      'dispersion_predicted',
      'theta',
      'theta_se',
      'theta_predicted',
      'samples',
    ],
    rows: points.map((p) => [
      p.width,
      p.depth,
      p.dispersion.estimate,
      p.dispersion.stderr,
      p.predicted.dispersion,
      p.theta.estimate,
      p.theta.stderr,
      p.predicted.theta,
      p.samples,
    ]),
  };
}
