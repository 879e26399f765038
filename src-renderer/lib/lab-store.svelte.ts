// The live lab state: panels bind each declared input (lab-state.ts) with one line,
//   bindInput('width', { get: () => width, set: (v) => (width = v) });
// and finished results they want kept with bindResult. From then on the URL hash follows the state (debounced,
// replaceState), the browser keeps it across reloads (localStorage), undo, reset and lab files apply to it, and a
// link or saved state is restored on load — every value checked by its schema first, refused ones named in a notice.
import { untrack } from 'svelte';
import {
  decodeHash,
  defaultValues,
  encodeHash,
  INPUT_KEYS,
  labFile,
  parseLabFile,
  sameValue,
  shareLink,
  UndoHistory,
  type InputKey,
  type LabValues,
  type PartialValues,
} from './lab-state';

export const STORAGE_KEY = 'ntk-phase-lab/state';
const URL_DEBOUNCE_MS = 250;
const SAVE_DEBOUNCE_MS = 400;

export interface LabNotice {
  tone: 'info' | 'warn';
  text: string;
  /** One line per ignored value or problem. */
  details: string[];
}

/** What a panel's finished result contributes: `get` a JSON-safe snapshot (null: nothing to keep), `set` restores
 * one (returns why it was refused, or null). */
export interface ResultBinding {
  get: () => unknown;
  set: (value: unknown) => string | null;
}

/** How the store reads a panel's input and sets it (on load, undo, reset, a link or a file). */
export interface InputAccess<T> {
  get: () => T;
  set: (v: T) => void;
}

type Setter = (v: never) => void;

class LabStore {
  #values: LabValues = defaultValues();
  #setters = new Map<InputKey, Set<Setter>>();
  #results = new Map<string, ResultBinding>();
  /** Results read from storage or a file whose panel has not bound yet (e.g. a tab not opened). */
  #pendingResults: Record<string, unknown> = {};
  #history = new UndoHistory();
  #urlTimer: ReturnType<typeof setTimeout> | undefined;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  notice = $state<LabNotice | null>(null);
  canUndo = $state(false);
  appVersion = '';

  /** Read the link (or else the saved state) once, before the panels bind. */
  start(appVersion: string): void {
    if (this.#started) return;
    this.#started = true;
    this.appVersion = appVersion;
    const saved = readStorage();
    if (saved.kind === 'ok') this.#pendingResults = saved.results;
    const hash = location.hash;
    if (hash.length > 1) {
      const r = decodeHash(hash);
      this.#values = { ...defaultValues(), ...structuredClone(r.values) };
      if (r.problems.length) this.#warn('Some settings in this link were ignored; the defaults are kept for them.', r);
    } else if (saved.kind === 'ok') {
      this.#values = { ...defaultValues(), ...structuredClone(saved.values) };
      if (saved.problems.length) {
        this.#warn('Some saved settings were invalid and were ignored; the defaults are kept for them.', saved);
      }
    } else if (saved.kind === 'bad') {
      this.notice = {
        tone: 'warn',
        text: 'The lab state saved in this browser could not be read and was ignored; the defaults are used.',
        details: [saved.error],
      };
    }
    window.addEventListener('hashchange', () => this.#fromHash());
    window.addEventListener('pagehide', () => this.flush());
    window.addEventListener('keydown', (e) => this.#onKey(e));
  }

  /** Bind one input: it takes the lab's value now, and every later change of it is recorded. */
  bindInput<K extends InputKey>(key: K, { get, set }: InputAccess<LabValues[K]>): void {
    let setters = this.#setters.get(key);
    // bookkeeping, not UI state: nothing renders from it, so a plain Set
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    if (!setters) this.#setters.set(key, (setters = new Set()));
    setters.add(set as Setter);
    const current = this.#values[key];
    if (!sameValue(untrack(get), current)) set(structuredClone(current));
    $effect(() => {
      const v = $state.snapshot(get()) as LabValues[K];
      untrack(() => this.#changed(key, v));
    });
    $effect(() => () => setters.delete(set as Setter));
  }

  /** Keep a panel's finished result in the saved state and lab files; restored when the panel binds. */
  bindResult(key: string, binding: ResultBinding): void {
    this.#results.set(key, binding);
    if (Object.hasOwn(this.#pendingResults, key)) {
      const value = this.#pendingResults[key];
      delete this.#pendingResults[key];
      const refused = binding.set(value);
      if (refused)
        this.#warn('A kept result could not be restored and was dropped.', { problems: [`${key}: ${refused}`] });
    }
    $effect(() => {
      binding.get();
      untrack(() => this.#schedule(false));
    });
    $effect(() => () => this.#results.delete(key));
  }

  #changed<K extends InputKey>(key: K, v: LabValues[K]): void {
    if (sameValue(this.#values[key], v)) return;
    // the history keeps its own copy of the state before the change, so the change is made in place: a copy of every
    // input per change was the largest allocation of a drag (two per cursor step; issue 16: drag frames)
    this.#history.change(this.#values, performance.now());
    this.#values[key] = v;
    this.canUndo = true;
    this.#schedule(true);
  }

  /** Set every input to `next` (keys not given: their defaults when `complete`, else unchanged); one undo step. */
  apply(next: PartialValues, opts: { complete: boolean; undoable: boolean }): void {
    const target: LabValues = opts.complete ? { ...defaultValues(), ...next } : { ...this.#values, ...next };
    const before = this.#values;
    let changed = false;
    for (const k of INPUT_KEYS) {
      if (sameValue(before[k], target[k])) continue;
      changed = true;
      for (const set of this.#setters.get(k) ?? []) (set as (v: unknown) => void)(structuredClone(target[k]));
    }
    this.#values = structuredClone(target);
    if (!changed) return;
    if (opts.undoable) {
      this.#history.step(before);
      this.canUndo = true;
    }
    this.#schedule(true);
  }

  undo(): void {
    const prev = this.#history.undo();
    this.canUndo = this.#history.size > 0;
    if (prev) this.apply(prev, { complete: true, undoable: false });
  }

  reset(): void {
    this.apply({}, { complete: true, undoable: true });
    this.notice = { tone: 'info', text: 'Every setting is back to its default (Undo brings them back).', details: [] };
  }

  link(): string {
    return shareLink(location, this.#values);
  }

  /** The lab as a file: its settings and the finished results of every panel that keeps them. */
  fileText(): string {
    return JSON.stringify(labFile(this.#values, this.#collectResults(), this.appVersion, new Date()), null, 1);
  }

  /** Open a lab file: refused as a whole when it is not one; otherwise bad entries are named and skipped. */
  openFile(text: string, name: string): void {
    const r = parseLabFile(text);
    if (!r.ok) {
      this.notice = { tone: 'warn', text: `${name} was not opened: nothing changed.`, details: [r.error] };
      return;
    }
    this.apply(r.values, { complete: true, undoable: true });
    const problems = [...r.problems];
    for (const [key, value] of Object.entries(r.results)) {
      const binding = this.#results.get(key);
      if (!binding) {
        this.#pendingResults[key] = value;
        continue;
      }
      const refused = binding.set(value);
      if (refused) problems.push(`result ${key}: ${refused}`);
    }
    this.notice = problems.length
      ? { tone: 'warn', text: `Opened ${name}; some entries were invalid and were ignored.`, details: problems }
      : { tone: 'info', text: `Opened ${name}.`, details: [] };
    this.#schedule(false);
  }

  dismissNotice(): void {
    this.notice = null;
  }

  /** Write the hash and the saved state now (before the page goes away). */
  flush(): void {
    if (this.#urlTimer !== undefined) this.#writeUrl();
    if (this.#saveTimer !== undefined) this.#save();
  }

  #collectResults(): Record<string, unknown> {
    const out: Record<string, unknown> = { ...this.#pendingResults };
    for (const [key, b] of this.#results) {
      const v = b.get();
      if (v !== null && v !== undefined) out[key] = v;
    }
    return out;
  }

  #schedule(url: boolean): void {
    if (url) {
      clearTimeout(this.#urlTimer);
      this.#urlTimer = setTimeout(() => this.#writeUrl(), URL_DEBOUNCE_MS);
    }
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#save(), SAVE_DEBOUNCE_MS);
  }

  #writeUrl(): void {
    clearTimeout(this.#urlTimer);
    this.#urlTimer = undefined;
    const hash = `#${encodeHash(this.#values)}`;
    if (hash === location.hash) return;
    // replaceState keeps the query (web mode's ?token=) and adds no history entry per change
    history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`);
  }

  #save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    try {
      localStorage.setItem(STORAGE_KEY, this.fileText());
    } catch (err) {
      // full or disabled storage: the lab keeps working, the user learns that a reload will not keep it
      this.notice = {
        tone: 'warn',
        text: 'This browser refused to keep the lab state (a reload will not restore it). Save lab… still works.',
        details: [err instanceof Error ? err.message : String(err)],
      };
    }
  }

  #fromHash(): void {
    if (location.hash === `#${encodeHash(this.#values)}`) return;
    const r = decodeHash(location.hash);
    this.apply(r.values, { complete: true, undoable: true });
    if (r.problems.length) this.#warn('Some settings in this link were ignored; the defaults are kept for them.', r);
  }

  #onKey(e: KeyboardEvent): void {
    if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z') return;
    if (isTextEntry(e.target)) return; // a text field's own undo
    e.preventDefault();
    this.undo();
  }

  #warn(text: string, r: { problems: string[] }): void {
    this.notice = { tone: 'warn', text, details: r.problems };
  }
}

function isTextEntry(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement) return true;
  if (!(t instanceof HTMLInputElement)) return false;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(t.type);
}

type Saved =
  | { kind: 'none' }
  | { kind: 'bad'; error: string }
  | { kind: 'ok'; values: PartialValues; results: Record<string, unknown>; problems: string[] };

function readStorage(): Saved {
  let text: string | null;
  try {
    text = localStorage.getItem(STORAGE_KEY);
  } catch {
    return { kind: 'none' };
  }
  if (text === null) return { kind: 'none' };
  const r = parseLabFile(text);
  return r.ok ? { kind: 'ok', values: r.values, results: r.results, problems: r.problems } : { kind: 'bad', ...r };
}

/** The one lab state of this page. */
export const labStore = new LabStore();

/** Bind one declared input of a panel: `bindInput('width', { get: () => width, set: (v) => (width = v) })`. */
export function bindInput<K extends InputKey>(key: K, access: InputAccess<LabValues[K]>): void {
  labStore.bindInput(key, access);
}

export function bindResult(key: string, binding: ResultBinding): void {
  labStore.bindResult(key, binding);
}
