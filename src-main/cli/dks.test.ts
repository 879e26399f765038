import { describe, expect, it } from 'vitest';
import { dksResultSchema, qcMapResultSchema } from '../../src-shared/contract/dks';
import { command as dks } from './commands/dks';
import { command as qcMap } from './commands/qc-map';
import { UsageError, type CliCommand, type CliIo } from './command';

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false };
  const code = await cmd.run(args, io);
  return { code, stdout, stderr };
}

describe('ntk-lab dks', () => {
  it('--json: softplus, ζ = 1.5, D = 100 reproduces the Sec. 18.7 row; ψ = 1.5^(1/100), global C′(1) = ζ', async () => {
    const r = await run(dks, ['--activation', 'softplus', '--zeta', '1.5', '--depth', '100', '--json']);
    expect(r.code).toBe(0);
    const out = dksResultSchema.parse(JSON.parse(r.stdout));
    expect(out).toMatchObject({
      activation: 'softplus',
      zeta: 1.5,
      depth: 100,
      architecture: 'chain',
      skipWeight: null,
    });
    expect(out.psi).toBeCloseTo(1.5 ** (1 / 100), 14);
    expect(out.alpha).toBeCloseTo(0.22802, 5);
    expect(out.beta).toBeCloseTo(0.40751, 5);
    expect(out.delta).toBeCloseTo(-0.92372, 5);
    expect(out.gamma).toBeCloseTo(7.30325, 5);
    for (const v of Object.values(out.residuals)) expect(Math.abs(v)).toBeLessThan(1e-9);
    expect(out.roots[0]).toMatchObject({ alpha: out.alpha, beta: out.beta, gamma: out.gamma, delta: out.delta });
    expect(out.localCPrime1).toBeCloseTo(out.psi, 12);
    expect(out.globalCPrime1).toBeCloseTo(1.5, 10);
  });

  it('--json SELU lists at least two roots; resnet with w² = 0.05 at D = 101 has ψ = 1.04127115', async () => {
    const selu = dksResultSchema.parse(
      JSON.parse((await run(dks, ['--activation', 'selu', '--zeta', '1.5', '--depth', '100', '--json'])).stdout),
    );
    expect(selu.roots.length).toBeGreaterThanOrEqual(2);
    expect(selu.localCPrime1Untransformed).toBeCloseTo(1.071575, 6);
    const w = Math.sqrt(0.05).toString();
    const res = dksResultSchema.parse(
      JSON.parse(
        (
          await run(dks, [
            '--activation',
            'tanh',
            '--zeta',
            '1.5',
            '--depth',
            '101',
            '--architecture',
            'resnet',
            '--skip-weight',
            w,
            '--json',
          ])
        ).stdout,
      ),
    );
    expect(res.psi).toBeCloseTo(1.04127115, 7);
    expect(res.globalCPrime1).toBeCloseTo(1.5, 8);
  });

  it('ReLU: three conditions, β = 1, stated in the table output', async () => {
    const r = await run(dks, ['--activation', 'relu', '--zeta', '1.5', '--depth', '100']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/positively homogeneous/);
    const out = dksResultSchema.parse(
      JSON.parse((await run(dks, ['--activation', 'relu', '--zeta', '1.5', '--depth', '100', '--json'])).stdout),
    );
    expect(out.conditions).toEqual(['q1', 'c0', 'cPrime1']);
    expect(out.beta).toBe(1);
  });

  it('bad input is a UsageError naming the flag; no root says so with the best residual', async () => {
    const base = ['--activation', 'tanh', '--depth', '10'];
    await expect(run(dks, [...base, '--zeta', '1'])).rejects.toThrow(/--zeta: .*> 1/);
    await expect(run(dks, [...base, '--zeta', '0.5'])).rejects.toThrow(UsageError);
    await expect(run(dks, ['--activation', 'tanh', '--zeta', '1.5', '--depth', '0'])).rejects.toThrow(/--depth: .*≥ 1/);
    await expect(run(dks, ['--activation', 'nope', '--zeta', '1.5', '--depth', '5'])).rejects.toThrow(
      /--activation: unknown activation "nope"/,
    );
    await expect(
      run(dks, [...base, '--zeta', '1.5', '--architecture', 'resnet', '--skip-weight', '0.2']),
    ).rejects.toThrow(/--depth: .*D ≡ 2 mod 3/);
    await expect(run(dks, [...base, '--zeta', '1.5', '--skip-weight', '0.2'])).rejects.toThrow(/--skip-weight/);
    await expect(
      run(dks, [
        '--activation',
        'tanh',
        '--zeta',
        '1.5',
        '--depth',
        '50',
        '--architecture',
        'resnet',
        '--skip-weight',
        '2',
      ]),
    ).rejects.toThrow(/--skip-weight: .*\[0, 1\]/);
    await expect(run(dks, ['--activation', 'linear', '--zeta', '1.5', '--depth', '10'])).rejects.toThrow(
      /--activation: no .*best residual/,
    );
  });
});

describe('ntk-lab qc-map', () => {
  it('--json ReLU at q = 2, c = 0: Q = 1, Q′ = 1/2, C = C(0) = 1/π, C′ = 1/2, C′(1) = 1 (eq. (15))', async () => {
    const r = await run(qcMap, ['--activation', 'relu', '--q', '2', '--c', '0', '--json']);
    expect(r.code).toBe(0);
    const out = qcMapResultSchema.parse(JSON.parse(r.stdout));
    expect(out.transform).toBeNull();
    expect(out.Q).toBeCloseTo(1, 13);
    expect(out.QPrime).toBeCloseTo(0.5, 13);
    expect(out.C).toBeCloseTo(1 / Math.PI, 12);
    expect(out.C0).toBeCloseTo(1 / Math.PI, 12);
    expect(out.CPrime).toBeCloseTo(0.5, 12);
    expect(out.CPrime1).toBeCloseTo(1, 12);
  });

  it('--transform from ntk-lab dks gives Q(1) = 1, Q′(1) = 1, C(0) = 0, C′(1) = ψ', async () => {
    const d = dksResultSchema.parse(
      JSON.parse((await run(dks, ['--activation', 'swish', '--zeta', '1.5', '--depth', '100', '--json'])).stdout),
    );
    const t = [d.alpha, d.beta, d.gamma, d.delta].join(',');
    const out = qcMapResultSchema.parse(
      JSON.parse(
        (await run(qcMap, ['--activation', 'swish', '--transform', t, '--q', '1', '--c', '0.3', '--json'])).stdout,
      ),
    );
    expect(out.Q).toBeCloseTo(1, 12);
    expect(out.QPrime).toBeCloseTo(1, 12);
    expect(out.C0).toBeCloseTo(0, 12);
    expect(out.CPrime1).toBeCloseTo(d.psi, 12);
    expect(out.C).toBeGreaterThan(0.29); // nearly the identity map at ζ = 1.5
    expect(out.C).toBeLessThan(0.31);
  });

  it('bad input names the flag: a transform with Q(1) = 0, c outside [−1, 1], q ≤ 0, malformed transform', async () => {
    await expect(
      run(qcMap, ['--activation', 'tanh', '--transform', '1,0,0,0', '--q', '1', '--c', '0.5']),
    ).rejects.toThrow(/--transform: Q\(q\) = .* = 0/);
    await expect(run(qcMap, ['--activation', 'tanh', '--q', '1', '--c', '1.5'])).rejects.toThrow(/--c: .*\[−1, 1\]/);
    await expect(run(qcMap, ['--activation', 'tanh', '--q', '0', '--c', '0'])).rejects.toThrow(/--q: .*> 0/);
    await expect(run(qcMap, ['--activation', 'tanh', '--transform', '1,2,3', '--q', '1', '--c', '0'])).rejects.toThrow(
      /--transform: expected four numbers/,
    );
    await expect(
      run(qcMap, ['--activation', 'tanh', '--transform', '0,0,1,0', '--q', '1', '--c', '0']),
    ).rejects.toThrow(/--transform: α must be ≠ 0/);
  });
});
