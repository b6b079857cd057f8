/** Global grad mode (torch.is_grad_enabled). The interpreter is single-threaded, so one flag suffices. */
let enabled = true;

export const isGradEnabled = (): boolean => enabled;

export function setGradEnabled(v: boolean): boolean {
  const prev = enabled;
  enabled = v;
  return prev;
}

/** Runs fn with grad mode set to `mode`, restoring the previous mode afterwards. */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  const prev = setGradEnabled(mode);
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);
