import { describe, expect, it } from 'vitest';
import { freezeChaosPoint } from '../../src-shared/theory/freeze-chaos/index';
import { freezeChaosJob } from '../jobs/freeze-chaos';
import { jobCommand } from './job-command';
import { UsageError, type CliIo } from './command';

const command = jobCommand(freezeChaosJob);

async function run(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, stderrIsTTY: false };
  const code = await command.run(args, io);
  return { code, stdout };
}

const base = ['--activation', 'relu', '--nonlinearity', 'normalized', '--beta', '0.1', '--depth', '6', '--cos', '0'];

describe('ntk-lab freeze-chaos', () => {
  it('--json prints the contract: normalized ReLU, β = 0.1 is chaotic, β* = 1/√π, Θ∞(x,x) = Σ r^{L−ℓ}', async () => {
    const r = await run([...base, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    for (const key of ['activation', 'beta', 'nonlinearity', 'depth', 'cos', 'sigmaW2', 'sigmaB2', 'r', 'phase'])
      expect(out).toHaveProperty(key);
    for (const key of ['betaStar', 'thetaDiag', 'theta', 'vartheta']) expect(out).toHaveProperty(key);
    expect(out).toMatchObject({ activation: 'relu', nonlinearity: 'normalized', depth: 6, cos: 0, phase: 'chaos' });
    expect(out.betaStar).toBeCloseTo(1 / Math.sqrt(Math.PI), 13);
    expect(out.r).toBeCloseTo((0.99 * Math.PI) / (Math.PI - 1), 13);
    expect(out.thetaDiag).toBeCloseTo((out.r ** 6 - 1) / (out.r - 1), 11);
    expect(out.theta).toBeCloseTo(out.vartheta * out.thetaDiag, 12);
    expect(out.vartheta).toBe(
      freezeChaosPoint({ activation: 'relu', nonlinearity: 'normalized', beta: 0.1 }, 6, 0).vartheta,
    );
    expect(out.measured).toBeUndefined();
    // standardized sigmoid has E[σ̇²] < 1: betaStar is null, not NaN
    const s = JSON.parse(
      (await run(['--activation', 'sigmoid', '--beta', '0', '--depth', '3', '--cos', '0.5', '--json'])).stdout,
    );
    expect(s).toMatchObject({ betaStar: null, phase: 'freeze', nonlinearity: 'standardized' });
  });

  it('--width adds measured ϑ and Θ(x,x) (± SE) that agree with the recursion within 4 SE + O(L/M)', async () => {
    const args = ['--activation', 'tanh', '--beta', '0.5', '--depth', '4', '--cos', '0.3'];
    const out = JSON.parse(
      (await run([...args, '--width', '128', '--samples', '400', '--seed', '3', '--json'])).stdout,
    );
    expect(out.measured).toMatchObject({ samples: 400, width: 128, seed: 3 });
    expect(Math.abs(out.measured.vartheta.estimate - out.vartheta)).toBeLessThan(
      4 * out.measured.vartheta.stderr + 4 / 256,
    );
    expect(Math.abs(out.measured.thetaDiag.estimate - out.thetaDiag)).toBeLessThan(
      4 * out.measured.thetaDiag.stderr + (4 / 128) * out.thetaDiag,
    );
  });

  it('measured numbers do not depend on the worker count (block b uses the seed stream (seed, b))', async () => {
    const args = ['--activation', 'relu', '--beta', '0.3', '--depth', '3', '--cos', '0.2', '--width', '16'];
    const one = JSON.parse((await run([...args, '--samples', '600', '--workers', '1', '--json'])).stdout);
    const two = JSON.parse((await run([...args, '--samples', '600', '--workers', '2', '--json'])).stdout);
    expect(one.measured.samples).toBe(600);
    expect(two.measured.vartheta).toEqual(one.measured.vartheta);
    expect(two.measured.thetaDiag).toEqual(one.measured.thetaDiag);
  });

  it('--batch-norm last: Lemma 1 row sums Nβ² to 1e-10, the constant mode has eigenvalue Nβ² and overlap 1', async () => {
    const args = [...base, '--width', '48', '--batch-norm', 'last', '--points', '10', '--samples', '2', '--json'];
    const out = JSON.parse((await run(args)).stdout);
    expect(out.batchNorm).toMatchObject({ placement: 'last', points: 10, width: 48 });
    expect(out.batchNorm.nBeta2).toBeCloseTo(0.1, 14);
    expect(out.batchNorm.rowSumMaxError).toBeLessThan(1e-10);
    expect(out.batchNorm.constantEigenvalue).toBeCloseTo(0.1, 10);
    expect(out.batchNorm.constantOverlap).toBeCloseTo(1, 10);
    const text = (await run(args.filter((a) => a !== '--json'))).stdout;
    expect(text).toMatch(/centre the labels/);
  });

  it('the table names the phase (weakly frozen ReLU)', async () => {
    const r = await run(['--activation', 'relu', '--beta', '0.5', '--depth', '6', '--cos', '0']);
    expect(r.stdout).toMatch(/phase\s+freeze \(weakly frozen/);
  });

  it('bad input is a UsageError naming the flag', async () => {
    const a = ['--activation', 'relu', '--depth', '3', '--cos', '0'];
    await expect(run([...a, '--beta', '1.5'])).rejects.toThrow(/--beta: must be a number in \[0, 1\]/);
    await expect(run([...a, '--beta', 'abc'])).rejects.toThrow(/--beta: expected a number/);
    await expect(run(['--activation', 'relu', '--depth', '3', '--beta', '0.1', '--cos', '1.2'])).rejects.toThrow(
      /--cos: /,
    );
    await expect(run(['--activation', 'swish', '--depth', '3', '--beta', '0.1', '--cos', '0'])).rejects.toThrow(
      /--activation: unknown activation "swish"/,
    );
    await expect(run([...a, '--beta', '0.1', '--nonlinearity', 'centred'])).rejects.toThrow(/--nonlinearity: /);
    await expect(run(['--activation', 'relu', '--depth', '0', '--beta', '0.1', '--cos', '0'])).rejects.toThrow(
      /--depth: /,
    );
    await expect(run([...a, '--beta', '0.1', '--samples', '10'])).rejects.toThrow(/--samples needs --width/);
    await expect(run([...a, '--beta', '0.1', '--batch-norm', 'last'])).rejects.toThrow(/--batch-norm needs --width/);
    await expect(run([...a, '--beta', '0.1', '--width', '0'])).rejects.toThrow(/--width: /);
    await expect(
      run([
        '--activation',
        'relu',
        '--depth',
        '1',
        '--beta',
        '0.1',
        '--cos',
        '0',
        '--width',
        '8',
        '--batch-norm',
        'last',
      ]),
    ).rejects.toThrow(/--depth: batch norm needs a hidden layer/);
    await expect(run([...a, '--beta', '0.1', '--width', '8', '--batch-norm', 'first'])).rejects.toThrow(UsageError);
  });
});
