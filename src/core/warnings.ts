/**
 * Warnings raised by the engine (Python's warnings.warn); the front end installs the sink.
 * Python's default filter shows a warning once per location: `location` is the user's line
 * (warnings PyTorch raises from C++ or with a stacklevel that reaches the caller), `library`
 * a fixed place inside torch, so such a warning shows once per process for the same text.
 */
export type WarningOrigin = 'location' | 'library';
export type WarningSink = (category: string, message: string, origin: WarningOrigin) => void;
let sink: WarningSink = () => {};
export const setWarningSink = (s: WarningSink): void => {
  sink = s;
};
let callerLocated = false;
export const warn = (category: string, message: string, origin: WarningOrigin = 'location'): void =>
  sink(category, message, callerLocated ? 'location' : origin);

/**
 * Runs `fn` as a torch Python function whose warnings.warn(..., stacklevel=2) points at its
 * caller: called directly from user code (F.mse_loss(a, b)), its warnings are keyed by the
 * user's line rather than by torch's, so two call sites both warn.
 */
export function warningsAtCaller<T>(fn: () => T): T {
  const prev = callerLocated;
  callerLocated = true;
  try {
    return fn();
  } finally {
    callerLocated = prev;
  }
}
