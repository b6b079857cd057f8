/** The language-agnostic autograd core: tensors, ops with their gradients, the backward engine. */
export * from './dtype';
export * from './errors';
export * from './shape';
export * from './tensor';
export * from './warnings';
export * from './autograd/gradMode';
export * from './autograd/node';
export * from './autograd/engine';
export * as ops from './ops';
