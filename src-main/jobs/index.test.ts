import { describe, expect, it } from 'vitest';
import { JOB_KINDS, jobOutputSchema, jobSpecSchema } from '../../src-shared/contract/kinds';
import { runCli } from '../cli/run-cli.test-util';
import { BLOCK_RUNNERS } from '../engine/block-runners';
import { TASKS } from '../tf/tasks';
import { checkJob, checkKind, JOBS, jobCommands } from './index';

describe('the job-kind registry', () => {
  it('holds one definition per contract kind, each with a CLI command that has --help', async () => {
    expect(Object.keys(JOBS).sort()).toEqual(JOB_KINDS.map((k) => k.kind).sort());
    for (const [kind, def] of Object.entries(JOBS)) expect(def.contract.kind).toBe(kind);
    const names = jobCommands().map((c) => c.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names)).toEqual(new Set(Object.keys(JOBS)));
    for (const name of names) {
      const r = await runCli([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: ntk-lab ${name} `));
    }
  });

  it('derives the wire unions: every kind, and only those, is a job spec and an output', () => {
    const kinds = JOB_KINDS.map((k) => k.kind);
    expect(jobSpecSchema.options.map((o) => o.shape.kind.value)).toEqual(kinds);
    expect(jobOutputSchema.options.map((o) => o.shape.kind.value)).toEqual(kinds);
    expect(jobSpecSchema.safeParse({ kind: 'no-such-kind', params: {} }).success).toBe(false);
    expect(jobOutputSchema.safeParse({ kind: 'ntk-spectrum' }).success).toBe(true);
  });

  it('every kind names a pool work kind or TensorFlow.js task that its engine dispatches', () => {
    for (const def of Object.values(JOBS)) {
      const on = def.runsOn;
      if (on.engine === 'pool') {
        expect(typeof BLOCK_RUNNERS[on.work]).toBe('function');
        if (on.tf) expect(typeof TASKS[on.tf]).toBe('function');
      } else expect(typeof TASKS[on.task]).toBe('function');
    }
  });

  it('pausable: the training runs that wait at their next step, nothing else', () => {
    const pausable = Object.values(JOBS)
      .filter((d) => d.pausable)
      .map((d) => d.contract.kind)
      .sort();
    expect(pausable).toEqual(['dks-train', 'lr-sweep', 'train-dynamics']);
  });

  it('checks once and runs what the check resolved (defaults, paper size)', () => {
    const sweep = checkJob({ kind: 'trainability', params: { paperSize: true, steps: 10 } });
    expect(sweep.params).toMatchObject({ steps: 10, width: 1024 }); // the preset, with the explicit field winning
    expect(sweep.pausable).toBe(false);
    const dynamics = checkKind('train-dynamics', { steps: 10 });
    expect((dynamics.params as { recordAt: number[] }).recordAt.at(-1)).toBe(10); // default record steps resolved
    expect(() => checkKind('measure', { sigmaW2: 2 })).toThrow(/invalid measurement parameters/);
    expect(() => checkKind('lr-sweep', { rhos: [1, 1] })).toThrow(/rhos must not repeat/);
  });
});
