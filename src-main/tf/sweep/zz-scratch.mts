import { initBackend } from '../backend';
import { parseTrainabilityParams } from '../../../src-shared/contract/trainability';
import { runSweep } from './runner';
const info = await initBackend({ prefer: 'wasm' });
console.log(info.name);
const p = parseTrainabilityParams({ dataset: process.argv[2] ?? 'synthetic', width: 64, steps: 200, batchSize: 64, trainSize: 1000, testSize: 500, grid: { sigmaW2: { values: [0.5, 1.5, 2, 4] }, depth: { values: [2, 10, 40] } } });
const dir = '/tmp/h6/sw-' + Date.now();
const s = await runSweep(p, dir, { emit: (pr) => console.log(JSON.stringify(pr.cell)), cancelled: () => false });
console.log(s);
