// --shard, ntk-lab merge: shards of a tiny synthetic sweep merged back equal the single-process run cell for cell.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CELLS_FILE } from '../../tf/sweep/store';
import { runCli } from '../run-cli.test-util';

const TINY = [
  '--dataset',
  'synthetic',
  '--width',
  '8',
  '--steps',
  '4',
  '--batch-size',
  '16',
  '--train-size',
  '64',
  '--test-size',
  '32',
  '--sigma-w2',
  '1:2:3',
  '--depth',
  '2,3',
  '--backend',
  'cpu',
];

/** cells.jsonl as a map cell → record without its wall time. */
function cellsOf(dir: string): Map<string, Record<string, unknown>> {
  const m = new Map<string, Record<string, unknown>>();
  for (const line of readFileSync(join(dir, CELLS_FILE), 'utf8').trim().split('\n')) {
    const { seconds: _s, ...r } = JSON.parse(line) as Record<string, unknown>;
    m.set(`${String(r.sigmaW2)}|${String(r.depth)}`, r);
  }
  return m;
}

const json = (s: string) => JSON.parse(s.trim().split('\n').at(-1)!) as Record<string, unknown>;

let root: string;
let full: Map<string, Record<string, unknown>>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ntk-merge-'));
  const r = await runCli(['trainability', ...TINY, '--out', join(root, 'full')]);
  expect(r.code, r.stderr).toBe(0);
  full = cellsOf(join(root, 'full'));
  for (let i = 0; i < 3; i++) {
    const s = await runCli(['trainability', ...TINY, '--shard', `${i}/3`, '--out', join(root, `shard-${i}`), '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(json(s.stdout)).toMatchObject({ kind: 'summary', total: 2, done: 2, shard: { index: i, count: 3 } });
  }
}, 120_000); // four small sweeps: well over vitest's default 10 s hook limit on a loaded machine

const shards = () => [0, 1, 2].map((i) => join(root, `shard-${i}`));

describe('--shard', () => {
  it.each(['3/2', '-1/2', 'a/b'])('--shard %s → exit 2 naming --shard, nothing written', async (spec) => {
    const out = join(root, `bad-${spec.replace(/\W/g, '_')}`);
    const r = await runCli(['trainability', ...TINY, '--shard', spec, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--shard/);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('a store holding another shard is refused', async () => {
    const r = await runCli(['trainability', ...TINY, '--shard', '1/3', '--out', join(root, 'shard-0')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/shard 0\/3 .* not 1\/3/);
  });
});

describe('ntk-lab merge', () => {
  it('merges the shards into a store equal to the single-process run (cell seeds do not depend on the shard)', async () => {
    const out = join(root, 'merged');
    const r = await runCli(['merge', '--json', '--out', out, ...shards()]);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ kind: 'summary', total: 6, done: 6, missing: 0, duplicates: 0, added: 6 });
    expect(cellsOf(out)).toEqual(full);
    // a normal store: the sweep on it resumes with nothing to train
    const again = await runCli(['trainability', ...TINY, '--out', out, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(json(again.stdout)).toMatchObject({ done: 6, resumed: 6, trained: 0 });
  });

  it('reports missing cells; the sweep on the merged store trains only those, to the single-run numbers', async () => {
    const out = join(root, 'partial');
    const r = await runCli(['merge', '--json', '--out', out, ...shards().slice(0, 2), join(root, 'never-started')]);
    expect(r.code).toBe(1);
    const s = json(r.stdout);
    expect(s).toMatchObject({ total: 6, done: 4, missing: 2, duplicates: 0, absent: [join(root, 'never-started')] });
    const resumed = await runCli(['trainability', ...TINY, '--out', out, '--json']);
    expect(json(resumed.stdout)).toMatchObject({ resumed: 4, trained: 2, done: 6 });
    expect(cellsOf(out)).toEqual(full);
  });

  it('reports a cell found in two shards as a duplicate and keeps one copy', async () => {
    const out = join(root, 'dup');
    const r = await runCli(['merge', '--json', '--out', out, ...shards(), join(root, 'full')]);
    expect(r.code, r.stderr).toBe(0);
    const s = json(r.stdout);
    expect(s).toMatchObject({ done: 6, missing: 0, duplicates: 6 });
    expect((s.duplicateCells as { identical: boolean }[]).every((d) => d.identical)).toBe(true);
    expect(cellsOf(out)).toEqual(full);
  });

  it('names a torn or corrupt shard store, merges the rest, and leaves the shard as it was', async () => {
    const bad = join(root, 'corrupt');
    await runCli(['trainability', ...TINY, '--shard', '0/3', '--out', bad]);
    const path = join(bad, CELLS_FILE);
    const [first, second] = readFileSync(path, 'utf8').trim().split('\n');
    writeFileSync(path, `${first}\n{"not":"a cell"}\n${second}\n`);
    appendFileSync(path, '{"sigmaW2":1,"de'); // a torn tail
    const before = readFileSync(path, 'utf8');
    const out = join(root, 'from-corrupt');
    const r = await runCli(['merge', '--json', '--out', out, bad, ...shards().slice(1)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`${path} line 2: not a cell record`);
    expect(r.stderr).toContain(`${path} line 4: torn last line`);
    expect(json(r.stdout)).toMatchObject({ done: 6, missing: 0 });
    expect(cellsOf(out)).toEqual(full);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses shards of different sweeps and an output holding another sweep: exit 2, nothing written', async () => {
    const other = join(root, 'other');
    await runCli(['trainability', ...TINY.map((a) => (a === '4' ? '5' : a)), '--shard', '0/3', '--out', other]);
    const out = join(root, 'refused');
    const r = await runCli(['merge', '--out', out, ...shards(), other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/different sweeps \(steps differ\)/);
    expect(existsSync(out)).toBe(false);

    const r2 = await runCli(['merge', '--out', other, ...shards()]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/holds another sweep/);
    expect(readdirSync(other).sort()).toEqual(['cells.jsonl', 'shard.json', 'sweep.json']);

    const r3 = await runCli(['merge', '--out', out]);
    expect(r3.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });
});
