import { describe, expect, it } from 'vitest';
import { criticalResultSchema, meanfieldResultSchema } from '../../src-shared/contract/meanfield';
import { command as critical } from './commands/critical';
import { command as meanfield } from './commands/meanfield';
import { UsageError, type CliCommand, type CliIo } from './command';

async function run(cmd: CliCommand, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), stderrIsTTY: false };
  const code = await cmd.run(args, io);
  return { code, stdout, stderr };
}

describe('ntk-lab meanfield', () => {
  it('--json prints the contract: ReLU ordered has q* = σ_b²/(1 − σ_w²/2), χ₁ = σ_w²/2, ξ₁ = −1/log χ₁', async () => {
    const r = await run(meanfield, ['--activation', 'relu', '--sigma-w2', '1.5', '--sigma-b2', '0.1', '--json']);
    expect(r.code).toBe(0);
    const out = meanfieldResultSchema.parse(JSON.parse(r.stdout));
    expect(out).toMatchObject({ activation: 'relu', phase: 'ordered', fixedPoint: 'finite', cStar: 1, xiStar: null });
    expect(out.qStar).toBeCloseTo(0.4, 14);
    expect(out.chi1).toBeCloseTo(0.75, 14);
    expect(out.xi1).toBeCloseTo(-1 / Math.log(0.75), 12);
    expect(out.reasons.xiStar).toBeTruthy();
  });

  it('--json chaotic erf: all of q*, c*, χ_c*, ξ_c*, ξ* present and consistent', async () => {
    const r = await run(meanfield, ['--activation', 'erf', '--sigma-w2', '3', '--sigma-b2', '0.05', '--json']);
    const out = meanfieldResultSchema.parse(JSON.parse(r.stdout));
    expect(out.phase).toBe('chaotic');
    expect(out.xiStar).toBeCloseTo(-1 / (Math.log(out.chiC!) - Math.log(out.chi1!)), 12);
    expect(out.xiC).toBeCloseTo(-1 / Math.log(out.chiC!), 12);
    expect(out.xi1).toBeNull();
  });

  it('no finite fixed point (ReLU, σ_w² = 3): nulls with reasons, never NaN, exit 0', async () => {
    const r = await run(meanfield, ['--activation', 'relu', '--sigma-w2', '3', '--sigma-b2', '0.1', '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    const out = meanfieldResultSchema.parse(JSON.parse(r.stdout));
    expect(out).toMatchObject({ fixedPoint: 'none', qStar: null, chi1: 1.5, phase: 'chaotic', xi1: null });
    expect(out.reasons.qStar).toMatch(/no finite fixed point/);
  });

  it('the human-readable table names the phase and the missing quantities', async () => {
    const r = await run(meanfield, ['--activation', 'tanh', '--sigma-w2', '1.7', '--sigma-b2', '0.3']);
    expect(r.stdout).toMatch(/phase\s+ordered/);
    expect(r.stdout).toMatch(/ξ\*\s+— \(/);
  });

  it('bad input is a UsageError naming the flag', async () => {
    await expect(run(meanfield, ['--activation', 'swish', '--sigma-w2', '1', '--sigma-b2', '0'])).rejects.toThrow(
      /--activation: unknown activation "swish"/,
    );
    await expect(run(meanfield, ['--activation', 'tanh', '--sigma-w2', 'NaN', '--sigma-b2', '0'])).rejects.toThrow(
      UsageError,
    );
    await expect(run(meanfield, ['--activation', 'tanh', '--sigma-w2', '1', '--sigma-b2=-0.5'])).rejects.toThrow(
      /--sigma-b2: .*≥ 0/,
    );
    await expect(run(meanfield, ['--activation', 'tanh', '--sigma-w2', '0', '--sigma-b2', '0'])).rejects.toThrow(
      /--sigma-w2: .*> 0/,
    );
    await expect(run(meanfield, ['--activation', 'tanh', '--sigma-b2', '0'])).rejects.toThrow(/--sigma-w2 is required/);
  });
});

describe('ntk-lab critical', () => {
  it('--json: ReLU is 2 for every σ_b² (q* null when σ_b² > 0), tanh at σ_b² = 0.05 is 1.7610', async () => {
    const relu = criticalResultSchema.parse(
      JSON.parse((await run(critical, ['--activation', 'relu', '--sigma-b2', '0.3', '--json'])).stdout),
    );
    expect(relu).toMatchObject({ sigmaW2: 2, qStar: null });
    const tanh = criticalResultSchema.parse(
      JSON.parse((await run(critical, ['--activation', 'tanh', '--sigma-b2', '0.05', '--json'])).stdout),
    );
    expect(tanh.sigmaW2!.toFixed(4)).toBe('1.7610');
  });

  it('no transition: sigmaW2 null with a reason (sigmoid)', async () => {
    const r = await run(critical, ['--activation', 'sigmoid', '--sigma-b2', '0.1', '--json']);
    const out = criticalResultSchema.parse(JSON.parse(r.stdout));
    expect(out.sigmaW2).toBeNull();
    expect(out.reason).toMatch(/ordered/);
    expect((await run(critical, ['--activation', 'sigmoid', '--sigma-b2', '0.1'])).stdout).toMatch(
      /critical σ_w²\s+none/,
    );
  });

  it('bad input is a UsageError', async () => {
    await expect(run(critical, ['--activation', 'erf', '--sigma-b2', 'abc'])).rejects.toThrow(
      /--sigma-b2: expected a number/,
    );
    await expect(run(critical, ['--activation', 'erf'])).rejects.toThrow(/--sigma-b2 is required/);
  });
});
