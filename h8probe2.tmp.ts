import { theoryColumns, runFor, depthScaleContours } from './src-renderer/lib/trainability-view';
const r = runFor(theoryColumns('erf', 0.05, [0.25, 4.25], 160), 1e9);
if (!r.done) throw 1;
const c = depthScaleContours(r.value, 6, [0, 60], 'depth', 128, 120);
for (const l of [...c.ordered, ...c.chaotic]) console.log(l.length, JSON.stringify(l.slice(0,3)), JSON.stringify(l.slice(-3)));
