import { describe, expect, it } from 'vitest';
import { LatestJobRunner, type WorkerLike, type WorkerRequest, type WorkerResponse } from './collapse-worker-protocol';
import { DEFAULT_COLLAPSE_PARAMS } from './collapse-view';

class FakeWorker implements WorkerLike {
  posted: WorkerRequest[] = [];
  terminated = false;
  onmessage: ((e: { data: WorkerResponse }) => void) | null = null;
  onerror: ((e: { message?: string }) => void) | null = null;
  postMessage(m: WorkerRequest): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(data: WorkerResponse): void {
    this.onmessage?.({ data });
  }
}

function setup() {
  const made: FakeWorker[] = [];
  const runner = new LatestJobRunner(() => {
    const w = new FakeWorker();
    made.push(w);
    return w;
  });
  return { made, runner };
}

const job = { kind: 'collapse', params: DEFAULT_COLLAPSE_PARAMS } as const;

describe('LatestJobRunner', () => {
  it('posts the job to one worker and resolves with its answer; the worker is reused', async () => {
    const { made, runner } = setup();
    const p = runner.run(job);
    expect(runner.busy).toBe(true);
    expect(made.length).toBe(1);
    const { id } = made[0].posted[0];
    made[0].reply({ id, ok: false, error: 'boom' });
    expect(await p).toEqual({ status: 'error', message: 'boom' });
    expect(runner.busy).toBe(false);
    const p2 = runner.run(job);
    expect(made.length).toBe(1);
    const id2 = made[0].posted[1].id;
    expect(id2).not.toBe(id);
    made[0].reply({ id: id2, ok: true, result: {} as never, millis: 12 });
    expect(await p2).toEqual({ status: 'done', result: {}, millis: 12 });
  });

  it('a new job terminates the busy worker: the old one resolves superseded, the new one runs on a fresh worker', async () => {
    const { made, runner } = setup();
    const first = runner.run(job);
    const second = runner.run(job);
    expect(await first).toEqual({ status: 'superseded' });
    expect(made[0].terminated).toBe(true);
    expect(made.length).toBe(2);
    // a late answer of the terminated worker changes nothing
    made[0].reply({ id: made[0].posted[0].id, ok: false, error: 'late' });
    made[1].reply({ id: made[1].posted[0].id, ok: false, error: 'second' });
    expect(await second).toEqual({ status: 'error', message: 'second' });
  });

  it('a worker error fails the job and the worker is replaced on the next run', async () => {
    const { made, runner } = setup();
    const p = runner.run(job);
    made[0].onerror?.({ message: 'syntax error' });
    expect(await p).toEqual({ status: 'error', message: 'the worker failed: syntax error' });
    expect(made[0].terminated).toBe(true);
    void runner.run(job);
    expect(made.length).toBe(2);
    runner.dispose();
    expect(made[1].terminated).toBe(true);
  });
});
