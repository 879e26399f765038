import { depthOverXiMap, activationNames, pairRecursion } from './src-shared/theory/meanfield';
const xs = Array.from({length: 200}, (_, i) => 0.25 + (4 / 200) * (i + 0.5));
const ds = Array.from({length: 120}, (_, j) => 0.5 * (j + 0.5));
for (const a of activationNames()) for (const b of [0, 0.05, 0.5]) {
  const t0 = performance.now();
  const m = depthOverXiMap(a, xs, b, ds);
  const t1 = performance.now();
  const pr = pairRecursion(a, 1.5, b, 1.5 + b, 0.3, 100);
  const t2 = performance.now();
  const none = Array.from(m.status).filter((s) => s === 3).length;
  console.log(a, b, (t1 - t0).toFixed(1), 'ms map; pair100', (t2 - t1).toFixed(1), 'ms; none cols', none);
}
