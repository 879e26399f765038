// A throwaway "built renderer" for host tests, with secrets planted outside it that traversal must never reach.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SECRET = 'TOP-SECRET-OUTSIDE-RENDERER';

export function makeRendererDir(): { root: string; rendererDir: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ntk-lab-host-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><title>NTK Phase Lab</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("lab");');
  writeFileSync(join(rendererDir, 'assets', 'app.css'), 'body{margin:0}');
  writeFileSync(join(rendererDir, '.hidden'), SECRET);
  writeFileSync(join(root, 'package.json'), JSON.stringify({ secret: SECRET }));
  writeFileSync(join(root, 'secret.txt'), SECRET);
  return { root, rendererDir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
