// The pure half of the export path (no DOM): file names, CSV and the parameters' JSON. Node-side code (the
// bench, via lib/preset-runner.ts) and the renderer both build their files here; plots/export.ts re-exports it
// next to the DOM helpers that save them.
import { fileNumber } from '../lib/format';

export const THEORY_REFERENCE = 'Seleznova & Kutyniok 2022, Thm 3.1/3.2 (proof-consistent eq. 13)';
export const APP_NAME = 'NTK Phase Lab';

/**
 * Which plot an export comes from: names its files and its ExportBar's test ids ('figure': a paper-figure preset;
 * gd-step-*: the first-GD-step tab; train-*: training dynamics; trainability-plane, spectrum, learning-rate: the
 * trainability tab; collapse-*, ntk-kappa*, ntk-condition, ntk-variance: the neural-collapse tab).
 */
export type PlotId =
  | 'plane'
  | 'slice-lambda'
  | 'slice-sigma'
  | 'figure'
  | 'gd-step-slice'
  | 'gd-step-layer'
  | 'train-curves'
  | 'train-kernels'
  | 'trainability-plane'
  | 'spectrum'
  | 'learning-rate'
  | 'collapse-metrics'
  | 'collapse-residual'
  | 'collapse-train-metrics'
  | 'collapse-train-kernels'
  | 'ntk-kappa2'
  | 'ntk-kappa-ratio'
  | 'ntk-condition'
  | 'ntk-variance'
  | 'fc-plane'
  | 'fc-circle'
  | 'fc-depth'
  | 'fc-checker'
  | 'fc-border'
  | 'fc-eigen'
  | 'trust-change'
  | 'trust-loss'
  | 'trust-dispersion'
  | 'trust-plane'
  | KernelShapingPlotId;
/** The Kernel-shaping tab's plots (issue 14). */
export type KernelShapingPlotId =
  'ks-phi' | 'ks-local' | 'ks-global' | 'ks-depth' | 'ks-point' | 'ks-measured' | 'ks-ntk' | 'ks-train';
export type ExportFormat = 'svg' | 'png' | 'pdf' | 'csv' | 'json' | 'python';

/** A key parameter in a file name: [prefix, number] ('sigma', 2.5 → sigma2.5) or a word (a mode: 'ratio'). */
export type FileNamePart = readonly [string, number] | string;

/** File-name-safe text: letters, digits, '.', '-' and '_' only. */
function fileWord(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** ntk-plane-M200-a1-finite.svg, ntk-slice-lambda-M200-a0.5-sigma2.5.csv, … ('python' → .py). */
export function exportFileName(
  plot: PlotId,
  p: { width: number; alpha0: number; parts?: readonly FileNamePart[] },
  ext: ExportFormat,
): string {
  const parts = (p.parts ?? []).map((x) => (typeof x === 'string' ? fileWord(x) : `${x[0]}${fileNumber(x[1])}`));
  const tail = parts
    .filter((x) => x !== '')
    .map((x) => `-${x}`)
    .join('');
  return `ntk-${plot}-M${fileNumber(p.width)}-a${fileNumber(p.alpha0)}${tail}.${ext === 'python' ? 'py' : ext}`;
}

/** A CSV cell: numbers at full round-trip precision, missing or non-finite values as an empty cell. */
export function csvCell(v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly (number | string | null | undefined)[]>,
): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) {
    if (row.length !== header.length)
      throw new RangeError(`CSV row has ${row.length} cells, header has ${header.length}`);
    lines.push(row.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

export interface PlaneGridData {
  sigmaW2: ArrayLike<number>;
  depthToWidth: ArrayLike<number>;
  width: number;
  /** Row-major values[j·nx + i] (j indexes depthToWidth), as dispersionGrid returns them. */
  values: ArrayLike<number>;
}

/** One row per heat-map cell: sigmaW2,depthToWidth,depth,dispersion with depth = max(1, round(λM)) as drawn. */
export function planeCsv(g: PlaneGridData): string {
  const nx = g.sigmaW2.length;
  const ny = g.depthToWidth.length;
  if (g.values.length !== nx * ny) throw new RangeError(`grid has ${g.values.length} values, expected ${nx}×${ny}`);
  function* rows() {
    for (let j = 0; j < ny; j++) {
      const lambda = g.depthToWidth[j];
      const depth = Math.max(1, Math.round(lambda * g.width));
      for (let i = 0; i < nx; i++) yield [g.sigmaW2[i], lambda, depth, g.values[j * nx + i]];
    }
  }
  return toCsv(['sigmaW2', 'depthToWidth', 'depth', 'dispersion'], rows());
}

export interface CsvColumn {
  name: string;
  /** One value per plotted x; NaN (or null) where the series has no point, e.g. unmeasured x. */
  values: ArrayLike<number | null>;
}

/** One row per plotted x, each series a column. */
export function sliceCsv(x: CsvColumn, series: readonly CsvColumn[]): string {
  const n = x.values.length;
  for (const s of series) {
    if (s.values.length !== n) throw new RangeError(`series ${s.name} has ${s.values.length} values, expected ${n}`);
  }
  function* rows() {
    for (let k = 0; k < n; k++) yield [x.values[k], ...series.map((s) => s.values[k])];
  }
  return toCsv([x.name, ...series.map((s) => s.name)], rows());
}

export interface AxisRange {
  min: number;
  max: number;
  /** Heat-map cells (plane) or plotted points (slices). */
  count: number;
  sampling: 'cell-centres' | 'endpoints-included' | 'fixed';
}

export interface ExportParams {
  plot: PlotId;
  version: string;
  width: number;
  alpha0: number;
  inputDim: number;
  /** Plane: which theorem colours it. Slices draw both. */
  kind: 'finite' | 'limit' | 'both';
  ranges: { sigmaW2: AxisRange; depthToWidth: AxisRange };
  cursor: { sigmaW2: number; depthToWidth: number; depth: number };
  /** Sampled networks behind measured points, if any are in the export. */
  measurement?: { samples: number; seed: number; method: string } | null;
  /** How the plot is drawn: colour mode, colour scale, grid size, layers shown. */
  display?: Record<string, unknown> | null;
  exportedAt?: string;
}

export function paramsJson(p: ExportParams): string {
  const doc = {
    app: APP_NAME,
    version: p.version,
    plot: p.plot,
    theory: THEORY_REFERENCE,
    network: {
      activation: 'relu',
      parametrization: 'standard',
      sigmaB2: 0,
      inputNorm: 1,
      width: p.width,
      alpha0: p.alpha0,
      inputDim: p.inputDim,
    },
    kind: p.kind,
    ranges: p.ranges,
    cursor: p.cursor,
    measurement: p.measurement ?? null,
    display: p.display ?? null,
    exportedAt: p.exportedAt ?? new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
