// The lab's state: the URL hash codec, the saved-state / lab-file envelope and undo, all over the one table of
// inputs in lab-inputs.ts (lab-store.svelte.ts binds it to the panels). Pure: no DOM, unit-tested. A link or file
// can never apply a value its schema refuses.
import { z } from 'zod';
import { LAB_INPUTS } from './lab-inputs';

export { LAB_INPUTS, VIEWS, type InputDecl, type View } from './lab-inputs';

export type InputKey = keyof typeof LAB_INPUTS;
export type LabValues = { [K in InputKey]: (typeof LAB_INPUTS)[K]['default'] };
export type PartialValues = { -readonly [K in InputKey]?: LabValues[K] };
export const INPUT_KEYS = Object.keys(LAB_INPUTS) as InputKey[];

export function defaultValues(): LabValues {
  const out: Record<string, unknown> = {};
  for (const k of INPUT_KEYS) out[k] = structuredClone(LAB_INPUTS[k].default);
  return out as LabValues;
}

/** Equal as stored: the JSON text (inputs are plain numbers, strings, booleans, arrays and records). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const isInputKey = (k: string): k is InputKey => Object.hasOwn(LAB_INPUTS, k);

function issueText(err: z.ZodError): string {
  const i = err.issues[0];
  const where = i.path.length ? ` at ${i.path.join('.')}` : '';
  return `${i.message}${where}`;
}

/** A value checked against its key's schema: the value, or why it is refused. */
export function checkValue(key: string, value: unknown): { ok: true; key: InputKey; value: unknown } | string {
  if (!isInputKey(key)) return `unknown setting “${short(key)}”`;
  const r = LAB_INPUTS[key].schema.safeParse(value);
  return r.success
    ? { ok: true, key, value: r.data }
    : `${key} = ${short(JSON.stringify(value))}: ${issueText(r.error)}`;
}

/** Values that pass their schemas; every other entry becomes a readable problem (never applied). */
export function validateValues(raw: unknown): { values: PartialValues; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { values, problems: ['not an object'] };
  for (const [k, v] of Object.entries(raw)) {
    const r = checkValue(k, v);
    if (typeof r === 'string') problems.push(r);
    else values[r.key] = r.value;
  }
  return { values: values as PartialValues, problems };
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

// ---------------------------------------------------------------------------------------------------------------
// The URL hash: `#v=1&sigmaW2=3&width=300&tab=gd-step` — only values that differ from the defaults, numbers and
// words as plain text, arrays and records as JSON. Never the access token (web mode keeps it in `?token=`).

export const HASH_VERSION = 1;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function encodeHash(values: LabValues): string {
  const p = new URLSearchParams();
  p.set('v', String(HASH_VERSION));
  for (const k of INPUT_KEYS) {
    const v = values[k];
    if (sameValue(v, LAB_INPUTS[k].default)) continue;
    p.set(k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
  }
  return p.toString();
}

/** Text of one hash entry as the value its key expects (typed by the default), before the schema check. */
function parseText(key: InputKey, text: string): unknown {
  const def: unknown = LAB_INPUTS[key].default;
  if (text === 'null') return null;
  if (typeof def === 'number' || (def === null && DECIMAL.test(text))) return DECIMAL.test(text) ? Number(text) : text;
  if (typeof def === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (typeof def === 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The settings of a hash (with or without its '#'); unknown keys and invalid values become problems. */
export function decodeHash(hash: string): { values: PartialValues; problems: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const v = p.get('v');
  if (v !== null && v !== String(HASH_VERSION)) problems.push(`link version ${short(v)} is not ${HASH_VERSION}`);
  for (const [k, text] of p) {
    if (k === 'v') continue;
    if (k === 'token') {
      problems.push('an access token does not belong in the link state: ignored');
      continue;
    }
    if (!isInputKey(k)) {
      problems.push(`unknown setting “${short(k)}”`);
      continue;
    }
    const r = checkValue(k, parseText(k, text));
    if (typeof r === 'string') problems.push(r);
    else values[k] = r.value;
  }
  return { values: values as PartialValues, problems };
}

/** A link to share: this page's address without its query (the access token lives there) and with the state. */
export function shareLink(location: { origin: string; pathname: string }, values: LabValues): string {
  return `${location.origin}${location.pathname}#${encodeHash(values)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Saved state (the browser's storage) and lab files share one envelope, versioned and validated.

export const LAB_FILE_FORMAT = 'ntk-phase-lab';
export const LAB_FILE_VERSION = 1;

export interface LabFile {
  format: typeof LAB_FILE_FORMAT;
  version: typeof LAB_FILE_VERSION;
  /** The app version that wrote it. */
  app: string;
  savedAt: string;
  inputs: PartialValues;
  /** Finished results by key (see lab-results.ts): validated by their owners when restored. */
  results: Record<string, unknown>;
}

const envelopeSchema = z.object({
  format: z.literal(LAB_FILE_FORMAT),
  version: z.number(),
  app: z.string().optional(),
  savedAt: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()),
  results: z.record(z.string(), z.unknown()).optional(),
});

export function labFile(values: LabValues, results: Record<string, unknown>, app: string, now: Date): LabFile {
  const inputs: Record<string, unknown> = {};
  for (const k of INPUT_KEYS) if (!sameValue(values[k], LAB_INPUTS[k].default)) inputs[k] = values[k];
  return {
    format: LAB_FILE_FORMAT,
    version: LAB_FILE_VERSION,
    app,
    savedAt: now.toISOString(),
    inputs: inputs as PartialValues,
    results,
  };
}

export type ParsedLabFile =
  | { ok: true; values: PartialValues; results: Record<string, unknown>; problems: string[] }
  | { ok: false; error: string };

/** A lab file or saved state from its text: refused as a whole when it is not one, per entry when a value is bad. */
export function parseLabFile(text: string): ParsedLabFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const env = envelopeSchema.safeParse(raw);
  if (!env.success) return { ok: false, error: `not an NTK Phase Lab file (${issueText(env.error)})` };
  if (env.data.version !== LAB_FILE_VERSION) {
    return { ok: false, error: `file version ${env.data.version} is not ${LAB_FILE_VERSION}` };
  }
  const { values, problems } = validateValues(env.data.inputs);
  return { ok: true, values, results: env.data.results ?? {}, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Undo: the state before each change; changes closer together than `groupMs` (a drag, a held arrow key) are one.

export class UndoHistory {
  #stack: LabValues[] = [];
  #last = Number.NEGATIVE_INFINITY;
  constructor(
    readonly groupMs = 600,
    readonly depth = 100,
  ) {}
  /** Record that the state `before` is about to change at time `now` (ms). */
  change(before: LabValues, now: number): void {
    if (now - this.#last > this.groupMs) {
      this.#stack.push(structuredClone(before));
      if (this.#stack.length > this.depth) this.#stack.shift();
    }
    this.#last = now;
  }
  /** Record a change that is a step of its own (reset, a file or link applied, …). */
  step(before: LabValues): void {
    this.#last = Number.NEGATIVE_INFINITY;
    this.change(before, 0);
    this.#last = Number.NEGATIVE_INFINITY;
  }
  /** The state to go back to (null when there is none); the next change starts a new step. */
  undo(): LabValues | null {
    this.#last = Number.NEGATIVE_INFINITY;
    return this.#stack.pop() ?? null;
  }
  get size(): number {
    return this.#stack.length;
  }
}
