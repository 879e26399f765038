// The renderer's CSP forbids eval. zod 4 decides per object schema, when the schema is constructed, whether to
// compile a fast parser with `new Function`; that probe makes the browser log a CSP violation. Turning the JIT
// off must happen before any schema module is evaluated, so the renderer entry imports this module first.
import { z } from 'zod';

z.config({ jitless: true });
