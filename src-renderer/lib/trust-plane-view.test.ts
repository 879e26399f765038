// The Explore plane's trust-map layer: marks at a chosen recorded step and width (each the stored cell's value at that
// step), the fallbacks when the map lacks the choice, the exported table and JSON, and the choice in the link.
import { describe, expect, it } from 'vitest';
import type { TrustMapCell } from '../../src-shared/contract/trust-map';
import { decodeHash, defaultValues, encodeHash } from './lab-state';
import {
  changeColour,
  planeLayerCsv,
  planeLayerFileName,
  planeLayerJson,
  planeMarks,
  trustPlaneLayer,
  type TrustPlaneMap,
} from './trust-plane-view';

/** A cell recorded at steps 10 and 100 (when it ran that far), its change growing with the step. */
const cell = (sigmaW2: number, width: number, finalStep: number, stop: TrustMapCell['stop']): TrustMapCell => ({
  sigmaW2,
  depth: 4,
  width,
  depthToWidth: 4 / width,
  changes: [
    { step: 0, loss: 0.5, relativeChange: 0 },
    { step: 10, loss: 0.4, relativeChange: 0.01 * sigmaW2 },
    ...(finalStep >= 100 ? [{ step: 100, loss: 0.3, relativeChange: 0.1 * sigmaW2 }] : []),
  ],
  final: { step: finalStep, loss: 0.3, relativeChange: stop === 'diverged' ? null : 0.2 * sigmaW2 },
  stop,
  minLoss: 0.3,
  minLossStep: finalStep,
  seconds: 1,
});
const cells = [cell(1, 8, 1000, 'max-steps'), cell(3, 8, 40, 'early-stop'), cell(2, 16, 1000, 'max-steps')];
const map: TrustPlaneMap = { steps: [10, 100], cells };
const on = { onStep: () => {}, onWidth: () => {} };

describe('trust map layer of the Explore plane', () => {
  it('marks at a recorded step carry that step’s stored change; a cell that ended earlier its end value', () => {
    const at10 = planeMarks(cells, 10);
    expect(at10.map((m) => m.value)).toEqual([0.01, 0.03, 0.02]);
    expect(at10.every((m) => m.atStep === 10 && !m.ended)).toBe(true);
    const at100 = planeMarks(cells, 100);
    expect(at100.map((m) => [m.value, m.atStep, m.ended])).toEqual([
      [0.1, 100, false],
      [0.6000000000000001, 40, true], // stopped at 40: its end value, marked
      [0.2, 100, false],
    ]);
    expect(at100[1].label).toContain('at step 40, the end of training (before 10²)');
    const end = planeMarks(cells, 'end', 8);
    expect(end.map((m) => [m.sigmaW2, m.value, m.atStep])).toEqual([
      [1, 0.2, 1000],
      [3, 0.6000000000000001, 40],
    ]);
    const diverged = planeMarks([cell(4, 8, 30, 'diverged')], 'end')[0];
    expect(diverged).toMatchObject({ value: null, diverged: true });
    expect(changeColour(diverged.value)).toBe('#969696');
    expect(changeColour(1e-3)).not.toBe(changeColour(1));
  });

  it('offers the recorded steps and the end, the widths of the cells; a choice the map lacks falls back', () => {
    const layer = trustPlaneLayer(map, { step: 100, width: 16 }, on);
    expect(layer).toMatchObject({ steps: [10, 100, 'end'], widths: [8, 16], step: 100, width: 16, total: 3 });
    expect(layer.marks.map((m) => m.value)).toEqual([0.2]);
    const other = trustPlaneLayer(map, { step: 1000, width: 128 }, on);
    expect(other).toMatchObject({ step: 'end', width: 'all' });
    expect(other.marks).toHaveLength(3);
    expect(trustPlaneLayer({ steps: [], cells: [] }, { step: 10, width: 'all' }, on)).toMatchObject({
      steps: ['end'],
      widths: [],
      total: 0,
      marks: [],
    });
  });

  it('the CSV and JSON carry the chosen step and width and exactly the marks', () => {
    const layer = trustPlaneLayer({ ...map, store: '/maps/a' }, { step: 100, width: 8 }, on);
    expect(planeLayerFileName(layer, 'csv')).toBe('ntk-trust-plane-step100-M8.csv');
    expect(planeLayerFileName({ step: 'end', width: 'all' }, 'json')).toBe('ntk-trust-plane-end-Mall.json');
    const t = planeLayerCsv(layer);
    expect(t.header).toEqual([
      'sigmaW2',
      'depth',
      'width',
      'depthToWidth',
      'step',
      'atStep',
      'relativeChange',
      'endedBefore',
      'diverged',
    ]);
    expect(t.rows).toEqual([
      [1, 4, 8, 0.5, '100', 100, 0.1, 'no', 'no'],
      [3, 4, 8, 0.5, '100', 40, 0.6000000000000001, 'yes', 'no'],
    ]);
    const doc = JSON.parse(planeLayerJson(layer, '9.9.9')) as Record<string, unknown>;
    expect(doc).toMatchObject({ version: '9.9.9', step: 100, width: 8, store: '/maps/a', cellsInMap: 3 });
    expect((doc.cells as { value: number }[]).map((c) => c.value)).toEqual([0.1, 0.6000000000000001]);
  });

  it('the step and width choices go into the link and come back as numbers', () => {
    const hash = encodeHash({ ...defaultValues(), tmPlaneStep: 1000, tmPlaneWidth: 256 });
    expect(hash).toContain('tmPlaneStep=1000');
    expect(hash).toContain('tmPlaneWidth=256');
    expect(decodeHash(hash)).toEqual({ values: { tmPlaneStep: 1000, tmPlaneWidth: 256 }, problems: [] });
    expect(decodeHash('#tmPlaneStep=end&tmPlaneWidth=all').values).toEqual({ tmPlaneStep: 'end', tmPlaneWidth: 'all' });
    expect(decodeHash('#tmStep=0').values).toEqual({ tmStep: 0 });
    const bad = decodeHash('#tmPlaneStep=soon&tmPlaneWidth=0');
    expect(bad.values).toEqual({});
    expect(bad.problems).toHaveLength(2);
  });
});
