import FindMyWay from 'find-my-way';

/** The one router of the simulator's port: Entra, the control API and the Graph entry point. */
export type SimulatorRouter = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

/**
 * Graph ids carry `:`, `@`, `=` and run long (chat ids, base64 hosted content ids); the default
 * parameter length of 100 would cut them.
 */
export const MAX_PARAM_LENGTH = 4096;

export function createRouter(): SimulatorRouter {
  return FindMyWay({ maxParamLength: MAX_PARAM_LENGTH, ignoreTrailingSlash: true });
}
