// Types of scripts/dist.mjs for its unit test (src-main/electron/packaging.test.ts).
export interface DistTarget {
  platform: string;
  arch: string;
}
export function targetsOf(argv: readonly string[], host?: DistTarget): DistTarget[];
