// The trust map tab's pure logic: parsing the job's outputs defensively, tiles at a step (the end value for a cell
// that stopped earlier), the predicted dispersion against the theory module, colours, lists and the CSV table.
import { describe, expect, it } from 'vitest';
import type { TrustMapCell } from '../../src-shared/contract/trust-map';
import { reluExactMoments } from '../../src-shared/theory/relu-exact-moments';
import {
  formatStep,
  formTraining,
  measuredTiles,
  minLossTiles,
  parseList,
  openedMap,
  openedSummary,
  parseChoice,
  parseTrustMapOutput,
  predictedTiles,
  predictionGap,
  shownStep,
  stepChoices,
  tileColour,
  tileDomain,
  tilesCsv,
  trainingSummary,
} from './trust-map-view';

const cell = (sigmaW2: number, depth: number, finalStep: number, stop: TrustMapCell['stop']): TrustMapCell => ({
  sigmaW2,
  depth,
  width: 8,
  depthToWidth: depth / 8,
  changes: [
    { step: 0, loss: 0.5, relativeChange: 0 },
    { step: 10, loss: 0.4, relativeChange: 0.01 * sigmaW2 },
    ...(finalStep >= 100 ? [{ step: 100, loss: 0.3, relativeChange: 0.1 * sigmaW2 }] : []),
  ],
  final: { step: finalStep, loss: 0.3, relativeChange: finalStep >= 100 ? 0.1 * sigmaW2 : 0.05 * sigmaW2 },
  stop,
  minLoss: 0.3,
  minLossStep: finalStep,
  seconds: 1,
});
const grid = { sigmaW2: [1, 3], depth: [2, 4], width: [8] };

describe('trust map view', () => {
  it('parses progress and summary outputs; anything else is null', () => {
    const c = cell(1, 2, 100, 'max-steps');
    expect(
      parseTrustMapOutput({ kind: 'trust-map', backend: 'wasm', progress: { cell: c, done: 1, total: 4 } }),
    ).toMatchObject({ backend: 'wasm', progress: { cell: c, done: 1, total: 4, stored: false } });
    expect(parseTrustMapOutput({ kind: 'trust-map', progress: { cell: { sigmaW2: 1 }, done: 1, total: 4 } })).toBe(
      null,
    );
    expect(parseTrustMapOutput({ kind: 'measure' })).toBe(null);
    expect(parseTrustMapOutput(null)).toBe(null);
  });

  it('tiles at a recorded step; a cell that stopped earlier shows its end value, marked; missing cells are null', () => {
    const cells = [cell(1, 2, 100, 'max-steps'), cell(3, 2, 40, 'early-stop')];
    const at100 = measuredTiles(grid, 8, cells, 100);
    expect(at100).toHaveLength(4);
    expect(at100.find((t) => t.sigmaW2 === 1 && t.depth === 2)).toMatchObject({ value: 0.1, ended: false });
    expect(at100.find((t) => t.sigmaW2 === 3 && t.depth === 2)).toMatchObject({
      value: 0.15000000000000002,
      ended: true,
    });
    expect(at100.find((t) => t.depth === 4)?.value).toBe(null);
    expect(
      measuredTiles(grid, 8, cells, 0)
        .filter((t) => t.depth === 2)
        .map((t) => t.value),
    ).toEqual([0, 0]);
    expect(measuredTiles(grid, 16, cells, 'end').every((t) => t.value === null)).toBe(true); // other width
    expect(minLossTiles(grid, 8, cells).filter((t) => t.value !== null)).toHaveLength(2);
  });

  it('the predicted dispersion is the exact finite-width E[Θ²]/E[Θ]² of the 784 → 8 → … → 1 ReLU net', () => {
    const tiles = predictedTiles(grid, 8);
    for (const t of tiles) {
      const m = reluExactMoments(t.sigmaW2, [784, ...new Array<number>(t.depth - 1).fill(8)]);
      expect(t.value).toBeCloseTo(m.dispersion, 10);
      expect(t.value!).toBeGreaterThan(1);
    }
  });

  it('colours on a log scale, grey without a value; lists; step choices; CSV; plane marks', () => {
    const tiles = measuredTiles(grid, 8, [cell(1, 2, 100, 'max-steps'), cell(3, 4, 100, 'max-steps')], 100);
    const d = tileDomain(tiles)!;
    expect(d).toEqual([0.1, 0.30000000000000004]);
    expect(tileColour(null, d)).toBe('#969696');
    expect(tileColour(0, d)).toBe('#969696');
    expect(tileColour(0.1, d)).not.toBe(tileColour(0.3, d));
    expect(parseList('1, 2.5,3', false)).toEqual([1, 2.5, 3]);
    expect(parseList('2, x', true)).toMatch(/"x" is not a number/);
    expect(parseList('2.5', true)).toMatch(/not a whole number/);
    expect(parseList(' , ', false)).toMatch(/at least one/);
    expect(stepChoices([10, 100])).toEqual([0, 10, 100, 'end']);
    const csv = tilesCsv(tiles, 8, 'relativeChange');
    expect(csv.header).toContain('relativeChange');
    expect(csv.rows).toHaveLength(4);
  });

  it('steps as the paper writes them; a choice the map lacks shows the end; picker values back to choices', () => {
    expect([10, 100, 1000, 10000, 2, 250].map(formatStep)).toEqual(['10', '10²', '10³', '10⁴', '2', '250']);
    expect(shownStep(100, stepChoices([10, 100]))).toBe(100);
    expect(shownStep(1000, stepChoices([10, 100]))).toBe('end');
    expect(parseChoice('end', 'end')).toBe('end');
    expect(parseChoice('100', 'end')).toBe(100);
  });

  it('an opened store: its params resolved, stored and missing cells named; another φ gets no prediction', () => {
    const training = formTraining([10, 100], 1e-3);
    const params = { grid: { sigmaW2: [1, 3], depth: [2, 4], width: [8] }, ...training };
    const store = {
      dir: '/maps/a',
      identity: 'x',
      params,
      total: 4,
      torn: false,
      cells: [cell(1, 2, 100, 'max-steps')],
      missing: [
        { sigmaW2: 3, depth: 2, width: 8 },
        { sigmaW2: 1, depth: 4, width: 8 },
        { sigmaW2: 3, depth: 4, width: 8 },
      ],
    };
    const m = openedMap(store);
    if (typeof m === 'string') throw new Error(m);
    expect(m).toMatchObject({ dir: '/maps/a', expected: 4, params: { lr: 1e-3, steps: [10, 100], maxSteps: 100 } });
    expect(openedSummary(m)).toBe(
      '/maps/a: 1 of 4 cells stored · 3 missing: σ_w² = 3, L = 2, M = 8; σ_w² = 1, L = 4, M = 8; σ_w² = 3, L = 4, M = 8',
    );
    const shard = openedMap({ ...store, missing: [], shard: { index: 0, count: 4, total: 1 } });
    if (typeof shard === 'string') throw new Error(shard);
    expect(openedSummary(shard)).toBe('/maps/a: 1 of 1 cells stored (shard 0/4 of a 4-cell map) · none missing');
    expect(openedMap({ ...store, params: { grid: { sigmaW2: [-1], depth: [2], width: [8] } } })).toMatch(
      /^\/maps\/a: its sweep\.json params are not a trust map's \(/,
    );
    expect(trainingSummary(m.params)).toBe(
      'records after 10, 10² steps (at most 100) · lr 0.001 · 128 digits · relu, σ_b² = 0 · seed 0',
    );
    expect(predictionGap(training)).toBe('');
    expect(predictionGap({ activation: 'tanh', sigmaB2: 0 })).toMatch(/no prediction for φ = tanh/);
    expect(predictedTiles(grid, 8, { activation: 'relu', sigmaB2: 0.1 }).every((t) => t.value === null)).toBe(true);
  });
});
