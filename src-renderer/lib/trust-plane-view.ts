// The Explore plane's layer of the NTK trust map (Seleznova 2024 thesis §3.1 = Seleznova & Kutyniok 2022a, §4): the
// map's measured cells as diamonds at (σ_w², λ = L/M), coloured by the relative NTK change ‖Θᵗ − Θ⁰‖_F/‖Θ⁰‖_F at one
// chosen recorded step (or the end of training) and width M (or every M), and the layer's exported table and JSON.
// The choice is lab state (lab-inputs.ts: tmPlaneStep, tmPlaneWidth); a step or width the map lacks falls back to
// the end of training / every width without overwriting the choice.
import { interpolateOrRd } from 'd3';
import { changeAt, type TrustMapCell } from '../../src-shared/contract/trust-map';
import { formatStep, shownStep, stepText, type MapTraining, type StepChoice } from './trust-map-view';

/** The Explore plane layer's width: one M of the map, or every M (each at its own λ = L/M). */
export type WidthChoice = number | 'all';

/** What the NTK trust map tab hands the plane: its cells, recorded steps and, when known, training and store. */
export interface TrustPlaneMap {
  steps: readonly number[];
  cells: readonly TrustMapCell[];
  training?: MapTraining | null;
  /** The store's folder, when the map was opened from one. */
  store?: string;
}

export const EMPTY_TRUST_MAP: TrustPlaneMap = { steps: [], cells: [] };

/** The steps the Explore layer offers: the map's recorded steps (not 0: nothing has moved yet), then the end. */
export function planeStepChoices(steps: readonly number[]): StepChoice[] {
  return [...steps.filter((s) => s > 0), 'end'];
}

/** The width shown: `want` when the map has it, else every width. */
export function shownWidthChoice(want: WidthChoice, widths: readonly number[]): WidthChoice {
  return want !== 'all' && widths.includes(want) ? want : 'all';
}

/** The widths of the cells, ascending. */
export function cellWidths(cells: readonly TrustMapCell[]): number[] {
  return [...new Set(cells.map((c) => c.width))].sort((a, b) => a - b);
}

/** Explore-plane marks: one per measured cell at (σ_w², L/M), coloured by its relative change at one step. */
export interface PlaneMark {
  sigmaW2: number;
  depth: number;
  width: number;
  depthToWidth: number;
  /** The relative change at the step; null: diverged, or the step not reached. */
  value: number | null;
  /** The training step the value is from (the cell's last step for 'end' or when it ended earlier). */
  atStep: number;
  /** Training ended before the step: the end value is shown. */
  ended: boolean;
  diverged: boolean;
  label: string;
}

/** The marks of the cells of `width` ('all': every cell) at `step` (a cell that ended earlier: its end value). */
export function planeMarks(
  cells: readonly TrustMapCell[],
  step: StepChoice = 'end',
  width: WidthChoice = 'all',
): PlaneMark[] {
  return cells
    .filter((c) => width === 'all' || c.width === width)
    .map((c) => {
      const at = step === 'end' ? { value: c.final.relativeChange, ended: false } : changeAt(c, step);
      const last = step === 'end' || at.ended;
      const when = last
        ? `at step ${c.final.step}, the end of training${at.ended ? ` (before ${formatStep(step as number)})` : ''}`
        : stepText(step);
      const diverged = c.stop === 'diverged';
      const shown = at.value === null ? (diverged ? 'diverged' : 'not reached') : at.value.toPrecision(3);
      return {
        sigmaW2: c.sigmaW2,
        depth: c.depth,
        width: c.width,
        depthToWidth: c.depthToWidth,
        value: at.value,
        atStep: last ? c.final.step : (step as number),
        ended: at.ended,
        diverged,
        label: `σ_w² = ${c.sigmaW2}, L = ${c.depth}, M = ${c.width}: ‖Θᵗ − Θ⁰‖/‖Θ⁰‖ = ${shown} ${when}`,
      };
    });
}

/** The Explore plane's layer of the map: its marks at the shown step and width, and the choices. */
export interface TrustPlaneLayer {
  marks: readonly PlaneMark[];
  /** Cells of the map (every width). */
  total: number;
  steps: readonly StepChoice[];
  widths: readonly number[];
  /** What is shown (the choice, or its fallback when the map lacks it). */
  step: StepChoice;
  width: WidthChoice;
  training: MapTraining | null;
  store: string | null;
  onStep(step: StepChoice): void;
  onWidth(width: WidthChoice): void;
}

/** The layer of `map` for the chosen step and width. */
export function trustPlaneLayer(
  map: TrustPlaneMap,
  want: { step: StepChoice; width: WidthChoice },
  on: Pick<TrustPlaneLayer, 'onStep' | 'onWidth'>,
): TrustPlaneLayer {
  const steps = planeStepChoices(map.steps);
  const widths = cellWidths(map.cells);
  const step = shownStep(want.step, steps);
  const width = shownWidthChoice(want.width, widths);
  return {
    marks: planeMarks(map.cells, step, width),
    total: map.cells.length,
    steps,
    widths,
    step,
    width,
    training: map.training ?? null,
    store: map.store ?? null,
    ...on,
  };
}

/** The Explore plane's mark colour: log₁₀ of the relative change from 10⁻³ (light) to 1 (dark red); grey if none. */
export function changeColour(value: number | null): string {
  if (value === null || !(value > 0)) return '#969696';
  const t = (Math.log10(value) + 3) / 3;
  return interpolateOrRd(0.1 + 0.9 * Math.min(1, Math.max(0, t)));
}

/** ntk-trust-plane-step100-Mall.csv, ntk-trust-plane-end-M128.json */
export function planeLayerFileName(layer: Pick<TrustPlaneLayer, 'step' | 'width'>, ext: 'csv' | 'json'): string {
  const step = layer.step === 'end' ? 'end' : `step${layer.step}`;
  return `ntk-trust-plane-${step}-M${layer.width}.${ext}`;
}

/** The layer's table: one row per mark, with the chosen step and the step its value is from. */
export function planeLayerCsv(layer: Pick<TrustPlaneLayer, 'marks' | 'step'>) {
  return {
    header: [
      'sigmaW2',
      'depth',
      'width',
      'depthToWidth',
      'step',
      'atStep',
      'relativeChange',
      'endedBefore',
      'diverged',
    ] as const,
    rows: layer.marks.map((m) => [
      m.sigmaW2,
      m.depth,
      m.width,
      m.depthToWidth,
      String(layer.step),
      m.atStep,
      m.value,
      m.ended ? 'yes' : 'no',
      m.diverged ? 'yes' : 'no',
    ]),
  };
}

/** The layer as JSON: the chosen step and width, the map's training when known, and the marks' values. */
export function planeLayerJson(layer: TrustPlaneLayer, version: string): string {
  const doc = {
    app: 'NTK Phase Lab',
    version,
    plot: 'trust-plane',
    quantity: 'relative NTK change ‖Θᵗ − Θ⁰‖_F/‖Θ⁰‖_F of the trust map’s cells on the (σ_w², λ = L/M) plane',
    reference: 'Seleznova & Kutyniok 2022a (MSML), §4; Seleznova 2024 thesis §3.1',
    step: layer.step,
    width: layer.width,
    stepChoices: layer.steps,
    widths: layer.widths,
    cellsInMap: layer.total,
    ...(layer.store ? { store: layer.store } : {}),
    ...(layer.training ? { training: layer.training } : {}),
    cells: layer.marks.map(({ label: _label, ...m }) => m),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
