/**
 * A one-line hint for an error a snippet raised: what usually causes it and what to change.
 * Matched on PyTorch's (or Python's) own message, which the diagnostic shows first.
 */
const HINTS: [RegExp, string][] = [
  [/^SyntaxError|^IndentationError/, 'Fix the syntax: the cell did not run, nor did any cell after it.'],
  [/grad can be implicitly created only for scalar outputs/, 'backward() needs a scalar, or a gradient of the output\'s shape: y.backward(torch.ones_like(y)), or reduce first: y.sum().backward().'],
  [/backward through the graph a second time/, 'The first backward() freed the saved tensors: pass retain_graph=True to it, or recompute the forward pass.'],
  [/modified by an inplace operation/, 'An in-place op (x += …, x.add_(…)) changed a tensor that backward needs: use an out-of-place op (x = x + …) or .clone() first.'],
  [/does not require grad and does not have a grad_fn/, 'Nothing this output depends on has requires_grad=True (or it was computed under torch.no_grad()).'],
  [/leaf Variable that requires grad is being used in an in-place operation/, 'Update parameters inside `with torch.no_grad():` (as optimizers do), or create them without requires_grad.'],
  [/can only be called on floating point|Only Tensors of floating point and complex dtype can require gradients/i, 'Only float tensors can require grad: write 1.0 instead of 1, or pass dtype=torch.float32.'],
  [/numpy\(\) on Tensor that requires grad/, 'Detach it first: tensor.detach().numpy().'],
  [/shapes cannot be multiplied|size mismatch|must match the size of tensor/, 'Check the shapes: a matmul needs the inner sizes equal; broadcasting needs trailing sizes equal or 1.'],
  [/One of the differentiated Tensors does not require grad/, 'torch.autograd.grad(outputs, inputs) needs every input to have requires_grad=True.'],
  [/^TimeoutError/, 'Look for a loop that never ends, or raise the budget with the autogradLens.timeLimitSeconds / autogradLens.maxSteps settings.'],
  [/^MemoryError/, 'Use smaller tensors: the built-in engine is for small examples (see the autogradLens.maxTensorElements setting).'],
  [/^ModuleNotFoundError|^ImportError/, 'The built-in engine provides torch, torch.nn, torch.nn.functional, torch.optim, numpy and math only.'],
  [/^NotImplementedError/, 'Autograd Lens\'s built-in engine does not support this yet; rewrite it with the supported subset of Python and torch.'],
  [/^NameError/, 'Defined in another cell? Trace with no selection to run the current cell and every cell above it.'],
  [/^RecursionError/, 'A function calls itself without end; check its base case.'],
  [/Boolean value of Tensor with more than one value is ambiguous/, 'Reduce the tensor first: use .any(), .all(), or compare a single element.'],
  [/only one element tensors can be converted|cannot be converted to Scalar/, '.item() and float() need a one-element tensor: reduce it (e.g. .sum()) or index one element.'],
];

export function hintFor(error: string): string | undefined {
  for (const [re, hint] of HINTS) if (re.test(error)) return hint;
  return undefined;
}
