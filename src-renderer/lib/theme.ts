// Colour theme: follows the system (prefers-color-scheme) unless the user picks light or dark (kept in this browser).
// app.css holds both palettes as CSS variables under :root[data-theme]; plots read the same variables. Exports are
// always drawn in the light palette (withLightTheme), the look a paper expects.

export type ThemePref = 'system' | 'light' | 'dark';
export const THEME_PREFS: readonly ThemePref[] = ['system', 'light', 'dark'];
const KEY = 'ntk-phase-lab/theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function readThemePref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return THEME_PREFS.includes(v as ThemePref) ? (v as ThemePref) : 'system';
  } catch {
    return 'system';
  }
}

export function saveThemePref(pref: ThemePref): void {
  try {
    localStorage.setItem(KEY, pref);
  } catch {
    // storage refused: the choice holds for this page only
  }
}

/** Put the effective theme on <html data-theme>; with 'system', again whenever the system setting changes. */
export function applyTheme(pref: ThemePref): () => void {
  const media = matchMedia(DARK_QUERY);
  const set = () => {
    document.documentElement.dataset.theme = pref === 'dark' || (pref === 'system' && media.matches) ? 'dark' : 'light';
  };
  set();
  media.addEventListener('change', set);
  return () => media.removeEventListener('change', set);
}

/** Run `fn` (e.g. reading computed styles for an export) with the light palette in force. */
export function withLightTheme<T>(fn: () => T): T {
  const root = document.documentElement;
  const prev = root.dataset.theme;
  if (prev !== 'dark') return fn();
  root.dataset.theme = 'light';
  try {
    return fn();
  } finally {
    root.dataset.theme = prev;
  }
}
