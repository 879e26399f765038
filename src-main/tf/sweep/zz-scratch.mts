import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend';
import { Mlp, makeOptimizer } from '../train/mlp';
import { kernelRecursion } from '../../../src-shared/theory/meanfield/recursions';
import { symmetricEigenvalues } from '../../../src-shared/theory/meanfield/spectrum';
const info = await initBackend({ prefer: (process.argv[2] as any) ?? 'wasm' });
console.log(info.name, info.device);
for (const M of [64, 128, 256]) for (const L of [2, 10, 30]) {
  const net = new Mlp({ widths: [784, ...Array(L - 1).fill(M), 10], activation: 'relu', sigmaW2: 1.5, sigmaB2: 0, parametrization: 'ntk', seed: 1 });
  const opt = makeOptimizer('sgd', 1e-3);
  const bs = 128;
  const x = tf.randomUniform([bs, 784]) as tf.Tensor2D; const y = tf.cast(tf.oneHot(tf.randomUniform([bs], 0, 10, 'int32') as tf.Tensor1D, 10), 'float32') as tf.Tensor2D;
  net.trainStep(opt, x, y, 'mse');
  const t = performance.now(); for (let i = 0; i < 10; i++) net.trainStep(opt, x, y, 'mse'); const ts = (performance.now() - t) / 10;
  console.log(`M=${M} L=${L} batch=${bs} step ${ts.toFixed(1)} ms`);
  net.dispose(); opt.dispose(); x.dispose(); y.dispose();
}
for (const act of ['relu', 'tanh', 'gelu']) for (const m of [32, 128]) {
  const g = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) g[i * m + j] = i === j ? 1 : 0.3;
  const t = performance.now();
  const r = kernelRecursion({ activation: act, sigmaW2: 1.5, sigmaB2: 0.05, gram0: g, m, depth: 10 });
  const t1 = performance.now();
  const ev = symmetricEigenvalues(r.theta, m);
  console.log(act, m, 'recursion 10 layers', (t1 - t).toFixed(0), 'ms; eig', (performance.now() - t1).toFixed(0), 'ms', ev[0]);
}
