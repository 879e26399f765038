// ntk-lab dks-measure: the JSON contract, worker-count independence, the measured c_l against the maps' prediction
// within 4 SE + l/M (Martens et al. 2021 (DKS), Sec. 6–7; the l/M term is the finite-width bias), bad input by flag.
import { describe, expect, it } from 'vitest';
import {
  dksMeasureNtkPointSchema,
  dksMeasurePointSchema,
  dksMeasureSetupSchema,
} from '../../src-shared/contract/dks-measure';
import { runCli } from './run-cli.test-util';

const SMALL = [
  '--activation',
  'softplus',
  '--depth',
  '20',
  '--widths',
  '64,256',
  '--layers',
  '5,20',
  '--samples',
  '60',
];

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ntk-lab dks-measure', () => {
  it('--json: setup, one point per (width, layer), summary; same numbers for any --workers; near the maps', async () => {
    const one = await runCli(['dks-measure', ...SMALL, '--workers', '1', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const ls = lines(one.stdout);
    expect(ls).toHaveLength(6);
    const { kind, ...setup } = ls[0];
    expect(kind).toBe('setup');
    const s = dksMeasureSetupSchema.parse(setup);
    expect(s.psi).toBeCloseTo(1.5 ** (1 / 20), 14);
    expect(s.transform).not.toBeNull();
    const points = ls.slice(1, 5).map(({ kind: k, ...p }) => {
      expect(k).toBe('point');
      return dksMeasurePointSchema.parse(p);
    });
    expect(points.map((p) => [p.width, p.layer])).toEqual([
      [64, 5],
      [64, 20],
      [256, 5],
      [256, 20],
    ]);
    for (const p of points) {
      expect(p.samples).toBe(60);
      expect(p.predicted.q).toBeCloseTo(1, 9); // DKS keeps q = 1
      expect(p.c.stderr).toBeGreaterThan(0);
      expect(Math.abs(p.c.estimate - p.predicted.c)).toBeLessThanOrEqual(4 * p.c.stderr + p.layer / p.width);
      expect(Math.abs(p.q.estimate - p.predicted.q)).toBeLessThanOrEqual(4 * p.q.stderr + p.layer / p.width);
    }
    expect(ls[5]).toMatchObject({ kind: 'summary', points: 4, params: { activation: 'softplus', widths: [64, 256] } });
    const two = await runCli(['dks-measure', ...SMALL, '--workers', '2', '--json']);
    const strip = (l: Record<string, unknown>) => ({ ...l, seconds: 0 });
    expect(lines(two.stdout).slice(0, 5).map(strip)).toEqual(ls.slice(0, 5).map(strip));
  });

  it('--ntk: E[Θ²]/E[Θ]² → 1 and E[Θ] → Σ ψ^j within 4 SE + O(D/M), per width, for any --workers', async () => {
    const args = ['dks-measure', '--activation', 'tanh', '--depth', '10', '--zeta', '1.5', '--widths', '32,256'];
    const run = (workers: string) =>
      runCli([...args, '--layers', '10', '--samples', '300', '--ntk', '--workers', workers, '--json']);
    const one = await run('1');
    expect(one.code, one.stderr).toBe(0);
    const ntk = lines(one.stdout)
      .filter((l) => l.kind === 'ntk')
      .map(({ kind: _k, ...p }) => dksMeasureNtkPointSchema.parse(p));
    expect(ntk.map((p) => p.width)).toEqual([32, 256]);
    const psi = 1.5 ** (1 / 10);
    for (const p of ntk) {
      expect(p.depth).toBe(10);
      expect(p.predicted.dispersion).toBe(1);
      expect(p.predicted.theta).toBeCloseTo((psi ** 11 - 1) / (psi - 1), 8);
      expect(p.dispersion.stderr).toBeGreaterThan(0);
      // finite-width allowance e^{5D/M} − 1 (the ReLU rate of Hanin & Nica 2019 as an envelope)
      expect(Math.abs(p.dispersion.estimate - 1)).toBeLessThanOrEqual(
        4 * p.dispersion.stderr + Math.expm1((5 * 10) / p.width),
      );
      expect(Math.abs(p.theta.estimate - p.predicted.theta)).toBeLessThanOrEqual(
        4 * p.theta.stderr + (2 * 10 * p.predicted.theta) / p.width,
      );
    }
    const strip = (l: Record<string, unknown>) => ({ ...l, seconds: 0 });
    const two = await run('2');
    const ntkOf = (out: string) =>
      lines(out)
        .filter((l) => l.kind === 'ntk')
        .map(strip);
    expect(ntkOf(two.stdout)).toEqual(ntkOf(one.stdout));
  });

  it('names the flag on bad input (exit 2)', async () => {
    for (const [args, pattern] of [
      [['--zeta', '1'], /--zeta/],
      [['--layers', '30'], /layer/],
      [['--activation', 'nope'], /--activation/],
      [['--widths', '0'], /--widths/],
    ] as const) {
      const base = ['dks-measure', '--widths', '16', '--layers', '2', '--depth', '20', '--samples', '4'];
      const r = await runCli([...base, ...args]);
      expect(r.code, r.stdout).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const ntk = await runCli(['dks-measure', '--widths', '16', '--layers', '2', '--samples', '2', '--ntk']);
    expect(ntk.code, ntk.stdout).toBe(2);
    expect(ntk.stderr).toMatch(/samples \(N\) must be ≥ 3 for the NTK dispersion/);
  });
});
