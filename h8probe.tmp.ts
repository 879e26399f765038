import { theoryColumns, runFor, depthScaleContours, ntkAlongDepth, spectrumRows, asymptoteRows } from './src-renderer/lib/trainability-view';
import { meanfieldPoint } from './src-shared/theory/meanfield';
for (const a of ['relu','tanh','erf','gelu','selu','sigmoid','linear']) {
  const t0 = performance.now();
  const r = runFor(theoryColumns(a, 0.05, [0.25, 4.25], 160), 1e9);
  const t1 = performance.now();
  if (!r.done) throw 1;
  const c = depthScaleContours(r.value, 6, [0, 60], 'depth', 128, 120);
  const t2 = performance.now();
  console.log(a, (t1-t0).toFixed(0), 'ms cols', (t2-t1).toFixed(0), 'ms contours', c.ordered.length, c.chaotic.length, c.ordered.map(l=>l.length), c.chaotic.map(l=>l.length));
  let worst = 0;
  for (const [side, key] of [['ordered','xi1'],['chaotic','xiStar']] as const) for (const line of c[side]) for (const [x,y] of line) {
    const p = meanfieldPoint(a, x, 0.05); const xi = p[key]; if (xi===null) { console.log('null at', x, y, side); continue; }
    worst = Math.max(worst, Math.abs(y - 6*xi));
  }
  console.log('  worst |y - c xi|', worst.toFixed(3));
}
const run = <T,>(g: Generator<unknown,T>) => { const r = runFor(g, 1e9); if (!r.done) throw 1; return r.value; };
const m = 12;
for (const L of [100, 1000, 4000]) {
  const cur = run(ntkAlongDepth('relu', 2, 0, 0.5, L));
  const s = spectrumRows({layers: [cur.layers[L-1]], beyondFloat64At: null}, m)[0];
  const a = asymptoteRows('relu', 2, 0, m, [L])![0];
  console.log(L, s, a, (m+3)/3);
}
for (const L of [100, 1000]) {
  const cur = run(ntkAlongDepth('erf', 1.7578, 0.1849, 0.5, L));
  const s = spectrumRows({layers: [cur.layers[L-1]], beyondFloat64At: null}, m)[0];
  const a = asymptoteRows('erf', 1.7578, 0.1849, m, [L])![0];
  console.log('erf', L, s, a, (m+2)/2);
}
const t0=performance.now(); run(ntkAlongDepth('gelu', 1.5, 0.1, 0.5, 100)); console.log('gelu 100 layers', performance.now()-t0);
