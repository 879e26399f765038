import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { predictPoint } from '../../src-shared/theory/index';
import { runCli } from './run-cli.test-util';

const BIN = fileURLToPath(new URL('../../bin/ntk-lab.mjs', import.meta.url));

/** Run the real executable the way `npx ntk-lab` does (from another working directory, to check path handling). */
function spawnCli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: '/', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Seleznova & Kutyniok 2022, Thm 3.1, eq. (8), written out independently of src-shared/theory: chaotic-phase limit of
 * E[Θ²]/E[Θ]².
 */
function chaoticLimit(lambda: number): number {
  return (1 / (2 * lambda)) * Math.exp(5 * lambda) * (1 - (1 - Math.exp(-4 * lambda)) / (4 * lambda));
}

describe('ntk-lab executable', () => {
  it('theory --json prints the contract fields; the chaotic limit matches Thm 3.1', () => {
    const r = spawnCli(['theory', '--sigma-w2', '3', '--depth', '50', '--width', '100', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      sigmaW2: 3,
      depth: 50,
      width: 100,
      inputDim: 100,
      phase: 'chaotic',
      depthToWidth: 0.5,
      alpha0: 1,
    });
    expect(out.dispersion.limit).toBeCloseTo(chaoticLimit(0.5), 10);
    // finite width: above 1, and within O(1/M) of the limit at λ = 0.5
    expect(out.dispersion.finite).toBeGreaterThan(1);
    expect(Math.abs(out.dispersion.finite / out.dispersion.limit - 1)).toBeLessThan(0.2);
    expect(out.meanTheta).toBeGreaterThan(0);
    expect(Math.log(out.meanTheta)).toBeCloseTo(out.logMeanTheta, 9);
  });

  it('bad flags exit 2 with a message naming the flag and nothing on stdout', () => {
    const r = spawnCli(['theory', '--sigma-w2', '1', '--depth', '5', '--width', 'abc', '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--width: expected a number, got "abc"/);
  });

  it('measure --json runs on the worker pool and prints the contract fields', () => {
    const r = spawnCli([
      'measure',
      '--sigma-w2',
      '1.5',
      '--depth',
      '6',
      '--width',
      '30',
      '--pair-cos',
      '0.5',
      '--samples',
      '300',
      '--seed',
      '4',
      '--workers',
      '2',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      sigmaW2: 1.5,
      depth: 6,
      width: 30,
      inputDim: 30,
      samples: 300,
      seed: 4,
      method: 'exact',
      sigmaB2: 0,
    });
    for (const e of [out.meanTheta, out.dispersion, out.offDiagonal.dispersion]) {
      expect(Number.isFinite(e.estimate)).toBe(true);
      expect(e.stderr).toBeGreaterThan(0);
    }
    expect(out.dispersion.estimate).toBeGreaterThanOrEqual(1); // E[Θ²] ≥ E[Θ]² (Jensen), and the sample ratio too
    expect(typeof out.offDiagonal.meanRatio).toBe('number');
    // E[Θ(x,x)] is exact at finite width (Seleznova & Kutyniok 2022, eqs. 11–12): the sample mean must sit within 4
    // standard errors
    const predicted = predictPoint({ sigmaW2: 1.5, depth: 6, width: 30, inputDim: 30 }).meanTheta;
    expect(Math.abs(out.meanTheta.estimate - predicted)).toBeLessThan(4 * out.meanTheta.stderr);
    expect(out.seconds).toBeGreaterThan(0);
    expect(out.done).toBeUndefined();
  });
});

describe('ntk-lab theory (in-process)', () => {
  it('ordered phase: the λ-limit of the dispersion is 1; α₀ and n₀ set the input dimension', async () => {
    const r = await runCli([
      'theory',
      '--sigma-w2',
      '1',
      '--depth',
      '20',
      '--width',
      '100',
      '--alpha0',
      '0.5',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ phase: 'ordered', inputDim: 50, alpha0: 0.5, depthToWidth: 0.2 });
    expect(out.dispersion.limit).toBe(1);
    const byDim = JSON.parse(
      (await runCli(['theory', '--sigma-w2', '1', '--depth', '20', '--width', '100', '--input-dim', '50', '--json']))
        .stdout,
    );
    expect(byDim).toEqual(out);
  });

  it('σ_w² = 2 is the edge of chaos; the human table names the phase', async () => {
    const json = JSON.parse(
      (await runCli(['theory', '--sigma-w2', '2', '--depth', '10', '--width', '10', '--json'])).stdout,
    );
    expect(json.phase).toBe('edge-of-chaos');
    const human = await runCli(['theory', '--sigma-w2', '2', '--depth', '10', '--width', '10']);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/edge-of-chaos/);
    expect(() => JSON.parse(human.stdout)).toThrow();
  });

  it.each([
    [['--sigma-w2', '0', '--depth', '5', '--width', '10'], /--sigma-w2: .*> 0/],
    [['--sigma-w2', '-1', '--depth', '5', '--width', '10'], /--sigma-w2: .*must be > 0/],
    [['--sigma-w2=-1', '--depth', '5', '--width', '10'], /--sigma-w2: .*> 0/],
    [['--sigma-w2', 'NaN', '--depth', '5', '--width', '10'], /--sigma-w2: expected a number, got "NaN"/],
    [['--sigma-w2', 'Infinity', '--depth', '5', '--width', '10'], /--sigma-w2: expected a number/],
    [['--sigma-w2', '1e3x', '--depth', '5', '--width', '10'], /--sigma-w2: expected a number, got "1e3x"/],
    [['--sigma-w2', '', '--depth', '5', '--width', '10'], /--sigma-w2: expected a number, got ""/],
    [['--sigma-w2', '1', '--depth', '2.5', '--width', '10'], /--depth: expected an integer/],
    [['--sigma-w2', '1', '--depth', '5', '--width', '0'], /--width: .*≥ 1/],
    [['--sigma-w2', '1', '--depth', '5', '--width=-3'], /--width: .*≥ 1/],
    [['--sigma-w2', '1', '--depth', '5', '--width', '10', '--alpha0', '0'], /--alpha0: must be > 0/],
    [
      ['--sigma-w2', '1', '--depth', '5', '--width', '10', '--alpha0', '1', '--input-dim', '10'],
      /--alpha0 and --input-dim/,
    ],
    [['--sigma-w2', '1', '--depth', '5'], /--width is required/],
    [['--sigma-w2', '1', '--depth', '5', '--width'], /--width <value>' argument missing/],
    [['--sigma-w2', '1', '--depth', '5', '--width', '10', '--bogus'], /Unknown option '--bogus'/],
    [['--sigma-w2', '1', '--depth', '5', '--width', '10', '--width', '11'], /--width is given more than once/],
    [['--sigma-w2', '1', '--depth', '5', '--width', '10', 'extra'], /Unexpected argument 'extra'/],
  ])('rejects %j with exit 2', async (args, message) => {
    const r = await runCli(['theory', '--json', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});

describe('ntk-lab measure (in-process)', () => {
  it.each([
    [['--samples', '0', '--seed', '1'], /--samples: .*≥ 1/],
    [['--samples', '10', '--seed=-1'], /--seed: seed must be ≥ 0/],
    [['--samples', '10', '--seed', '4294967296'], /--seed: seed must be < 2\^32/],
    [['--samples', '10'], /--seed is required/],
    [['--samples', '10', '--seed', '1', '--method', 'magic'], /--method: expected one of exact, dense/],
    [['--samples', '10', '--seed', '1', '--pair-cos', '1.5'], /--pair-cos: .*\[−1, 1\]/],
    [['--samples', '10', '--seed', '1', '--sigma-b2=-0.1'], /--sigma-b2: .*≥ 0/],
    [['--samples', '10', '--seed', '1', '--workers', '0'], /--workers/],
  ])('rejects %j with exit 2', async (args, message) => {
    const r = await runCli(['measure', '--json', '--sigma-w2', '1', '--depth', '3', '--width', '5', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('prints a human-readable table without --json', async () => {
    const r = await runCli([
      'measure',
      '--sigma-w2',
      '2',
      '--depth',
      '4',
      '--width',
      '20',
      '--samples',
      '200',
      '--seed',
      '1',
      '--workers',
      '1',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // not a TTY: no progress
    expect(r.stdout).toMatch(/E\[Θ\(x,x\)\]\s+\S+ ± \S+/);
    expect(r.stdout).toMatch(/N = 200 networks, seed 1, method exact/);
  });

  it('--components adds Θ_W, Θ_b moments to the JSON that add up to E[Θ]; refused with --pair-cos', async () => {
    const args = ['measure', '--json', '--sigma-w2', '2', '--depth', '4', '--width', '20', '--samples', '300'];
    const r = await runCli([...args, '--seed', '1', '--workers', '1', '--components']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const k of ['meanW', 'meanB', 'meanW2', 'meanB2', 'meanWB'])
      expect(out.components[k]).toEqual({ estimate: expect.any(Number), stderr: expect.any(Number) });
    expect(out.components.meanW.estimate + out.components.meanB.estimate).toBeCloseTo(out.meanTheta.estimate, 8);
    const bad = await runCli([...args, '--seed', '1', '--workers', '1', '--components', '--pair-cos', '0.5']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/components/);
  });
});

describe('ntk-lab help', () => {
  it('lists the commands; each command has usage text; unknown commands exit 2', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/theory/);
    expect(top.stdout).toMatch(/measure/);
    const sub = await runCli(['measure', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--pair-cos/);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  });
});
