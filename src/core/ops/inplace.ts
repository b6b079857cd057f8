import { noGrad, isGradEnabled } from '../autograd/gradMode';
import { record } from '../autograd/node';
import { TorchError } from '../errors';
import { Tensor } from '../tensor';
import { isFloating, castScalar } from '../dtype';
import { broadcastShapes, sameShape } from '../shape';
import { expandValues, scatterInto } from './kernels';

/**
 * Runs an in-place op as PyTorch does: the values are written into `t`'s memory, its version
 * is bumped, and if autograd is recording, `t`'s history is rebased onto the op's node (so
 * t.grad_fn becomes e.g. AddBackward0 whose input is t's previous grad_fn).
 * `compute` receives a stand-in for t's old value (same history, its own copy of the values)
 * and returns the out-of-place result.
 */
export function applyInPlace(t: Tensor, compute: (old: Tensor) => Tensor): Tensor {
  checkInPlaceAllowed(t);
  const recording = isGradEnabled();
  const old = snapshot(t);
  const r = recording ? compute(old) : noGrad(() => compute(old));
  if (!sameShape(broadcastShapes(r.shape, t.shape), t.shape)) {
    throw new TorchError(
      'RuntimeError',
      `output with shape [${t.shape.join(', ')}] doesn't match the broadcast shape [${broadcastShapes(r.shape, t.shape).join(', ')}]`,
    );
  }
  if (!isFloating(t.dtype) && isFloating(r.dtype)) {
    throw new TorchError('RuntimeError', `result type Float can't be cast to the desired output type ${longName(t.dtype)}`);
  }
  const base = t.viewBase;
  const baseOld = recording && r.gradFn && base && base !== t ? snapshot(base) : null;
  writeValues(t, r);
  if (baseOld && base) {
    rebaseViewWrite(t, base, baseOld, r);
  } else if (recording && r.gradFn) {
    t.gradFn = r.gradFn;
    t.outputNr = r.outputNr;
    t.gradFn.retain(t.outputNr, null);
    t.gradFn.retargetSaved(r, t);
    t.gradFn.outputs[t.outputNr] = t;
  }
  return t;
}

/**
 * An in-place op on a view of a tensor in the graph (y[0].mul_(2)): as PyTorch does, the base's
 * history becomes CopySlices — the old base with the view's region replaced by the op's result —
 * and the view is re-derived from the new base (AsStridedBackward0).
 */
function rebaseViewWrite(view: Tensor, base: Tensor, baseOld: Tensor, r: Tensor): void {
  if (!base.isContiguous()) {
    throw new TorchError('NotImplementedError', 'in-place operations on views of non-contiguous tensors in the graph are not supported yet');
  }
  // the view's elements as flat indices into the base
  const region = new Int32Array(view.numel);
  for (let i = 0; i < region.length; i++) region[i] = view.storageIndex(i) - base.offset;
  const viewShape = view.shape.slice();
  const src = r.shape.join() === viewShape.join() ? r : Tensor.fromData(expandValues(r, viewShape), viewShape, r.dtype);
  const out = Tensor.fromData(base.copyValues(), base.shape, base.dtype);
  record('CopySlices', [baseOld, src], [out], ([g]) => {
    if (!g) return [null, null];
    const gv = g.values();
    const rest = Tensor.fromData(gv.slice(), g.shape, g.dtype);
    const part = Tensor.zeros(viewShape, g.dtype);
    for (let i = 0; i < region.length; i++) {
      part.storage.data[i] = gv[region[i]];
      rest.storage.data[region[i]] = 0;
    }
    return [rest, part];
  });
  base.gradFn = out.gradFn;
  base.outputNr = 0;
  base.gradFn!.outputs[0] = base;
  const baseShape = base.shape.slice();
  const again = view.aliasWith(view.shape, view.strides, view.offset);
  record('AsStridedBackward0', [base], [again], ([g]) => {
    if (!g) return [null];
    const full = Tensor.zeros(baseShape, g.dtype);
    const gv = g.values();
    for (let i = 0; i < region.length; i++) full.storage.data[region[i]] += gv[i];
    return [full];
  });
  view.gradFn = again.gradFn;
  view.outputNr = 0;
  view.gradFn!.outputs[0] = view;
}

const longName = (d: string): string => (d === 'int64' ? 'Long' : d === 'bool' ? 'Bool' : d === 'int32' ? 'Int' : d);

/** PyTorch's checks before modifying a tensor in place. */
export function checkInPlaceAllowed(t: Tensor): void {
  if (!isGradEnabled()) return;
  if (t.isLeaf && t.requiresGrad) {
    throw new TorchError('RuntimeError', 'a leaf Variable that requires grad is being used in an in-place operation.');
  }
  const base = t.viewBase;
  if (base && base.isLeaf && base.requiresGrad) {
    throw new TorchError('RuntimeError', 'a view of a leaf Variable that requires grad is being used in an in-place operation.');
  }
}

/** A copy of t's values carrying t's current history. */
function snapshot(t: Tensor): Tensor {
  const s = Tensor.fromData(t.copyValues(), t.shape, t.dtype);
  s.gradFn = t.gradFn;
  s.outputNr = t.outputNr;
  if (t.isLeaf && t.requiresGrad) {
    s.setRequiresGrad(true);
    s.accumulator = t.accumulator;
  }
  return s;
}

/** Copies r's values (broadcast to t's shape, cast to t's dtype) into t's memory and bumps its version. */
export function writeValues(t: Tensor, r: Tensor): void {
  const vals = expandValues(r, t.shape, r.dtype);
  if (t.dtype !== r.dtype) for (let i = 0; i < vals.length; i++) vals[i] = castScalar(t.dtype, vals[i]);
  scatterInto(t, vals);
  t.bumpVersion();
}

/** tensor.fill_(v) / zero_(): no history needed beyond the version bump when not recording. */
export function fillInPlace(t: Tensor, v: number, name: string): Tensor {
  return applyInPlace(t, (old) => {
    const out = Tensor.fromData(expandValues(Tensor.scalar(castScalar(t.dtype, v), t.dtype), t.shape), t.shape, t.dtype);
    recordZero(name, old, out);
    return out;
  });
}

function recordZero(name: string, input: Tensor, out: Tensor): void {
  record(name, [input], [out], ([g]) => [g ? Tensor.zeros(g.shape, g.dtype) : null]);
}
