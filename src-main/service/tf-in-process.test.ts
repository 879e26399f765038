// The CLI's in-thread TensorFlow.js tasks run one at a time in submission order (as on a pool of one worker), so
// tasks submitted together never interleave at their checkpoints; each gives what it gives alone.
import { describe, expect, it } from 'vitest';
import type { NtkTaskParams, NtkTaskResult } from '../tf/tasks';
import { InProcessTf } from './tf-in-process';

describe('InProcessTf', () => {
  it('runs tasks submitted together one after another, each with the result it has alone', async () => {
    const tf = new InProcessTf('wasm');
    const task = (seed: number): NtkTaskParams => ({ sigmaW2: 2, widths: [4, 6, 6], samples: 20, seed, batchSize: 5 });
    const seen: string[] = [];
    const run = (name: string, seed: number) =>
      tf.run<NtkTaskResult>('ntk', task(seed), {
        onProgress: (p) => seen.push(`${name}:${(p as { done: number }).done}`),
      });
    const [a, b] = await Promise.all([run('a', 1), run('b', 2)]);
    expect(seen).toEqual(['a:5', 'a:10', 'a:15', 'a:20', 'b:5', 'b:10', 'b:15', 'b:20']);
    expect(Array.from((await run('b', 2)).theta)).toEqual(Array.from(b.theta));
    expect(a.theta).toHaveLength(20);
  });
});
