// The renderer starts a same-origin module Web Worker (the neural-collapse tab's simulator). Under CSP Level 3 a
// worker's script is governed by the first of worker-src, child-src, script-src, default-src that the policy has:
// both the header (web host, app://) and index.html's <meta> policy must allow 'self' there, and nothing looser.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from './csp';

function directives(policy: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !map.has(name)) map.set(name.toLowerCase(), sources);
  }
  return map;
}

/** The sources that govern a dedicated worker's script (CSP Level 3, §6.1.6 worker-src fallback). */
function workerSources(policy: string): string[] | undefined {
  const d = directives(policy);
  for (const name of ['worker-src', 'child-src', 'script-src', 'default-src']) if (d.has(name)) return d.get(name);
  return undefined;
}

describe('CSP and Web Workers', () => {
  it("the header policy lets same-origin workers load ('self'), not blob: or data: workers", () => {
    const sources = workerSources(contentSecurityPolicy(['ws://127.0.0.1:5173']));
    expect(sources).toEqual(["'self'"]);
  });

  it("index.html's meta policy does the same", () => {
    const html = readFileSync(new URL('../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    expect(workerSources(meta![1])).toEqual(["'self'"]);
  });
});
