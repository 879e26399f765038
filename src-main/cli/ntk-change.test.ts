// `ntk-lab ntk-change` and `ntk-lab trust-map`: the --json line contract (step, loss, relativeChange, backend on every
// step line, step 0 first with change 0) and bad input refused naming the flag (exit 2) before any training.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.test-util';

const TINY = ['--depth', '2', '--width', '8', '--steps', '2,4', '--lr', '1e-3', '--train-size', '100'];

describe('ntk-lab ntk-change', () => {
  it('--json: one line per recorded step, then the summary', async () => {
    const r = await runCli(['ntk-change', ...TINY, '--backend', 'wasm', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const steps = lines.filter((l) => l.kind === 'step');
    expect(steps.map((l) => l.step)).toEqual([0, 2, 4]);
    for (const l of steps) {
      expect(l.backend).toBe('wasm');
      expect(typeof l.loss).toBe('number');
      expect(typeof l.relativeChange).toBe('number');
    }
    expect(steps[0].relativeChange).toBe(0);
    expect(steps[2].final).toBe(true);
    expect(lines[lines.length - 1]).toMatchObject({ kind: 'summary', stop: 'max-steps', stoppedAt: 4, depth: 2 });
  });

  it.each([
    [['--width', '-5'], '--width'],
    [['--width', '0'], '--width'],
    [['--sigma-w2', 'NaN'], '--sigma-w2'],
    [['--sigma-w2', '0'], '--sigma-w2'],
    [['--steps', '100,10'], '--steps'],
    [['--steps', '10,10'], '--steps'],
    [['--steps', '0'], '--steps'],
    [['--steps', '10', '--max-steps', '5'], '--max-steps'],
    [['--depth', '2.5'], '--depth'],
    [['--lr', '-1'], '--lr'],
    [['--train-size', '20'], '--train-size'],
  ])('refuses %j naming %s', async (args, flag) => {
    const r = await runCli(['ntk-change', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(flag);
    expect(r.stdout).toBe('');
  });
});

describe('ntk-lab trust-map', () => {
  it('--json: one line per cell into the store, then the summary; bad axes name the flag', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-trust-cli-')), 'map');
    const grid = ['--sigma-w2', '1,3', '--depth', '2', '--width', '8', '--steps', '2', '--lr', '1e-3'];
    const r = await runCli(['trust-map', '--out', out, ...grid, '--backend', 'wasm', '--workers', '1', '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.kind === 'cell')).toHaveLength(2);
    expect(lines[2]).toMatchObject({ kind: 'summary', total: 2, done: 2, status: 'complete' });
    expect(readFileSync(join(out, 'cells.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    for (const [args, flag] of [
      [['--width', '-5'], '--width'],
      [['--sigma-w2', '1,NaN'], '--sigma-w2'],
      [['--depth', '2,2'], '--depth'],
      [['--steps', '5,3'], '--steps'],
      [['--shard', '3/2'], '--shard'],
    ] as const) {
      const bad = await runCli(['trust-map', '--out', out, ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(flag);
    }
  });
});
