import { describe, expect, it } from 'vitest';
import type { LabInfo } from '../../src-shared/contract/messages';
import { parseField } from './fields';
import { tfWorkersRule, tfWorkersSummary } from './tf-workers-setting';

const base: LabInfo = { version: 't', contractVersion: 1, backend: 'b', workers: 2, transport: 'websocket' };

describe('TF worker setting', () => {
  it('accepts whole counts from 1 to the service max and names the field otherwise', () => {
    const rule = tfWorkersRule(8);
    expect(parseField('1', rule)).toEqual({ ok: true, value: 1 });
    expect(parseField('8', rule)).toEqual({ ok: true, value: 8 });
    for (const bad of ['0', '9', '2.5', '-1', 'abc', '', '1e9']) {
      const r = parseField(bad, rule);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(/^TF workers /);
    }
  });

  it('says how many run: the setting on wasm, one on a GPU backend, the setting while detecting', () => {
    expect(tfWorkersSummary(base)).toBeNull(); // a service without the setting (test fakes)
    const wasm: LabInfo = {
      ...base,
      tfWorkers: { setting: 3, max: 8 },
      tensorflow: { state: 'ready', backend: 'wasm', fallbacks: [], workers: 3 },
    };
    expect(tfWorkersSummary(wasm)).toMatchObject({ setting: 3, max: 8, running: 3, text: 'TF workers: 3' });
    const gpu: LabInfo = { ...wasm, tensorflow: { state: 'ready', backend: 'webgpu', fallbacks: [], workers: 1 } };
    const s = tfWorkersSummary(gpu)!;
    expect(s.text).toBe('TF workers: 1 of 3');
    expect(s.note).toMatch(/webgpu backend runs one worker/);
    const detecting: LabInfo = { ...wasm, tensorflow: { state: 'detecting', fallbacks: [] } };
    expect(tfWorkersSummary(detecting)).toMatchObject({ running: null, text: 'TF workers: 3' });
  });
});
