// The TensorFlow.js backend names and their order under 'auto' (backend.ts selects and loads them). Kept apart from
// backend.ts, which imports TensorFlow.js, so that flag parsing (src-main/jobs) can check a name without loading it.
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];
/** For usage errors: "auto, tensorflow-gpu, webgpu, tensorflow, wasm or cpu". */
export const BACKEND_CHOICES_TEXT = `auto, ${BACKEND_ORDER.slice(0, -1).join(', ')} or ${BACKEND_ORDER.at(-1)}`;
export type BackendChoice = 'auto' | BackendName;

export function isBackendChoice(x: unknown): x is BackendChoice {
  return x === 'auto' || (typeof x === 'string' && (BACKEND_ORDER as readonly string[]).includes(x));
}
