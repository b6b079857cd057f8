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
export const warn = (category: string, message: string, origin: WarningOrigin = 'location'): void => sink(category, message, origin);
