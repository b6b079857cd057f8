/**
 * An error the engine raises with PyTorch's exception type and exact message,
 * e.g. RuntimeError "grad can be implicitly created only for scalar outputs".
 * Front ends map `pyType` to their own exception classes.
 */
export class TorchError extends Error {
  constructor(
    readonly pyType: 'RuntimeError' | 'TypeError' | 'IndexError' | 'ValueError' | 'NotImplementedError' | 'MemoryError',
    message: string,
  ) {
    super(message);
  }
}

export const runtimeError = (msg: string): TorchError => new TorchError('RuntimeError', msg);
