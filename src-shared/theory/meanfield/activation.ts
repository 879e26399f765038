// The theory's view of the activation registry (src-shared/network/activations.ts, where every activation is
// defined): an Activation is a registry spec, or an ad-hoc one validated by defineActivation.
import { activationSpec, customActivation, type ActivationSpec } from '../../network/activations';

export { activationNames, type ClosedForms, type SmoothedPair } from '../../network/activations';

/** φ, φ′, quadrature hints and optional closed forms (a registry spec or a defineActivation result). */
export type Activation = ActivationSpec;

/** The registered activation called `name`, or a RangeError listing the known ones. */
export const getActivation: (name: string) => Activation = activationSpec;

/** Validate an ad-hoc theory activation (not registered by name: pass the returned object to the theory). */
export const defineActivation: typeof customActivation = customActivation;
