// The number fields of the job contracts, with messages that name the field (`what`): the service reports them as
// they are, and the CLI turns a field's name into its flag.
import { z } from 'zod';

/** An integer in [min, max]. */
export const int = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be an integer`)
    .min(min, `${what} must be ≥ ${min}`)
    .max(max, `${what} must be ≤ ${max}`);

/** A finite number (NaN and ±Infinity refused). */
export const finite = (what: string) =>
  z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be finite`);
