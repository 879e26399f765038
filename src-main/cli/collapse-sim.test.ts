import { describe, expect, it } from 'vitest';
import { collapseSimResultSchema } from '../../src-shared/contract/collapse-sim';
import { runCli } from './run-cli.test-util';

const base = ['--classes', '3', '--per-class', '4', '--features', '5', '--kappa-d', '1', '--kappa-c', '0.5'];

describe('ntk-lab collapse-sim', () => {
  it('--json prints the contract; an aligned start collapses with the invariant conserved', async () => {
    const r = await runCli([
      'collapse-sim',
      ...base,
      '--kappa-n',
      '0.1',
      '--t-max',
      '200',
      '--init',
      'aligned',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = collapseSimResultSchema.parse(JSON.parse(r.stdout));
    expect(out).toMatchObject({ classes: 3, perClass: 4, features: 5, init: 'aligned', tMax: 200, seed: 1 });
    expect(out.trace).toHaveLength(100);
    expect(out.final.t).toBe(200);
    expect(out.final.invariantDrift).toBeLessThan(1e-8);
    expect(out.final.nc2).toBeLessThan(1e-6);
    // Table 1: μ_single = κ_d − κ_c, μ_class = μ_single + m(κ_c − κ_n), μ_global = μ_class + N κ_n
    expect(out.eigenvalues.single).toBeCloseTo(0.5, 15);
    expect(out.eigenvalues.class).toBeCloseTo(0.5 + 4 * 0.4, 14);
    expect(out.eigenvalues.global).toBeCloseTo(2.1 + 12 * 0.1, 14);
  });

  it('prints a readable table without --json', async () => {
    const r = await runCli(['collapse-sim', ...base, '--kappa-n', '0.1', '--t-max', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/NC2 \(distance to simplex ETF\)/);
    expect(r.stdout).toMatch(/max_t ‖E\(t\) − E\(0\)‖_F/);
  });

  it.each([
    [['--kappa-n', '0.6', '--t-max', '1'], /--kappa-c: κ_c \(0.5\) must be ≥ κ_n \(0.6\)/],
    [['--kappa-n', '0.1'], /--t-max is required/],
    [['--kappa-n', '0.1', '--t-max', '-1'], /--t-max: must be > 0/],
    [['--kappa-n', '0.1', '--t-max', '1', '--per-class', '1'], /--per-class is given more than once/],
    [['--kappa-n', 'x', '--t-max', '1'], /--kappa-n: expected a number/],
    [['--kappa-n', '0.1', '--t-max', '1', '--init', 'ordered'], /--init: expected one of random, aligned/],
    [['--kappa-n', '0.1', '--t-max', '1', '--trace-points', '1'], /--trace-points/],
  ])('bad input %j exits 2 naming the flag', async (extra, message) => {
    const r = await runCli(['collapse-sim', ...base, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('n ≤ C and κ_d ≤ κ_c are refused with the cause', async () => {
    const small = await runCli(['collapse-sim', ...base.slice(0, 4), '--features', '3', ...base.slice(6)]);
    expect(small.stderr).toMatch(/missing|required|--/);
    const r = await runCli([
      'collapse-sim',
      ...['--classes', '3', '--per-class', '4', '--features', '3', '--kappa-d', '1', '--kappa-c', '0.5'],
      ...['--kappa-n', '0.1', '--t-max', '1'],
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--features: n \(3\) must exceed the number of classes C \(3\)/);
    const flat = await runCli([
      'collapse-sim',
      ...base.slice(0, 6),
      '--kappa-d',
      '0.5',
      '--kappa-c',
      '0.5',
      '--kappa-n',
      '0',
      '--t-max',
      '1',
    ]);
    expect(flat.code).toBe(2);
    expect(flat.stderr).toMatch(/--kappa-d: κ_d \(0.5\) must exceed κ_c/);
  });
});
