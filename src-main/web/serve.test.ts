// `npm run serve` as the e2e specs use it: a subprocess that prints one URL line and stops cleanly on a signal.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { makeRendererDir } from './test-renderer.test-util';

const dirs = makeRendererDir();
afterAll(() => dirs.cleanup());
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
const serveTs = new URL('./serve.ts', import.meta.url).pathname;

function startServe(args: string[]) {
  const child = spawn(process.execPath, [tsxCli, serveTs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const firstLine = new Promise<string>((resolve, reject) => {
    const check = (): void => {
      if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
    };
    child.stdout.on('data', check);
    void exited.then((code) => reject(new Error(`serve exited (${code}) before printing: ${stderr}`)));
  });
  firstLine.catch(() => undefined); // only the tests that expect a line await it
  return { child, firstLine, exited, output: () => ({ stdout, stderr }) };
}

describe('serve.ts', () => {
  it('prints exactly one URL line, serves a working lab there, and exits 0 on SIGTERM', async () => {
    const run = startServe(['--renderer-dir', dirs.rendererDir]);
    const line = await run.firstLine;
    const match = /^NTK Phase Lab \(web mode\): (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64}))$/.exec(line);
    expect(match, line).not.toBeNull();
    const [, url, port, token] = match!;
    expect((await fetch(url!)).status).toBe(200);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    const reply = await new Promise<unknown>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ kind: 'request', id: 'q', method: 'lab.info' })));
      ws.once('message', (d) => resolve(JSON.parse(String(d))));
      ws.once('error', reject);
    });
    expect(reply).toMatchObject({ id: 'q', ok: true, result: { transport: 'websocket' } });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output().stdout.trim().split('\n')).toHaveLength(1);
  });

  it('fails with a readable message and exit code 1 on a bad flag or a missing build', async () => {
    const bad = startServe(['--port', 'x']);
    expect(await bad.exited).toBe(1);
    expect(bad.output().stderr).toMatch(/--port must be an integer/);
    const missing = startServe(['--renderer-dir', `${dirs.root}/nothing`]);
    expect(await missing.exited).toBe(1);
    expect(missing.output().stderr).toMatch(/npm run build/);
    expect(missing.output().stdout).toBe('');
  });
});
