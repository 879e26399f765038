import { describe, expect, it } from 'vitest';
import { lrSweepPointSchema } from '../../../src-shared/contract/lr-sweep';
import { runCli } from '../run-cli.test-util';

const TINY = [
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '5',
  '--batch-size',
  '16',
  '--train-size',
  '64',
  '--test-size',
  '32',
  '--depths',
  '3,2',
  '--rhos',
  '2,0.5',
  '--backend',
  'wasm',
];

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ntk-lab lr-sweep', () => {
  it('--json: one point per (depth, ρ), depths in the given order and ρ ascending, η = ρ·η_theory, then a summary', async () => {
    const r = await runCli(['lr-sweep', ...TINY, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^backend: wasm/);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(5);
    const points = ls.slice(0, 4).map(({ kind, ...p }) => {
      expect(kind).toBe('point');
      return lrSweepPointSchema.parse(p);
    });
    expect(points.map((p) => [p.depth, p.rho])).toEqual([
      [3, 0.5],
      [3, 2],
      [2, 0.5],
      [2, 2],
    ]);
    for (const p of points) {
      expect(p.etaTheory).toBeGreaterThan(0);
      expect(p.lr).toBeCloseTo(p.rho * p.etaTheory, 12);
    }
    // one η_theory per depth: the same network family and first batch for every ρ
    expect(points[0].etaTheory).toBe(points[1].etaTheory);
    expect(ls[4]).toMatchObject({
      kind: 'summary',
      status: 'complete',
      points: 4,
      backend: 'wasm',
      params: { depths: [3, 2], rhos: [2, 0.5], width: 8 },
    });
  });

  it('Ctrl-C (signal) stops after the current step (exit 1) with the finished points', async () => {
    const r = await runCli(['lr-sweep', ...TINY, '--json'], { abortAfterLines: 1 });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/stopped after 1 network/);
    expect(lines(r.stdout).at(-1)).toMatchObject({ kind: 'summary', status: 'cancelled', points: 1 });
  });

  it('bad input is a usage error (exit 2) with the reason', async () => {
    expect((await runCli(['lr-sweep', '--rhos', '0.5,x'])).stderr).toMatch(/--rhos: expected a number/);
    expect((await runCli(['lr-sweep', '--depths', '2.5'])).code).toBe(2);
    for (const n of ['0', '-2', '100000', '1.5']) {
      const r = await runCli(['lr-sweep', `--workers=${n}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--workers/);
    }
    expect((await runCli(['lr-sweep', '--rhos', '1,1'])).stderr).toMatch(/rhos must not repeat/);
    expect((await runCli(['lr-sweep', '--sigma-w2=-1'])).code).toBe(2);
    expect((await runCli(['lr-sweep', '--backend', 'gpu'])).stderr).toMatch(/--backend/);
  });
});
