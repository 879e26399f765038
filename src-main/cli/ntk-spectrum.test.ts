import { describe, expect, it } from 'vitest';
import { spectrumPointSchema } from '../../src-shared/contract/ntk-spectrum';
import { runCli } from './run-cli.test-util';

const SMALL = [
  '--sigma-w2',
  '2',
  '--width',
  '16',
  '--depths',
  '3,2',
  '--inputs',
  '4',
  '--samples',
  '30',
  '--seed',
  '7',
];

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ntk-lab ntk-spectrum', () => {
  it('--json: one point per depth in the given order, then a summary; the numbers do not depend on --workers', async () => {
    const one = await runCli(['ntk-spectrum', ...SMALL, '--workers', '1', '--json']);
    expect(one.code, one.stderr).toBe(0);
    const ls = lines(one.stdout);
    expect(ls).toHaveLength(3);
    const points = ls.slice(0, 2).map(({ kind, ...p }) => {
      expect(kind).toBe('point');
      return spectrumPointSchema.parse(p);
    });
    expect(points.map((p) => p.depth)).toEqual([3, 2]);
    for (const p of points) {
      expect(p.samples).toBe(30);
      // κ is the ratio of the two means over the same networks (its SE by the delta method)
      expect(p.kappa.estimate).toBeCloseTo(p.lambdaMax.estimate / p.bulk.estimate, 10);
      expect(p.lambdaMax.estimate).toBeGreaterThan(p.bulk.estimate);
      expect(p.kappa.stderr).toBeGreaterThan(0);
    }
    expect(ls[2]).toMatchObject({
      kind: 'summary',
      points: 2,
      params: { activation: 'relu', sigmaW2: 2, sigmaB2: 0, width: 16, depths: [3, 2], inputs: 4, inputCos: 0.5 },
    });
    // block b of each depth uses Rng(seed, b) whatever the number of workers
    const two = await runCli(['ntk-spectrum', ...SMALL, '--workers', '2', '--json']);
    const strip = (l: Record<string, unknown>) => ({ ...l, seconds: 0 });
    expect(lines(two.stdout).slice(0, 2).map(strip)).toEqual(ls.slice(0, 2).map(strip));
  });

  it('prints a readable line per depth without --json', async () => {
    const r = await runCli(['ntk-spectrum', ...SMALL, '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^NTK spectrum: relu, σ_w² = 2/);
    expect(r.stdout).toMatch(/L = 3: E\[λ_max\] = .* κ = /);
    expect(r.stdout).toMatch(/L = 2: E\[λ_max\] = .* κ = /);
  });

  it('bad input and unaffordable work exit 2 with the reason and nothing on stdout', async () => {
    const cases: [string[], RegExp][] = [
      [['--width', '16', '--depths', '2'], /--sigma-w2 is required/],
      [['--sigma-w2', '2', '--width', '0', '--depths', '2'], /--width: width \(M\) must be ≥ 1/],
      [['--sigma-w2', '2', '--width', '8', '--depths', '2,x'], /--depths: expected a number/],
      [['--sigma-w2', '2', '--width', '8', '--depths', '2', '--samples', '2'], /--samples: samples \(N\) must be ≥ 3/],
      [['--sigma-w2', '2', '--width', '8', '--depths', '2', '--inputs', '4', '--input-cos=-0.9'], /−1\/\(m−1\)/],
      [['--sigma-w2', '2', '--width', '4096', '--depths', '2000'], /MiB of sampler state/],
      [['--sigma-w2', '2', '--width', '8', '--depths', '2', '--activation', 'swish'], /--activation: expected one of/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['ntk-spectrum', ...args, '--json']);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    }
  });
});
