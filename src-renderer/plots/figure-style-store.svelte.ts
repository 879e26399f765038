// The one figure style every ExportBar shares (a journal's column width is the same for every plot), kept in
// local storage so it survives reloads; a stored value that no longer validates is dropped for the default.
import { DEFAULT_FIGURE_STYLE, FIGURE_PRESETS, validateFigureStyle, type FigureStyle } from './figure-style';

const KEY = 'ntk-lab.figure-style.v1';

function load(): FigureStyle {
  try {
    const text = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY);
    if (!text) return { ...DEFAULT_FIGURE_STYLE };
    const v = JSON.parse(text) as FigureStyle;
    return validateFigureStyle({ ...DEFAULT_FIGURE_STYLE, ...v });
  } catch {
    return { ...DEFAULT_FIGURE_STYLE };
  }
}

export const figureStyle = $state<{ current: FigureStyle }>({ current: load() });

/** Replace the style (validated: throws a RangeError naming the field) and remember it. */
export function setFigureStyle(next: FigureStyle): void {
  figureStyle.current = validateFigureStyle({ ...next });
  try {
    localStorage.setItem(KEY, JSON.stringify(figureStyle.current));
  } catch {
    // storage full or disabled: the style still holds for this session
  }
}

/** Switch to a preset; 'custom' keeps the current numbers as the starting point. */
export function choosePreset(id: FigureStyle['preset']): void {
  if (id === 'custom')
    setFigureStyle({
      ...figureStyle.current,
      preset: 'custom',
      widthIn: figureStyle.current.widthIn || 5,
      fontPt: figureStyle.current.fontPt || 9,
    });
  // the font choice of SVG files is the user's, not the preset's
  else setFigureStyle({ ...FIGURE_PRESETS[id].style, svgFonts: figureStyle.current.svgFonts });
}
