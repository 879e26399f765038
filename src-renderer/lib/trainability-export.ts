// The Trainability tab's exports: file names and the CSV rows of the plane.
import type { CellRecord } from '../../src-shared/contract/trainability';
import { MAP_STATUS } from '../../src-shared/theory/meanfield';
import type { TheoryColumns } from './trainability-view';

// ---------------------------------------------------------------------------------------------------------
// Exports

const slugNumber = (v: number): string => String(Number(v.toPrecision(6)));

/** ntk-trainability-plane-tanh-b0.05-M128.svg */
export function trainabilityFileName(
  plot: 'trainability-plane' | 'spectrum' | 'learning-rate',
  p: { activation: string; sigmaB2: number; width: number },
  ext: string,
): string {
  return `ntk-${plot}-${p.activation}-b${slugNumber(p.sigmaB2)}-M${slugNumber(p.width)}.${ext}`;
}

const PHASE_NAMES = ['ordered', 'critical', 'chaotic', 'none'] as const;
const phaseName = (status: number): string => PHASE_NAMES[status] ?? 'none';

export const PLANE_CSV_HEADER = [
  'kind',
  'sigmaW2',
  'depth',
  'depthToWidth',
  'phase',
  'chi1',
  'xi',
  'contourDepth',
  'trainAccuracy',
  'testAccuracy',
  'diverged',
  'lr',
  'etaTheory',
  'trainLoss',
  'steps',
  'seconds',
  'failed',
] as const;

/**
 * The plane's data in one tidy table: a 'theory' row per σ_w² column (phase, χ₁, ξ and the contour depth c·ξ; the
 * background is log₁₀(L/ξ)) and a 'cell' row per measured cell. Empty cells where a field does not apply.
 */
export function planeRows(
  cols: TheoryColumns | null,
  c: number,
  cells: readonly CellRecord[],
  width: number,
): (number | string | null)[][] {
  const rows: (number | string | null)[][] = [];
  if (cols) {
    for (let i = 0; i < cols.xs.length; i++) {
      if (!cols.computed[i]) continue;
      const s = cols.status[i];
      const has = s === MAP_STATUS.ordered || s === MAP_STATUS.chaotic;
      const chi1 = s === MAP_STATUS.none && cols.chi1[i] === 0 ? null : cols.chi1[i];
      const contour = has && cols.xi[i] > 0 ? c * cols.xi[i] : null;
      rows.push([
        'theory',
        cols.xs[i],
        contour,
        contour === null ? null : contour / width,
        phaseName(s),
        chi1,
        has ? cols.xi[i] : null,
        contour,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
  }
  for (const k of cells) {
    rows.push([
      'cell',
      k.sigmaW2,
      k.depth,
      k.depthToWidth,
      null,
      null,
      null,
      null,
      k.trainAccuracy,
      k.testAccuracy,
      k.diverged ? 1 : 0,
      k.lr,
      k.etaTheory,
      k.trainLoss,
      k.steps,
      k.seconds,
      k.failed ?? null,
    ]);
  }
  return rows;
}
