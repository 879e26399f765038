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
      } else if (on.engine === 'tf') expect(typeof TASKS[on.task]).toBe('function');
      else expect(def.contract.kind).toBe('sweep-open'); // reads a file in the service's thread
    }
  });

  it('pausable: the training runs that wait at their next step, nothing else', () => {
    const pausable = Object.values(JOBS)
      .filter((d) => d.pausable)
      .map((d) => d.contract.kind)
      .sort();
    expect(pausable).toEqual(['collapse-train', 'dks-train', 'lr-sweep', 'ntk-change', 'train-dynamics']);
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

  it("ntk-spectrum: a width below the inputs' dimension is refused by the check, naming both", () => {
    const base = { sigmaW2: 2, depths: [2], samples: 5 };
    expect(() => checkKind('ntk-spectrum', { ...base, width: 4, inputs: 8 })).toThrow(
      /^width: width \(M\) must be ≥ 8: the 8 inputs .* span 8 dimensions .*got width 4/,
    );
    expect(checkKind('ntk-spectrum', { ...base, width: 8, inputs: 8 }).params).toMatchObject({ width: 8 });
    // at c = −1/(m−1) the m inputs sum to zero and span m − 1 dimensions
    expect(checkKind('ntk-spectrum', { ...base, width: 3, inputs: 4, inputCos: -1 / 3 }).params).toMatchObject({
      width: 3,
    });
  });

  it('a malformed progress record from the worker fails that job only, and stops its task', async () => {
    const job = checkKind('train-dynamics', { steps: 10 });
    let taskSignal: AbortSignal | undefined;
    const tf = {
      start: () => Promise.resolve(),
      label: () => 'fake tf',
      // what tf-host does: calls onProgress from its message listener, then waits for the end or a cancel
      run: (_task: string, _params: unknown, opts: { onProgress?: (p: unknown) => void; signal?: AbortSignal }) =>
        new Promise((_resolve, reject) => {
          taskSignal = opts.signal;
          opts.signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
          expect(() => opts.onProgress?.({ step: 'not a step' })).not.toThrow();
        }),
    };
    const outputs: unknown[] = [];
    const env = { tf } as unknown as Parameters<typeof job.run>[0];
    await expect(job.run(env, (o) => outputs.push(o), {})).rejects.toMatchObject({
      code: 'failed',
      message: expect.stringMatching(/malformed progress record/),
    });
    expect(taskSignal?.aborted).toBe(true);
    expect(outputs).toEqual([]);
  });
});
