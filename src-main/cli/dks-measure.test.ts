// ntk-lab dks-measure: the JSON contract, worker-count independence, the measured c_l against the maps' prediction
// within 4 SE + l/M (Martens et al. 2021 (DKS), Sec. 6–7; the l/M term is the finite-width bias), bad input by flag.
import { describe, expect, it } from 'vitest';
import { dksMeasurePointSchema, dksMeasureSetupSchema } from '../../src-shared/contract/dks-measure';
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
  });
});
