import { theoryColumns, runFor, depthScaleContours } from './src-renderer/lib/trainability-view';
import { meanfieldPoint } from './src-shared/theory/meanfield';
for (const a of ['relu','tanh','erf','gelu','selu','sigmoid','linear']) for (const b of [0, 0.05]) {
  const nx = 160, ny = 120, x: [number,number] = [0.25, 4.25], y: [number,number] = [0, 60];
  const r = runFor(theoryColumns(a, b, x, nx), 1e9); if (!r.done) throw 1;
  const c = depthScaleContours(r.value, 6, y, 'depth', 128, ny);
  const dx = (x[1]-x[0])/nx, dy = (y[1]-y[0])/ny;
  let bad = 0, n = 0; const ex: string[] = [];
  for (const [side, key] of [['ordered','xi1'],['chaotic','xiStar']] as const) for (const line of c[side]) for (const [xv,yv] of line) {
    n++;
    const f = (s: number) => { const p = meanfieldPoint(a, s, b); const v = p[key]; return v === null ? (p.phase === 'critical' ? Infinity : NaN) : 6*v; };
    const lo = f(Math.max(1e-3, xv - dx)), hi = f(xv + dx);
    const vals = [lo, hi, f(xv)].filter(v => !Number.isNaN(v));
    const mn = Math.min(...vals) - dy, mx = Math.max(...vals) + dy;
    if (!(yv >= mn && yv <= mx)) { bad++; if (ex.length < 3) ex.push(`${side} (${xv.toFixed(4)}, ${yv.toFixed(3)}) vs [${lo}, ${hi}]`); }
  }
  console.log(a, b, 'lines', c.ordered.length, c.chaotic.length, 'bad', bad, '/', n, ex.join(' | '));
}
