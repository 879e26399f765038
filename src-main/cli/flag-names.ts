// Errors from the service's checks name contract fields (zod paths such as `samples`, `depths.0`, `recordAt`); the
// CLI user typed flags. These helpers rewrite a message into the flags of the command's --help (issue 17, defect 8).

/** `sigmaW2` → `sigma-w2`, `recordAt` → `record-at`: the flag spelling of a contract field. */
export function kebab(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** The flags a usage text documents (`--name`). */
function usageFlags(usage: string): Set<string> {
  return new Set([...usage.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));
}

/**
 * The flag a zod path (`depths.0`, `grid.sigmaW2`) refers to: its last field that is a documented flag, with the
 * list item when there is one (`--depths (item 1)`); undefined when no field is a flag.
 */
function flagOfPath(path: string, flags: ReadonlySet<string>): string | undefined {
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/^\d+$/.test(parts[i])) continue;
    const flag = kebab(parts[i]);
    if (!flags.has(flag)) continue;
    const item = parts[i + 1];
    return item !== undefined && /^\d+$/.test(item) ? `--${flag} (item ${Number(item) + 1})` : `--${flag}`;
  }
  return undefined;
}

/**
 * Rewrite a service message for the CLI: each `path: ` at the start of an issue (after `: ` or `; `, as
 * describeZodError joins them) becomes its flag, and camelCase field names in the text become their flags.
 */
export function withFlagNames(message: string, usage: string): string {
  const flags = usageFlags(usage);
  const paths = message.replace(/(^|: |; )([A-Za-z_][\w]*(?:\.[\w]+)*): /g, (all, lead: string, path: string) => {
    const flag = flagOfPath(path, flags);
    return flag === undefined ? all : `${lead}${flag}: `;
  });
  return fieldsAsFlags(paths, (word) => flags.has(kebab(word)));
}

/** A camelCase contract field name (`sigmaW2`, `recordAt`), not preceded by `-` (so not inside a flag). */
const FIELD = /(?<![-\w])([a-z]+[A-Z][A-Za-z0-9]*)\b( \(([^)]+)\))?/g;

/**
 * Contract field names in a message, for the CLI: `sigmaW2 (σ_w²)` → `σ_w²` (the symbol is the name), and a bare
 * field that `isFlag` accepts → its flag (`pairCos` → `--pair-cos`).
 */
export function fieldsAsFlags(message: string, isFlag: (field: string) => boolean): string {
  return message.replace(FIELD, (all, word: string, _paren: string | undefined, symbol: string | undefined) => {
    if (symbol !== undefined) return symbol;
    return isFlag(word) ? `--${kebab(word)}` : all;
  });
}
