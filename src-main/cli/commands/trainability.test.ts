import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellRecordSchema } from '../../../src-shared/contract/trainability';
import { runCli } from '../run-cli.test-util';

const TINY = [
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '10',
  '--batch-size',
  '16',
  '--train-size',
  '128',
  '--test-size',
  '64',
  '--sigma-w2',
  '1:2:2',
  '--depth',
  '2,3',
  '--backend',
  'wasm',
];

const lines = (s: string) =>
  s
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('ntk-lab trainability', () => {
  it('--json: one parseable line per cell and a summary; the backend is printed; a rerun resumes', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-cli-sweep-')), 'sweep');
    const r = await runCli(['trainability', ...TINY, '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^backend: wasm/);
    const ls = lines(r.stdout);
    expect(ls).toHaveLength(5);
    for (const l of ls.slice(0, 4)) {
      expect(l.kind).toBe('cell');
      const { kind: _k, ...cell } = l;
      expect(cellRecordSchema.safeParse(cell).success).toBe(true);
    }
    expect(ls[4]).toMatchObject({
      kind: 'summary',
      total: 4,
      done: 4,
      trained: 4,
      resumed: 0,
      status: 'complete',
      backend: 'wasm',
    });
    const again = await runCli(['trainability', ...TINY, '--out', out, '--json']);
    expect(again.code).toBe(0);
    expect(lines(again.stdout)).toEqual([
      expect.objectContaining({ kind: 'summary', done: 4, trained: 0, resumed: 4 }),
    ]);
  });

  it('Ctrl-C (signal) stops after the current step keeping finished cells (exit 1); the same command resumes', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-cli-sweep-')), 'sweep');
    const stopped = await runCli(['trainability', ...TINY, '--out', out, '--json'], { abortAfterLines: 1 });
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toMatch(/Run the same command again to resume/);
    const first = lines(stopped.stdout);
    expect(first.at(-1)).toMatchObject({ kind: 'summary', status: 'cancelled', done: 1 });
    const resumed = await runCli(['trainability', ...TINY, '--out', out, '--json']);
    expect(resumed.code).toBe(0);
    const ls = lines(resumed.stdout);
    expect(ls.at(-1)).toMatchObject({ status: 'complete', done: 4, resumed: 1, trained: 3 });
    expect(
      ls.filter((l) => l.kind === 'cell' && l.sigmaW2 === first[0].sigmaW2 && l.depth === first[0].depth),
    ).toHaveLength(0);
  });

  it('bad input and other params in the same directory are usage errors (exit 2)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ntk-cli-sweep-')), 'sweep');
    expect((await runCli(['trainability', ...TINY])).stderr).toMatch(/--out is required/);
    expect((await runCli(['trainability', '--out', out, '--sigma-w2', '1:2'])).code).toBe(2);
    expect((await runCli(['trainability', '--out', out, '--steps', 'NaN'])).code).toBe(2);
    for (const n of ['0', '-1', '99999']) {
      const r = await runCli(['trainability', '--out', out, `--workers=${n}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--workers must be an integer from 1 to \d+/);
    }
    expect((await runCli(['trainability', '--out', out, '--rho=-1'])).stderr).toMatch(/rho \(ρ\) must be > 0/);
    expect((await runCli(['trainability', '--out', out, '--depth', '2', '--depth-to-width', '0.1'])).code).toBe(2);
    const small = [
      '--dataset',
      'synthetic',
      '--width',
      '4',
      '--steps',
      '2',
      '--batch-size',
      '8',
      '--train-size',
      '32',
      '--test-size',
      '8',
      '--sigma-w2',
      '1',
      '--depth',
      '2',
      '--backend',
      'wasm',
    ];
    expect((await runCli(['trainability', ...small, '--out', out])).code).toBe(0);
    const clash = await runCli(['trainability', ...small, '--rho', '0.5', '--out', out]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/different params \(rho differs\)/);
  });
});
