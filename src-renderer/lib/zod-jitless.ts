// Imported first by main.ts: zod 4 probes `new Function('')` when its first object schema is built, to decide on
// its JIT. Under our CSP (no 'unsafe-eval') that probe is refused and reported as a CSP violation even though zod
// swallows the error. jitless mode skips the probe; parsing stays correct, only zod's compiled fast path is off.
import { config } from 'zod';

config({ jitless: true });
