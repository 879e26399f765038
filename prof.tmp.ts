import { startLab } from './e2e/harness';
import { PLANE } from './src-renderer/lib/plane';
const lab = await startLab();
const { page, close } = await lab.open();
await page.waitForTimeout(3000);
const box = (await page.getByTestId('plane-canvas').boundingBox())!;
const at = (s: number, l: number) => ({ x: box.x + ((s - PLANE.sigmaW2.min) / (PLANE.sigmaW2.max - PLANE.sigmaW2.min)) * box.width, y: box.y + (1 - (l - PLANE.depthToWidth.min) / (PLANE.depthToWidth.max - PLANE.depthToWidth.min)) * box.height });
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await cdp.send('Profiler.start');
const a = at(1, 0.2), b = at(3.5, 1.2);
await page.mouse.move(a.x, a.y); await page.mouse.down();
for (let k = 1; k <= 60; k++) { await page.mouse.move(a.x + (b.x - a.x) * k / 60, a.y + (b.y - a.y) * k / 60); }
await page.mouse.up();
await page.waitForTimeout(300);
const { profile } = await cdp.send('Profiler.stop') as any;
const self = new Map<string, number>();
const byId = new Map<number, any>(); for (const n of profile.nodes) byId.set(n.id, n);
const dt = profile.timeDeltas as number[]; const counts = new Map<number, number>();
profile.samples.forEach((id: number, i: number) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
for (const [id, us] of counts) { const n = byId.get(id); const f = n.callFrame; const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`; self.set(key, (self.get(key) ?? 0) + us); }
// inclusive by top-level-ish: aggregate by url
const byUrl = new Map<string, number>(); for (const [id, us] of counts) { const f = byId.get(id).callFrame; const u = f.url.split('/').pop() || f.functionName; byUrl.set(u, (byUrl.get(u) ?? 0) + us); }
console.log([...self].sort((x, y) => y[1] - x[1]).slice(0, 25).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
console.log('--'); console.log([...byUrl].sort((x, y) => y[1] - x[1]).slice(0, 8).map(([k, v]) => `${(v / 1000).toFixed(0)}ms ${k}`).join('\n'));
await close(); await lab.close();
