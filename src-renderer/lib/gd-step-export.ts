// The First GD step tab's exports: one CSV row per finished point, the JSON of every setting, the file names.
import { toCsv } from '../plots/export-data';
import type { GdPoint } from './gd-step-jobs';
import { type GdQuantity, type GdStepControls, QUANTITY_LABEL, trustOf } from './gd-step-view';
import type { GdLayerCell, SlicePointSpec } from './gd-step-plots';

// ---------------------------------------------------------------------------------------------------------
// Exports

/** Columns shared by every gd-step CSV row: the network, the step, and both estimates with N and divergences. */
export const RESULT_COLUMNS = [
  'sigmaW2',
  'depthToWidth',
  'depth',
  'width',
  'inputDim',
  'lr',
  'target',
  'scale',
  'inputNorm',
  'pairCos',
  'method',
  'seed',
  'samples',
  'samplesRequested',
  'diverged',
  'relativeChange',
  'relativeChange_stderr',
  'absRelativeChange',
  'absRelativeChange_stderr',
  'meanTheta',
  'meanTheta_stderr',
  'offDiagonal_relativeChange',
  'offDiagonal_relativeChange_stderr',
  'tailShare',
  // where Θ′ left float64 (relativeChange etc. then saturate): log₁₀|value| and the relative SE (issue 16)
  'relativeChange_log10',
  'relativeChange_sign',
  'relativeChange_relStderr',
  'absRelativeChange_log10',
  'absRelativeChange_relStderr',
  // the off-diagonal Θ(x, x̃) with --pair-cos: E[|ΔΘ(x, x̃)|]/E[Θ(x, x̃)], and both in log form beyond float64
  'offDiagonal_absRelativeChange',
  'offDiagonal_absRelativeChange_stderr',
  'offDiagonal_relativeChange_log10',
  'offDiagonal_relativeChange_sign',
  'offDiagonal_relativeChange_relStderr',
  'offDiagonal_absRelativeChange_log10',
  'offDiagonal_absRelativeChange_relStderr',
  'trust',
  'seconds',
  'done',
  'status',
  'error',
] as const;

type Cell = number | string | null | undefined;

/** One CSV row for a point: the network where it was asked (also when it failed) and the result's numbers, if any. */
function resultRow(where: { sigmaW2: number; depthToWidth: number; depth: number; width: number }, p: GdPoint): Cell[] {
  const r = p.result;
  return [
    where.sigmaW2,
    where.depthToWidth,
    where.depth,
    where.width,
    r?.inputDim,
    r?.lr,
    r?.target,
    r?.scale,
    r?.inputNorm,
    r?.pairCos,
    r?.method,
    r?.seed,
    r?.samples,
    r?.samplesRequested,
    r?.diverged,
    r?.relativeChange.estimate,
    r?.relativeChange.stderr,
    r?.absRelativeChange.estimate,
    r?.absRelativeChange.stderr,
    r?.meanTheta.estimate,
    r?.meanTheta.stderr,
    r?.offDiagonal?.relativeChange.estimate,
    r?.offDiagonal?.relativeChange.stderr,
    r?.tailShare,
    r?.logRelativeChange && r.logRelativeChange.logAbs / Math.LN10,
    r?.logRelativeChange?.sign,
    r?.logRelativeChange?.relStderr,
    r?.logAbsRelativeChange && r.logAbsRelativeChange.logAbs / Math.LN10,
    r?.logAbsRelativeChange?.relStderr,
    r?.offDiagonal?.absRelativeChange.estimate,
    r?.offDiagonal?.absRelativeChange.stderr,
    r?.offDiagonal?.logRelativeChange && r.offDiagonal.logRelativeChange.logAbs / Math.LN10,
    r?.offDiagonal?.logRelativeChange?.sign,
    r?.offDiagonal?.logRelativeChange?.relStderr,
    r?.offDiagonal?.logAbsRelativeChange && r.offDiagonal.logAbsRelativeChange.logAbs / Math.LN10,
    r?.offDiagonal?.logAbsRelativeChange?.relStderr,
    r ? (trustOf(r, 'abs') ?? 'precise') : '',
    r?.seconds,
    r ? String(r.done) : '',
    p.status,
    p.error ?? '',
  ];
}

/** The slices: one row per scheduled point (series index first). */
export function sliceCsvText(specs: readonly SlicePointSpec[], points: readonly GdPoint[], width: number): string {
  if (specs.length !== points.length)
    throw new RangeError(`slice has ${points.length} points for ${specs.length} specs`);
  return toCsv(
    ['series', 'lambdaRequested', ...RESULT_COLUMNS],
    specs.map((s, k) => [
      s.series,
      s.lambda,
      ...resultRow({ sigmaW2: s.sigmaW2, depthToWidth: s.lambdaRealized, depth: s.depth, width }, points[k]),
    ]),
  );
}

/** The plane layer: one row per scheduled cell of every level (unfinished cells have empty numbers). */
export function layerCsvText(cells: readonly GdLayerCell[], points: readonly GdPoint[], width: number): string {
  if (cells.length !== points.length)
    throw new RangeError(`layer has ${points.length} points for ${cells.length} cells`);
  return toCsv(
    ['level', 'i', 'j', 'nx', 'ny', ...RESULT_COLUMNS],
    cells.map((c, k) => [
      c.level,
      c.i,
      c.j,
      c.nx,
      c.ny,
      ...resultRow({ sigmaW2: c.sigmaW2, depthToWidth: c.depthToWidth, depth: c.depth, width }, points[k]),
    ]),
  );
}

export interface GdExportInfo {
  plot: 'gd-step-slice' | 'gd-step-layer';
  version: string;
  width: number;
  alpha0: number;
  inputDim: number;
  controls: GdStepControls;
  quantity: GdQuantity;
  cursor: { sigmaW2: number; depthToWidth: number; depth: number };
  /** Slice: the series' σ_w² and λ values; layer: the grids. */
  layout: Record<string, unknown>;
  exportedAt?: string;
}

export function gdExportJson(p: GdExportInfo): string {
  const doc = {
    app: 'NTK Phase Lab',
    version: p.version,
    plot: p.plot,
    experiment: 'one GD step on a single sample (x, y), loss ½(f(x) − y)², all weights and biases trained',
    theory: 'Seleznova & Kutyniok 2022, Thm 4.1 (limits only), App. A.3, App. B.3 (1/α²)',
    network: {
      activation: 'relu',
      parametrization: 'standard',
      sigmaB2: 0,
      width: p.width,
      alpha0: p.alpha0,
      inputDim: p.inputDim,
    },
    quantity: QUANTITY_LABEL[p.quantity],
    controls: p.controls,
    cursor: p.cursor,
    layout: p.layout,
    exportedAt: p.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** gd-step-slice-M200-a1.csv */
export function gdFileName(plot: GdExportInfo['plot'], width: number, alpha0: number, ext: string): string {
  return `ntk-${plot}-M${Number(width.toPrecision(6))}-a${Number(alpha0.toPrecision(6))}.${ext}`;
}
