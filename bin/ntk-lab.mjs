#!/usr/bin/env node
// `ntk-lab`: the CLI is TypeScript (src-main/cli); tsx's ESM hooks load it in this same process.
// Paths are resolved from this file, so it works from any working directory.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import(new URL('../src-main/cli/main.ts', import.meta.url).href);
await runProcess(process.argv.slice(2));
