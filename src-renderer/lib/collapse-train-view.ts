// The small real-network section of the "Neural collapse" tab (Seleznova 2024 thesis §3.3, issue 15 item 5): the
// collapse-train job's fields (validated by the contract, whose messages the fields show), the plotted series vs
// epoch, and the CSV / JSON exports. Qualitative: the thesis reports these for VGG, ResNet and DenseNet, not an MLP.
// Pure: the job runs through LabClient, the section draws.
import {
  collapseTrainParamsSchema,
  parseCollapseTrainParams,
  type CollapseTrainParamsInput,
  type CollapseTrainRecord,
} from '../../src-shared/contract/collapse-train';
import { toCsv } from '../plots/export-data';
import type { FieldRule } from './fields';
import { fileNumber } from './format';
import type { PlotSeries } from './ntk-generalization-view';

export const COLLAPSE_TRAIN_REFERENCE =
  'Seleznova 2024 (thesis) §3.3 / Seleznova et al. 2023: per-output kernels (eqs. 2–3), block averages (Def. 3.1), ' +
  'NC1–NC3 and the invariant (eq. 26) as in the authors’ code; an MLP on MNIST (qualitative)';

export const COLLAPSE_TRAIN_NOTE =
  'Qualitative: a small MLP (784 → 128 → 64 → 10, ReLU) on MNIST digits, exactly class-balanced batches, MSE + ' +
  'weight decay 5·10⁻⁴, SGD with Nesterov momentum 0.9, as the thesis trains VGG / ResNet / DenseNet; the thesis ' +
  'has no MLP numbers to compare with. γ, κ: block averages of the per-output NTKs Θ_kk and of the last hidden ' +
  'layer’s per-feature kernels Θʰ_kk (diagonal d, same class c, other class n).';

/** The fields the section edits; the rest keep the contract's defaults. */
export type CollapseTrainKey = 'epochs' | 'recordEvery' | 'trainPerClass' | 'kernelPerClass' | 'lr' | 'seed';
export type CollapseTrainFields = Record<CollapseTrainKey, number>;

/** The contract's CPU defaults (80 epochs, a record every 5; about a minute on a busy 2-core machine). */
export const DEFAULT_COLLAPSE_TRAIN: CollapseTrainFields = (() => {
  const d = collapseTrainParamsSchema.parse({});
  return {
    epochs: d.epochs,
    recordEvery: d.recordEvery,
    trainPerClass: d.trainPerClass,
    kernelPerClass: d.kernelPerClass,
    lr: d.lr,
    seed: d.seed,
  };
})();

const free = (label: string): FieldRule => ({ label, min: -Infinity, max: Infinity });

export const COLLAPSE_TRAIN_FIELDS: readonly { key: CollapseTrainKey; label: string; rule: FieldRule }[] = [
  { key: 'epochs', label: 'epochs', rule: free('epochs') },
  { key: 'recordEvery', label: 'record every', rule: free('record every') },
  { key: 'trainPerClass', label: 'digits / class', rule: free('digits / class') },
  { key: 'kernelPerClass', label: 'kernel digits / class', rule: free('kernel digits / class') },
  { key: 'lr', label: 'learning rate', rule: free('learning rate') },
  { key: 'seed', label: 'seed', rule: free('seed') },
];

/** The job's params from the fields. */
export function collapseTrainParams(f: CollapseTrainFields): CollapseTrainParamsInput {
  return { ...f };
}

/** Why `value` cannot replace fields[key] (the contract's message), or null when the params stay valid. */
export function collapseTrainFieldError(f: CollapseTrainFields, key: CollapseTrainKey, value: number): string | null {
  try {
    parseCollapseTrainParams(collapseTrainParams({ ...f, [key]: value }));
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const at = (records: readonly CollapseTrainRecord[], y: (r: CollapseTrainRecord) => number | null) =>
  records.map((r) => ({ x: r.epoch, y: y(r) ?? Number.NaN }));
const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : a / b);

/** NC1–NC3 and ‖H₂‖ vs epoch (log y). */
export function trainMetricSeries(records: readonly CollapseTrainRecord[]): PlotSeries[] {
  return [
    { key: 'nc1', label: 'NC1', colour: '#1f77b4', points: at(records, (r) => r.nc1) },
    { key: 'nc2', label: 'NC2', colour: '#2ca02c', points: at(records, (r) => r.nc2) },
    { key: 'nc3', label: 'NC3', colour: '#d62728', points: at(records, (r) => r.nc3) },
    { key: 'h2', label: '‖H₂‖_F', colour: '#9467bd', points: at(records, (r) => r.h2Norm) },
    { key: 'loss', label: 'train loss', colour: '#111827', dashed: true, points: at(records, (r) => r.trainLoss) },
  ];
}

/** Kernel structure vs epoch: κ_c/κ_d, κ_n/κ_d, γ_c/γ_d, γ_n/γ_d, A(Θ, YᵀY), A(Θʰ, YᵀY), the invariant alignment. */
export function trainKernelSeries(records: readonly CollapseTrainRecord[]): PlotSeries[] {
  return [
    { key: 'kc', label: 'κ_c/κ_d', colour: '#1f4e9c', points: at(records, (r) => ratio(r.kappa.c, r.kappa.d)) },
    { key: 'kn', label: 'κ_n/κ_d', colour: '#b4372c', points: at(records, (r) => ratio(r.kappa.n, r.kappa.d)) },
    {
      key: 'gc',
      label: 'γ_c/γ_d',
      colour: '#1f4e9c',
      dashed: true,
      points: at(records, (r) => ratio(r.gamma.c, r.gamma.d)),
    },
    {
      key: 'gn',
      label: 'γ_n/γ_d',
      colour: '#b4372c',
      dashed: true,
      points: at(records, (r) => ratio(r.gamma.n, r.gamma.d)),
    },
    { key: 'ah', label: 'A(Θʰ, YᵀY)', colour: '#2f7d4f', points: at(records, (r) => r.thetaHAlignment) },
    { key: 'a', label: 'A(Θ, YᵀY)', colour: '#2f7d4f', dashed: true, points: at(records, (r) => r.thetaAlignment) },
    { key: 'inv', label: 'invariant alignment', colour: '#111827', points: at(records, (r) => r.invariantAlignment) },
  ];
}

export type CollapseTrainPlot = 'collapse-train-metrics' | 'collapse-train-kernels';

const COLUMNS = [
  'epoch',
  'step',
  'trainLoss',
  'trainAccuracy',
  'testAccuracy',
  'gammaD',
  'gammaC',
  'gammaN',
  'kappaD',
  'kappaC',
  'kappaN',
  'thetaAlignment',
  'thetaHAlignment',
  'nc1',
  'nc2',
  'nc3',
  'h2Norm',
  'meanFeatureNorm',
  'invariantAlignment',
  'invariantRelative',
  'residualGlobal',
  'residualClass',
  'residualSingle',
  'diverged',
] as const;

/** Every record field, one row per record (both plots export the same table). */
export function collapseTrainCsv(records: readonly CollapseTrainRecord[]): string {
  return toCsv(
    [...COLUMNS],
    records.map((r) => [
      r.epoch,
      r.step,
      r.trainLoss,
      r.trainAccuracy,
      r.testAccuracy,
      r.gamma.d,
      r.gamma.c,
      r.gamma.n,
      r.kappa.d,
      r.kappa.c,
      r.kappa.n,
      r.thetaAlignment,
      r.thetaHAlignment,
      r.nc1,
      r.nc2,
      r.nc3,
      r.h2Norm,
      r.meanFeatureNorm,
      r.invariantAlignment,
      r.invariantRelative,
      r.residual.global,
      r.residual.class,
      r.residual.single,
      r.diverged ? 1 : 0,
    ]),
  );
}

export function collapseTrainFileName(plot: CollapseTrainPlot, f: CollapseTrainFields, ext: string): string {
  return `ntk-${plot}-e${f.epochs}-m${f.trainPerClass}-q${f.kernelPerClass}-lr${fileNumber(f.lr)}-s${f.seed}.${ext}`;
}

export function collapseTrainJson(
  plot: CollapseTrainPlot,
  f: CollapseTrainFields,
  backend: string,
  records: readonly CollapseTrainRecord[],
  version: string,
): string {
  const doc = {
    app: 'NTK Phase Lab',
    version,
    plot,
    reference: COLLAPSE_TRAIN_REFERENCE,
    qualitative: true,
    params: parseCollapseTrainParams(collapseTrainParams(f)),
    backend,
    records: records.length,
    exportedAt: new Date().toISOString(),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
