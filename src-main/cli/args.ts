// Strict flag parsing shared by the commands: node:util parseArgs (unknown flags and missing values are errors),
// no repeated flags, and numbers that are numbers ("1e3x", "", "NaN", "Infinity" are rejected).
import { accessSync, constants, existsSync, realpathSync, statSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import {
  depthSchema,
  inputDimFromAlpha0,
  inputDimSchema,
  LIMITS,
  sigmaW2Schema,
  widthSchema,
  type Network,
} from '../../src-shared/params';
import { UsageError } from './command';
import { checkTfWorkers } from '../tf/tf-pool';
import { fieldsAsFlags, kebab } from './flag-names';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * `--width -5` → `--width=-5`: node's parseArgs takes a value starting with '-' for a flag ("argument is
 * ambiguous"); a negative number is a value, and our own range check then names the flag.
 */
function joinNegativeValues(args: string[], spec: FlagSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = args[i].startsWith('--') ? args[i].slice(2) : undefined;
    if (name !== undefined && spec[name]?.type === 'string' && /^-(\d|\.\d)/.test(args[i + 1] ?? '')) {
      out.push(`${args[i]}=${args[i + 1]}`);
      i++;
    } else out.push(args[i]);
  }
  return out;
}

/** Parse `args` against `spec`; every problem becomes a UsageError that names the flag. */
export function parseFlags(args: string[], spec: FlagSpec): FlagValues {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(args, spec),
      options: spec,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\s*\n\s*/g, ' '));
  }
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once`);
    seen.add(token.name);
  }
  return parsed.values as FlagValues;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A finite decimal number, or a UsageError naming the flag. */
export function parseNumber(flag: string, text: string): number {
  if (!DECIMAL.test(text)) throw new UsageError(`--${flag}: expected a number, got ${JSON.stringify(text)}`);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${flag}: ${text} is out of range`);
  return value;
}

/** An integer ("1e4" is fine, "2.5" is not). */
export function parseInteger(flag: string, text: string): number {
  const value = parseNumber(flag, text);
  if (!Number.isSafeInteger(value)) throw new UsageError(`--${flag}: expected an integer, got ${JSON.stringify(text)}`);
  return value;
}

/** "v1,v2,…" as finite numbers, each entry trimmed; a UsageError naming the flag for a bad entry. */
export function parseNumberList(flag: string, text: string): number[] {
  return text.split(',').map((t) => parseNumber(flag, t.trim()));
}

/** "n1,n2,…" as integers, each entry trimmed; a UsageError naming the flag for a bad entry. */
export function parseIntegerList(flag: string, text: string): number[] {
  return text.split(',').map((t) => parseInteger(flag, t.trim()));
}

/** Check a parsed value against the shared parameter schema; its message is prefixed with the flag. */
export function checked<T>(flag: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const why = result.error.issues.map((i) => i.message).join('; ');
    throw new UsageError(`--${flag}: ${fieldsAsFlags(why, (field) => kebab(field) === flag)}`);
  }
  return result.data;
}

export function requireString(values: FlagValues, flag: string): string {
  const v = values[flag];
  if (typeof v !== 'string') throw new UsageError(`--${flag} is required`);
  return v;
}

export function optionalString(values: FlagValues, flag: string): string | undefined {
  const v = values[flag];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Copies optional flags into a params object under their contract names, for commands that hand the whole object to
 * a shared zod parser: `text` as given, `number` parsed (an integer with `integer`); absent flags leave it unset.
 */
export function flagCopier(
  values: FlagValues,
  into: Record<string, unknown>,
): { text(flag: string, key: string): void; number(flag: string, key: string, integer?: boolean): void } {
  return {
    text(flag, key) {
      const t = optionalString(values, flag);
      if (t !== undefined) into[key] = t;
    },
    number(flag, key, integer = false) {
      const t = optionalString(values, flag);
      if (t !== undefined) into[key] = integer ? parseInteger(flag, t) : parseNumber(flag, t);
    },
  };
}

/** An optional flag whose value must be one of `allowed` (undefined when the flag is absent). */
export function choice<T extends string>(flag: string, text: string | undefined, allowed: readonly T[]): T | undefined {
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${flag}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`);
  return text as T;
}

/**
 * The flags that fix a network (Seleznova & Kutyniok 2022, §2): σ_w², L, M and n₀ given directly or as α₀ = n₀/M
 * (default 1).
 */
export const NETWORK_FLAGS = {
  'sigma-w2': { type: 'string' },
  depth: { type: 'string' },
  width: { type: 'string' },
  alpha0: { type: 'string' },
  'input-dim': { type: 'string' },
} as const satisfies FlagSpec;

export const NETWORK_USAGE = `  --sigma-w2 <v>     weight variance σ_w² (> 0, ≤ ${LIMITS.sigmaW2Max}; 2 is the edge of chaos for ReLU)
  --depth <L>        number of weight layers (integer 1–${LIMITS.depthMax})
  --width <M>        hidden width (integer 1–${LIMITS.widthMax})
  --alpha0 <v>       input dimension as a multiple of the width, n₀ = round(α₀·M) (> 0, default 1)
  --input-dim <n0>   input dimension n₀ directly (integer 1–${LIMITS.inputDimMax}; instead of --alpha0)`;

export function parseNetwork(values: FlagValues): Network {
  const sigmaW2 = checked('sigma-w2', sigmaW2Schema, parseNumber('sigma-w2', requireString(values, 'sigma-w2')));
  const depth = checked('depth', depthSchema, parseInteger('depth', requireString(values, 'depth')));
  const width = checked('width', widthSchema, parseInteger('width', requireString(values, 'width')));
  const alpha0Text = optionalString(values, 'alpha0');
  const inputDimText = optionalString(values, 'input-dim');
  if (alpha0Text !== undefined && inputDimText !== undefined) {
    throw new UsageError('--alpha0 and --input-dim both set the input dimension: give one of them');
  }
  let inputDim: number;
  if (inputDimText !== undefined) {
    inputDim = checked('input-dim', inputDimSchema, parseInteger('input-dim', inputDimText));
  } else {
    const alpha0 = alpha0Text === undefined ? 1 : parseNumber('alpha0', alpha0Text);
    if (alpha0 <= 0) throw new UsageError(`--alpha0: must be > 0 (got ${alpha0Text})`);
    inputDim = checked('alpha0', inputDimSchema, inputDimFromAlpha0(alpha0, width));
  }
  return { sigmaW2, depth, width, inputDim };
}

/** `--workers <n>`: TensorFlow.js workers (undefined when absent: one per core); 0, negative, absurd → UsageError. */
export function parseTfWorkersFlag(values: FlagValues): number | undefined {
  const text = optionalString(values, 'workers');
  if (text === undefined) return undefined;
  try {
    return checkTfWorkers(parseInteger('workers', text), '--workers');
  } catch (err) {
    throw err instanceof UsageError ? err : new UsageError((err as Error).message);
  }
}

/** Filesystem types (statfs f_type) that hold no files of ours: procfs, sysfs, cgroup, cgroup2, debugfs. */
const VIRTUAL_FS = new Set([0x9fa0, 0x62656572, 0x27e0eb, 0x63677270, 0x64626720]);

/**
 * A directory the command will create or reuse (--out), checked before Node's recursive mkdir, which hangs under
 * /proc: its nearest existing ancestor must be a writable directory on a real filesystem. Returns the path as given.
 */
export function checkOutDir(flag: string, dir: string): string {
  if (dir.length === 0) throw new UsageError(`--${flag}: expected a directory, got an empty path`);
  let probe = resolve(dir);
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  let real: string;
  try {
    real = realpathSync(probe);
    if (!statSync(real).isDirectory()) throw new UsageError(`--${flag}: ${probe} exists and is not a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--${flag}: cannot use ${dir}: ${(err as Error).message}`);
  }
  let virtual = /^\/(proc|sys)(\/|$)/.test(real);
  try {
    virtual ||= VIRTUAL_FS.has(Number(statfsSync(real).type));
  } catch {
    // statfs unsupported here: the path test above stands
  }
  if (virtual) throw new UsageError(`--${flag}: ${dir} is on a virtual filesystem (${real}); give a directory on disk`);
  try {
    accessSync(real, constants.W_OK);
  } catch {
    throw new UsageError(`--${flag}: ${real} is not writable`);
  }
  return dir;
}
