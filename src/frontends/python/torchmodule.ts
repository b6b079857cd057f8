import { checkTorchCall } from './overloads';
import { broadcastShapes, DType, isFloating, isGradEnabled, legacyTypeName, noGrad, ops, record, scalarTypeName, Tensor, warn } from '../../core';
import { warningsAtCaller } from '../../core/warnings';
import * as rng from '../../core/random/distributions';
import { Generator } from '../../core/random/generator';
import { pyFloatRepr } from '../../core/format/numfmt';
import { Args, pyTypeOf, seqInts, withTrackedKw } from './args';
import { Interpreter } from './interp';
import { scalarOfTensor } from './builtins';
import { installNumpy } from './numpyapi';
import { installData } from './dataapi';
import { checkDevice, DTYPES, makeDevice, removableHandle, sizeOf, TorchRuntime } from './torchapi';
import {
  PyBuiltin,
  PyClass,
  PyDescriptor,
  PyDict,
  PyDType,
  PyError,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyNdArray,
  PyTuple,
  PyValue,
} from './values';

type Fn = (a: Args) => PyValue;

function mod(name: string, fns: Record<string, Fn>): PyModule {
  const m = new PyModule(name);
  for (const [k, f] of Object.entries(fns)) {
    const call = (args: PyValue[], kw: Map<string, PyValue>) => withTrackedKw(k, kw, (tk) => f(new Args(k, args, tk)));
    m.attrs.set(k, new PyBuiltin(k, name === 'torch' ? (args, kw) => (checkTorchCall(k, args, kw), call(args, kw)) : call));
  }
  return m;
}

/** Whether a torch.inference_mode() block is running. */
let inferenceMode = false;

/** Installs torch, torch.nn, torch.nn.functional, torch.optim, torch.autograd, numpy and math. */
export function installTorch(ip: Interpreter, rt: TorchRuntime): void {
  const T = (a: Args, i = 0, name = 'input') => a.tensor(i, name);
  const dtypeOf = (a: Args) => a.dtype();
  const withGrad = (t: Tensor, a: Args): Tensor => {
    if (a.kw.has('device')) checkDevice(a.kw.get('device')!);
    if (a.kw.get('requires_grad') === true) {
      if (!isFloating(t.dtype)) throw new PyError('RuntimeError', 'Only Tensors of floating point and complex dtype can require gradients');
      t.setRequiresGrad(true);
    }
    return t;
  };
  const method = (name: string) => (a: Args) => {
    const t = T(a);
    const m = rt.getattr(t, name) as PyBuiltin;
    // the input is self of the method: torch.sub(input=x, other=y) is x.sub(other=y)
    const kw = a.args.length ? a.kw : new Map([...a.kw].filter(([k]) => k !== 'input'));
    const out = kw.get('out');
    if (out instanceof Tensor) return withOut(name, out, a, () => m.fn(a.args.slice(1), new Map([...kw].filter(([k]) => k !== 'out'))));
    try {
      return m.fn(a.args.slice(1), kw);
    } catch (e) {
      // the method counted positions without self: torch.mm(x, 2) names 'mat2' (position 2)
      if (e instanceof PyError && e.pyType === 'TypeError') {
        const fixed = e.message.replace(/^(\w+\(\): argument '\w+' \(position )(\d+)\)/, (_m, pre: string, n: string) => `${pre}${Number(n) + 1})`);
        if (fixed !== e.message) throw new PyError('TypeError', fixed, e.range);
      }
      throw e;
    }
  };
  const creation = (f: (shape: number[], d?: DType) => Tensor) => (a: Args) => withGrad(f(a.shape(0), dtypeOf(a)), a);
  const like = (f: (shape: number[], d: DType) => Tensor) => (a: Args) => {
    const t = T(a);
    return withGrad(f(t.shape, dtypeOf(a) ?? t.dtype), a);
  };
  /** The generator= argument, or the default CPU generator. */
  const genOf = (a: Args): Generator => {
    const g = a.kw.get('generator');
    if (g instanceof PyInstance && g.native instanceof Generator) return g.native;
    return rt.gen;
  };
  const randFloat = (a: Args, shape: number[], fill: (n: number, d: 'float32' | 'float64') => Float32Array | Float64Array) => {
    ops.checkSize(shape);
    const d = dtypeOf(a) ?? ops.getDefaultDtype();
    if (!isFloating(d)) throw new PyError('RuntimeError', `"check_uniform_bounds" not implemented for '${d}'`);
    return withGrad(Tensor.fromData(fill(shape.reduce((x, y) => x * y, 1), d as 'float32' | 'float64'), shape, d), a);
  };

  /** The tensors argument of cat/stack: a tuple or list of tensors, with PyTorch's TypeError otherwise. */
  const tensorSeq = (a: Args, fname: string): Tensor[] => {
    const v = a.get(0, 'tensors');
    if (!(v instanceof PyList || v instanceof PyTuple)) {
      throw new PyError('TypeError', `${fname}(): argument 'tensors' (position 1) must be tuple of Tensors, not ${ip.typeName(v)}`);
    }
    return v.items.map((x, i) => {
      if (!(x instanceof Tensor)) throw new PyError('TypeError', `expected Tensor as element ${i} in argument 0, but got ${ip.typeName(x)}`);
      return x;
    });
  };
  const torchFns: Record<string, Fn> = {
    tensor: (a) => withGrad(rt.tensorFromData(a.get(0, 'data'), dtypeOf(a)), a),
    as_tensor: (a) => {
      const d = a.get(0, 'data');
      return d instanceof Tensor ? d : rt.tensorFromData(d, dtypeOf(a));
    },
    from_numpy: (a) => {
      const n = a.get(0, 'ndarray');
      if (!(n instanceof PyNdArray)) throw new PyError('TypeError', `expected np.ndarray (got ${ip.typeName(n)})`);
      return n.tensor;
    },
    ones: creation(ops.ones),
    zeros: creation(ops.zeros),
    empty: creation(ops.zeros),
    full: (a) => {
      const shape = seqInts(a.get(0, 'size'), 'full');
      const v = rt.operand(a.get(1, 'fill_value'));
      return withGrad(ops.full(shape, v instanceof Tensor ? v.item() : (v as number), dtypeOf(a)), a);
    },
    ones_like: like((s, d) => ops.ones(s, d)),
    zeros_like: like((s, d) => ops.zeros(s, d)),
    empty_like: like((s, d) => ops.zeros(s, d)),
    full_like: (a) => {
      const t = T(a);
      return withGrad(ops.full(t.shape, a.num(1, 'fill_value'), dtypeOf(a) ?? t.dtype), a);
    },
    bernoulli: (a) => {
      // bernoulli(input) draws with input's probabilities; bernoulli(input, p) with a scalar p
      const t = T(a);
      const p = a.has(1, 'p') ? a.get(1, 'p') : t;
      return rt.bernoulliFill(Tensor.zeros(t.shape, t.dtype), p, genOf(a));
    },
    rand_like: (a) => randFloat(a, T(a).shape, (n, d) => rng.rand(genOf(a), n, d)),
    randn_like: (a) => randFloat(a, T(a).shape, (n, d) => rng.randn(genOf(a), n, d)),
    arange: (a) => {
      const nums = a.args.map((v) => rt.operand(v) as number | bigint);
      let start: number | bigint = 0n;
      let end: number | bigint;
      let step: number | bigint = 1n;
      if (nums.length === 0) end = rt.operand(a.get(-1, 'end')) as number | bigint;
      else if (nums.length === 1) end = nums[0];
      else [start, end, step = 1n] = nums as (number | bigint)[];
      if (a.kw.has('start')) start = rt.operand(a.kw.get('start')!) as number;
      if (a.kw.has('step')) step = rt.operand(a.kw.get('step')!) as number;
      return withGrad(ops.arange(start, end, step, dtypeOf(a)), a);
    },
    range: (a) => {
      // deprecated torch.range: end inclusive, the default floating dtype unless dtype= (python_torch_functions.cpp, RangeFactories.cpp)
      warn(
        'UserWarning',
        "torch.range is deprecated and will be removed in a future release because its behavior is inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in [start, end).",
      );
      const start = a.num(0, 'start');
      const end = a.num(1, 'end');
      const step = a.num(2, 'step', 1);
      const dt = dtypeOf(a) ?? ops.getDefaultDtype();
      if (step === 0) throw new PyError('RuntimeError', 'step must be nonzero');
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new PyError('RuntimeError', `unsupported range: ${start} -> ${end}`);
      if (!((step > 0 && end >= start) || (step < 0 && end <= start))) throw new PyError('RuntimeError', 'upper bound and larger bound inconsistent with step sign');
      const size = Math.trunc((end - start) / step + 1);
      const vals = Array.from({ length: size }, (_, i) => start + i * step);
      return withGrad(ops.fromValues(vals, [size], dt), a);
    },
    linspace: (a) => withGrad(ops.linspace(a.num(0, 'start'), a.num(1, 'end'), a.int(2, 'steps'), dtypeOf(a)), a),
    eye: (a) => withGrad(ops.eye(a.int(0, 'n'), a.has(1, 'm') ? a.int(1, 'm') : undefined, dtypeOf(a)), a),
    rand: (a) => randFloat(a, a.shape(0), (n, d) => rng.rand(genOf(a), n, d)),
    randn: (a) => randFloat(a, a.shape(0), (n, d) => rng.randn(genOf(a), n, d)),
    randint: (a) => {
      let low = 0;
      let high: number;
      let sizeArg: PyValue;
      if (a.kw.has('high') && !a.args.length) {
        low = a.int(-1, 'low', 0);
        high = a.int(-1, 'high');
        sizeArg = a.get(-1, 'size');
      } else if (a.args.length >= 3 || (a.args.length === 2 && !(a.args[1] instanceof PyTuple || a.args[1] instanceof PyList))) {
        low = a.int(0, 'low');
        high = a.int(1, 'high');
        sizeArg = a.get(2, 'size');
      } else {
        high = a.int(0, 'high');
        sizeArg = a.get(1, 'size');
      }
      const shape = seqInts(sizeArg, 'randint');
      ops.checkSize(shape);
      const vals = rng.randint(genOf(a), low, high, shape.reduce((x, y) => x * y, 1));
      const t = Tensor.fromData(vals, shape, 'int64');
      const d = dtypeOf(a);
      return d ? ops.cast(t, d) : t;
    },
    randperm: (a) => Tensor.fromData(rng.randperm(genOf(a), a.int(0, 'n')), [a.int(0, 'n')], 'int64'),
    normal: (a) => {
      const meanV = a.get(0, 'mean');
      const stdV = a.get(1, 'std', 1.0);
      if (meanV instanceof Tensor || stdV instanceof Tensor) {
        // ATen's normal_out_impl: (Tensor mean, float std) fills normal_(0, std) then adds mean;
        // with a tensor std it fills normal_(0, 1), multiplies by std, then adds mean
        const mt = meanV instanceof Tensor ? meanV : null;
        const st = stdV instanceof Tensor ? stdV : null;
        if (st && st.values().some((v) => v < 0)) throw new PyError('RuntimeError', 'normal expects all elements of std >= 0.0');
        if (!st && Number(stdV) < 0) throw new PyError('RuntimeError', `normal expects std >= 0.0, but found std ${pyFloatRepr(Number(stdV))}`);
        const shape = mt && st ? broadcastShapes(mt.shape, st.shape) : (mt ?? st)!.shape.slice();
        const dt = (mt ?? st)!.dtype;
        if (!isFloating(dt)) throw new PyError('RuntimeError', `"normal_kernel_cpu" not implemented for '${dt === 'int64' ? 'Long' : dt}'`);
        const n = shape.reduce((x, y) => x * y, 1);
        const buf = dt === 'float64' ? new Float64Array(n) : new Float32Array(n);
        rng.normalFill(genOf(a), buf, 0, st ? 1 : Number(stdV));
        let out = Tensor.fromData(buf, shape, dt);
        noGrad(() => {
          if (st) out = ops.mul(out, st);
          out = ops.add(out, mt ?? Number(meanV));
        });
        return out;
      }
      const mean = a.num(0, 'mean');
      const std = a.num(1, 'std');
      const shape = seqInts(a.get(2, 'size'), 'normal');
      const d = dtypeOf(a) ?? ops.getDefaultDtype();
      const n = shape.reduce((x, y) => x * y, 1);
      const out = d === 'float64' ? new Float64Array(n) : new Float32Array(n);
      rng.normalFill(genOf(a), out, mean, std);
      return withGrad(Tensor.fromData(out, shape, d), a);
    },
    randint_like: (a) => {
      const t = T(a);
      const low = a.args.length >= 3 ? a.int(1, 'low') : 0;
      const high = a.args.length >= 3 ? a.int(2, 'high') : a.int(1, 'high');
      const vals = rng.randint(genOf(a), low, high, t.numel);
      return ops.cast(Tensor.fromData(vals, t.shape.slice(), 'int64'), dtypeOf(a) ?? t.dtype);
    },
    manual_seed: (a) => {
      rt.gen.manualSeed(BigInt(a.int(0, 'seed')));
      return generatorObject(rt.gen);
    },
    get_rng_state: () => Tensor.fromData(Float64Array.from(rt.gen.getState()), [rt.gen.getState().length], 'int64'),
    set_rng_state: (a) => {
      rt.gen.setState(Uint8Array.from(a.tensor(0, 'new_state').values()));
      return null;
    },
    seed: () => rt.gen.initialSeed(),
    initial_seed: () => rt.gen.initialSeed(),
    set_printoptions: (a) => {
      rt.setPrintOptions(a);
      return null;
    },
    set_default_dtype: (a) => {
      const d = a.get(0, 'd');
      if (!(d instanceof Object) || !('dtype' in (d as object))) throw new PyError('TypeError', 'set_default_dtype expects a torch.dtype');
      ops.setDefaultDtype((d as { dtype: DType }).dtype);
      return null;
    },
    get_default_dtype: () => rt.dtypeObj(ops.getDefaultDtype()),
    is_grad_enabled: () => isGradEnabled(),
    is_anomaly_enabled: () => false,
    no_grad: () => rt.gradModeManager('no_grad', false),
    enable_grad: () => rt.gradModeManager('enable_grad', true),
    set_grad_enabled: (a) => rt.setGradEnabledManager(a.bool(0, 'mode', true)),
    inference_mode: (a) => {
      const mode = a.bool(0, 'mode', true);
      const cm = rt.gradModeManager('inference_mode', !mode && isGradEnabled());
      const enter = cm.enter;
      const exit = cm.exit;
      let prev = false;
      cm.enter = () => {
        prev = inferenceMode;
        inferenceMode = mode;
        return enter();
      };
      cm.exit = () => {
        inferenceMode = prev;
        exit();
      };
      return cm;
    },
    is_inference_mode_enabled: () => inferenceMode,
    is_tensor: (a) => a.get(0, 'obj') instanceof Tensor,
    numel: (a) => BigInt(T(a).numel),
    cat: (a) => ops.cat(tensorSeq(a, 'cat'), a.int(1, 'dim', 0)),
    concat: (a) => ops.cat(tensorSeq(a, 'concat'), a.int(1, 'dim', 0)),
    stack: (a) => ops.stack(tensorSeq(a, 'stack'), a.int(1, 'dim', 0)),
    vstack: (a) => ops.cat(([...ip.iterate(a.get(0, 'tensors'))] as Tensor[]).map((t) => (t.ndim < 2 ? ops.reshape(t, [1, t.numel]) : t)), 0),
    hstack: (a) => {
      const ts = [...ip.iterate(a.get(0, 'tensors'))] as Tensor[];
      return ops.cat(ts, ts.every((t) => t.ndim === 1) ? 0 : 1);
    },
    // torch.where(condition) is nonzero(condition, as_tuple=True)
    where: (a) => a.args.length === 1 && a.kw.size === 0 ? (rt.getattr(a.tensor(0, 'condition'), 'nonzero') as PyBuiltin).fn([], new Map([['as_tuple', true]])) : ops.where(a.tensor(0, 'condition'), rt.operandArg(a, 1, 'input'), rt.operandArg(a, 2, 'other')),
    equal: (a) => {
      const x = T(a);
      const y = a.tensor(1, 'other');
      return x.shape.join() === y.shape.join() && x.values().every((v, i) => v === y.values()[i]);
    },
    broadcast_shapes: (a) => new PyTuple(a.args.reduce((s: number[], x) => broadcastShapes(s, seqInts(x, 'broadcast_shapes')), []).map((n) => BigInt(n)), 'Size'),
    result_type: (a) => rt.dtypeObj(ops.resultType(rt.operandArg(a, 0, 'tensor1'), rt.operandArg(a, 1, 'tensor2'))),
    promote_types: (a) => rt.dtypeObj(ops.resultType(Tensor.zeros([1], (a.get(0, 'type1') as never as { dtype: DType }).dtype), Tensor.zeros([1], (a.get(1, 'type2') as never as { dtype: DType }).dtype))),
    device: (a) => {
      const t = String(a.get(0, 'type'));
      return makeDevice(t.split(':')[0]);
    },
    einsum: (a) => {
      const eq = a.get(0, 'equation');
      if (typeof eq !== 'string') throw new PyError('TypeError', `einsum(): argument 'equation' (position 1) must be str, not ${ip.typeName(eq)}`);
      const rest = a.args.slice(1);
      const ts = rest.length === 1 && (rest[0] instanceof PyList || rest[0] instanceof PyTuple) ? [...ip.iterate(rest[0])] : rest;
      return ops.einsum(eq, ts.map((x, i) => {
        if (!(x instanceof Tensor)) throw new PyError('TypeError', `einsum(): argument 'operands' must be tuple of Tensors, but found element of type ${ip.typeName(x)} at pos ${i}`);
        return x;
      }));
    },
    meshgrid: (a) => {
      let idx = a.kw.get('indexing');
      if (idx === undefined) {
        // 1.13's meshgrid(tensors) overload: TORCH_WARN_ONCE, then "ij"
        rt.warnOnce(
          'torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument. (Triggered internally at  ./aten/src/ATen/native/TensorShape.cpp:3190.)',
        );
        idx = 'ij';
      }
      if (idx !== 'ij' && idx !== 'xy') throw new PyError('RuntimeError', `torch.meshgrid: indexing must be one of "xy" or "ij", but received: ${String(idx)}`);
      let ts = a.args.length === 1 && (a.args[0] instanceof PyList || a.args[0] instanceof PyTuple) ? [...ip.iterate(a.args[0])] as Tensor[] : (a.args as Tensor[]);
      const swap = idx === 'xy' && ts.length >= 2;
      if (swap) ts = [ts[1], ts[0], ...ts.slice(2)];
      const shape = ts.map((t) => t.numel);
      const grids0 = ts.map((t, i) => ops.expand(ops.view(t, shape.map((_, j) => (j === i ? -1 : 1))), shape));
      return new PyTuple(swap ? [grids0[1], grids0[0], ...grids0.slice(2)] : grids0);
    },
    logspace: (a) => withGrad(ops.logspace(a.num(0, 'start'), a.num(1, 'end'), a.int(2, 'steps'), a.num(3, 'base', 10), dtypeOf(a)), a),
    addmm: (a) => {
      const input = T(a);
      const m1 = a.tensor(1, 'mat1');
      const m2 = a.tensor(2, 'mat2');
      if (m1.ndim !== 2) throw new PyError('RuntimeError', 'mat1 must be a matrix, got ' + m1.ndim + '-D tensor');
      if (m2.ndim !== 2) throw new PyError('RuntimeError', 'mat2 must be a matrix, got ' + m2.ndim + '-D tensor');
      return ops.addmm(input, m1, m2, a.kw.has('beta') ? a.num(-1, 'beta') : 1, a.kw.has('alpha') ? a.num(-1, 'alpha') : 1);
    },
    Size: (a) => new PyTuple(seqInts(a.get(0, 'sizes', new PyTuple([])), 'Size').map((n) => BigInt(n)), 'Size'),
  };
  // functions that mirror tensor methods
  for (const n of [
    'add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'pow', 'remainder', 'fmod', 'floor_divide', 'exp', 'log', 'log2', 'log10', 'log1p',
    'expm1', 'sin', 'cos', 'tan', 'tanh', 'sigmoid', 'relu', 'abs', 'sqrt', 'rsqrt', 'neg', 'negative', 'reciprocal', 'floor', 'ceil', 'round',
    'sign', 'trunc', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'square', 'clamp', 'clip', 'clamp_min', 'clamp_max', 'sum', 'mean', 'prod', 'max',
    'min', 'amax', 'amin', 'argmax', 'argmin', 'var', 'std', 'norm', 'cumsum', 'logsumexp', 'all', 'any', 'matmul', 'mm', 'mv', 'dot', 'outer',
    'reshape', 'flatten', 't', 'transpose', 'permute', 'unsqueeze', 'squeeze', 'chunk', 'split', 'unbind', 'narrow', 'select', 'clone',
    'detach', 'softmax', 'log_softmax', 'addcmul', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'maximum', 'minimum', 'logical_and', 'logical_or',
    'logical_not', 'allclose', 'nonzero', 'flip', 'masked_fill', 'numel', 'sort', 'argsort', 'topk', 'median',
    'broadcast_to', 'swapaxes', 'swapdims', 'tile', 'bmm', 'diag', 'trace', 'expand_as', 'repeat', 'view_as', 'reshape_as', 'clamp_min', 'clamp_max',
    'gather', 'scatter', 'scatter_add', 'index_select', 'masked_select', 'tril', 'triu', 'cumprod', 'isnan', 'isinf', 'isfinite', 'isposinf',
    'isneginf', 'nan_to_num', 'erf', 'ravel', 'movedim', 'moveaxis', 'exp2', 'frac', 'sgn', 'logit', 'atan2', 'arctan2', 'hypot', 'xlogy', 'lerp',
    'float_power', 'nansum', 'nanmean', 'count_nonzero', 'isclose', 'argwhere', 'diff', 'roll', 'diagonal', 'dist', 'std_mean', 'var_mean',
    'aminmax', 'repeat_interleave', 'unique', 'det', 'inverse', 'logical_xor', 'greater', 'less', 'greater_equal', 'less_equal', 'positive', 'fliplr', 'flipud',
    'msort', 'deg2rad', 'rad2deg', 'ger', 'inner', 'vdot', 'signbit', 'is_nonzero',
  ]) {
    if (!torchFns[n]) torchFns[n] = method(n);
  }
  torchFns.exp = wrapTensorCheck('exp', method('exp'));
  // python_arg_parser's should_allow_numbers_as_tensors: torch.add(1, 2) wraps the Python number as a 0-dim tensor
  for (const n of ['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'floor_divide']) {
    const f = torchFns[n];
    torchFns[n] = (a) => {
      const s = a.args[0];
      if (typeof s !== 'number' && typeof s !== 'bigint' && typeof s !== 'boolean') return f(a);
      const wrapped = Tensor.scalar(typeof s === 'number' ? s : Number(s), ops.scalarDtype(s));
      return f(new Args(n, [wrapped, ...a.args.slice(1)], a.kw));
    };
  }
  const powMethod = torchFns.pow;
  torchFns.pow = (a) => {
    const base = a.get(0, 'self');
    if (typeof base === 'number' || typeof base === 'bigint' || typeof base === 'boolean') {
      return ops.powScalarSelf(typeof base === 'boolean' ? (base ? 1n : 0n) : base, a.tensor(1, 'exponent'));
    }
    return powMethod(a);
  };
  const torch = mod('torch', torchFns);
  for (const [k, d] of Object.entries(DTYPES)) torch.attrs.set(k, rt.dtypeObj(d));
  torch.attrs.set('__version__', '1.13.0a0');
  const TensorType = new PyBuiltin('Tensor', (args) => {
    if (args.length === 1 && (args[0] instanceof PyList || args[0] instanceof PyTuple)) return rt.tensorFromData(args[0], ops.getDefaultDtype());
    return ops.zeros(args.map((x) => Number(x)));
  }, 'type');
  TensorType.qualname = 'torch.Tensor';
  torch.attrs.set('Tensor', TensorType);
  ip.typeObjects.set('Tensor', TensorType);
  torch.attrs.set('FloatTensor', new PyBuiltin('FloatTensor', (args) => rt.tensorFromData(args[0], 'float32'), 'type'));
  torch.attrs.set('LongTensor', new PyBuiltin('LongTensor', (args) => rt.tensorFromData(args[0], 'int64'), 'type'));
  torch.attrs.set('pi', Math.PI);
  torch.attrs.set('Generator', generatorClass);
  torch.attrs.set('default_generator', generatorObject(rt.gen));
  torch.attrs.set('inf', Infinity);
  torch.attrs.set('nan', NaN);

  const autograd = mod('torch.autograd', {
    grad: (a) => {
      const outs = tensorList(ip, a.get(0, 'outputs'));
      const ins = tensorList(ip, a.get(1, 'inputs'));
      const go = a.get(2, 'grad_outputs', null);
      const gos = go === null ? [] : (tensorList(ip, go) as (Tensor | null)[]);
      const retain = a.get(3, 'retain_graph', null);
      const create = a.bool(4, 'create_graph', false);
      const res = rt.grad(outs, ins, gos, retain === null ? create : ip.truthy(retain), a.bool(6, 'allow_unused', false), create);
      return new PyTuple(res);
    },
    backward: (a) => {
      const outs = tensorList(ip, a.get(0, 'tensors'));
      const g = a.get(1, 'grad_tensors', null);
      const grads = g === null ? outs.map(() => null) : (tensorList(ip, g) as (Tensor | null)[]);
      const create = a.bool(3, 'create_graph', false);
      const retain = a.get(2, 'retain_graph', null);
      rt.backwardMany(outs, grads, retain === null ? create : ip.truthy(retain), create);
      return null;
    },
    set_detect_anomaly: () => rt.gradModeManager('set_detect_anomaly', isGradEnabled()),
    Variable: (a) => {
      const t = a.tensor(0, 'data');
      if (a.kw.get('requires_grad') === true) rt.setRequiresGrad(t, true);
      return t;
    },
  });
  installAutogradFunction(ip, rt, autograd);
  torch.attrs.set('autograd', autograd);
  const functional = mod('torch.autograd.functional', {
    jacobian: (a) => rt.jacobian(a.get(0, 'func'), a.get(1, 'inputs'), a.bool(2, 'create_graph', false)),
    hessian: (a) => {
      const func = a.get(0, 'func');
      // the jacobian of the gradient, itself computed with create_graph so it can be differentiated
      const checked = new PyBuiltin('f', (args) => {
        const out = ip.call(func, args);
        if (!(out instanceof Tensor) || out.numel !== 1) {
          throw new PyError('RuntimeError', 'The function given to hessian should return a single element Tensor');
        }
        return ops.reshape(out, []);
      });
      const gradFn = new PyBuiltin('jac_func', (args) => rt.jacobian(checked, args.length === 1 ? args[0] : new PyTuple(args), true));
      return rt.jacobian(gradFn, a.get(1, 'inputs'), a.bool(2, 'create_graph', false));
    },
  });
  // vjp / hvp / vhp (torch/autograd/functional.py): outputs detached, results per input
  const prepIns = (inputs: PyValue, fname: string): { ins: Tensor[]; tupleIn: boolean } => {
    const tupleIn = inputs instanceof PyTuple || inputs instanceof PyList;
    const ins = (tupleIn ? (inputs as PyTuple).items : [inputs]).map((v, i) => {
      if (!(v instanceof Tensor)) throw new PyError('TypeError', `The inputs given to ${fname} must be either a Tensor or a tuple of Tensors but the value at index ${i} has type ${ip.typeName(v)}.`);
      const d = ops.detach(v);
      d.setRequiresGrad(true);
      return d;
    });
    return { ins, tupleIn };
  };
  const pack = (xs: Tensor[], tuple: boolean): PyValue => (tuple ? new PyTuple(xs) : xs[0]);
  const gradsOr0 = (gs: (Tensor | null)[], ins: Tensor[]) => gs.map((g, i) => (g ? ops.detach(g) : ops.zeros(ins[i].shape.slice(), ins[i].dtype)));
  functional.attrs.set('vjp', new PyBuiltin('vjp', (args, kw) => {
    const a = new Args('vjp', args, kw, true);
    const { ins, tupleIn } = prepIns(a.get(1, 'inputs'), 'vjp');
    const out = ip.call(a.get(0, 'func'), ins);
    const outs = out instanceof PyTuple ? (out.items as Tensor[]) : [out as Tensor];
    const v = a.get(2, 'v', null);
    const vs = v === null ? outs.map(() => null) : v instanceof Tensor ? [v] : ([...ip.iterate(v)] as Tensor[]);
    if (v === null && outs.some((o) => o.numel !== 1)) {
      throw new PyError('RuntimeError', 'The vector v can only be None if the user-provided function returns a single Tensor with a single element.');
    }
    const gs = rt.grad(outs, ins, vs, true, true, false, false);
    return new PyTuple([out instanceof PyTuple ? new PyTuple(outs.map((o) => ops.detach(o))) : ops.detach(out as Tensor), pack(gradsOr0(gs, ins), tupleIn)]);
  }));
  const hessVec = (name: 'hvp' | 'vhp') =>
    functional.attrs.set(name, new PyBuiltin(name, (args, kw) => {
      const a = new Args(name, args, kw, true);
      const { ins, tupleIn } = prepIns(a.get(1, 'inputs'), name);
      const out = ip.call(a.get(0, 'func'), ins);
      if (!(out instanceof Tensor) || out.numel !== 1) throw new PyError('RuntimeError', `The Tensor returned by the function given to ${name} should contain a single element`);
      const v = a.get(2, 'v', null);
      const vs = v === null ? ins.map((t) => ops.ones(t.shape.slice(), t.dtype)) : v instanceof Tensor ? [v] : ([...ip.iterate(v)] as Tensor[]);
      const g1 = rt.grad([out], ins, [null], true, true, true, false).map((g, i) => g ?? ops.zeros(ins[i].shape.slice(), ins[i].dtype));
      // for a symmetric Hessian, v^T H and H v agree: differentiate <grad, v>
      const dot = g1.reduce((acc: Tensor | null, g, i) => {
        const term = ops.sum(ops.mul(g, vs[i]));
        return acc ? ops.add(acc, term) : term;
      }, null)!;
      const g2 = dot.requiresGrad ? rt.grad([dot], ins, [null], true, true, false, false) : ins.map(() => null);
      return new PyTuple([ops.detach(out), pack(gradsOr0(g2, ins), tupleIn)]);
    }));
  hessVec('hvp');
  hessVec('vhp');
  autograd.attrs.set('functional', functional);
  ip.modules.set('torch.autograd.functional', functional);
  const vectorNorm = (a: Args) => {
    const ord = a.get(1, 'ord', 2n);
    const p = ord === null ? 2 : Number(ord);
    return ops.norm(T(a, 0, 'x'), p, a.dims(2, 'dim'), a.bool(3, 'keepdim', false), 'LinalgVectorNormBackward0');
  };
  const linalg = mod('torch.linalg', {
    vector_norm: vectorNorm,
    norm: vectorNorm,
    det: (a) => ops.det(a.tensor(0, 'A')),
    inv: (a) => ops.inverse(a.tensor(0, 'A')),
  });
  torch.attrs.set('linalg', linalg);
  const cuda = mod('torch.cuda', { is_available: () => false, device_count: () => 0n });
  torch.attrs.set('cuda', cuda);
  ip.modules.set('torch.cuda', cuda);
  ip.modules.set('torch.linalg', linalg);

  const F = mod('torch.nn.functional', {
    linear: (a) => ops.linear(T(a), a.tensor(1, 'weight'), a.optTensor(2, 'bias')),
    relu: (a) => fInplace(a, 1, ops.relu),
    sigmoid: (a) => {
      warn('UserWarning', 'nn.functional.sigmoid is deprecated. Use torch.sigmoid instead.', 'library');
      return ops.sigmoid(T(a));
    },
    tanh: (a) => {
      warn('UserWarning', 'nn.functional.tanh is deprecated. Use torch.tanh instead.', 'library');
      return ops.tanh(T(a));
    },
    softplus: (a) => ops.softplus(T(a)),
    gelu: (a) => {
      const ap = a.kw.get('approximate') ?? 'none';
      if (ap !== 'none' && ap !== 'tanh') throw new PyError('RuntimeError', `approximate argument must be either none or tanh.`);
      return ops.gelu(T(a), ap as 'none' | 'tanh');
    },
    silu: (a) => fInplace(a, 1, ops.silu),
    pad: (a) => {
      const mode = a.get(2, 'mode', 'constant');
      if (mode !== 'constant') throw new PyError('NotImplementedError', `F.pad(mode='${String(mode)}') is not supported by Autograd Lens yet`);
      const v = a.get(3, 'value', null);
      return ops.constantPad(T(a), seqInts(a.get(1, 'pad'), 'pad'), v === null ? 0 : Number(v));
    },
    conv1d: (a) => convFn(a, 1),
    conv2d: (a) => convFn(a, 2),
    max_pool2d: (a) => poolFn(a, 'max'),
    avg_pool2d: (a) => poolFn(a, 'avg'),
    layer_norm: (a) => {
      const ns = a.get(1, 'normalized_shape');
      const shape = typeof ns === 'bigint' ? [Number(ns)] : seqInts(ns, 'layer_norm');
      return ops.layerNorm(T(a), shape, a.optTensor(2, 'weight'), a.optTensor(3, 'bias'), a.num(4, 'eps', 1e-5));
    },
    embedding: (a) => {
      const pad = a.get(2, 'padding_idx', null);
      return ops.embedding(T(a), a.tensor(1, 'weight'), pad === null ? null : Number(pad));
    },
    mish: (a) => ops.mish(T(a)),
    elu: (a) => fInplace(a, 2, (t) => ops.elu(t, a.num(1, 'alpha', 1))),
    hardtanh: (a) => fInplace(a, 3, (t) => ops.hardtanh(t, a.num(1, 'min_val', -1), a.num(2, 'max_val', 1))),
    relu6: (a) => fInplace(a, 1, (t) => ops.hardtanh(t, 0, 6)),
    logsigmoid: (a) => ops.logSigmoid(T(a)),
    hardsigmoid: (a) => ops.hardsigmoid(T(a)),
    hardswish: (a) => ops.hardswish(T(a)),
    threshold: (a) => ops.threshold(T(a), a.num(1, 'threshold'), a.num(2, 'value')),
    softsign: (a) => {
      const x = T(a);
      return ops.div(x, ops.add(ops.abs(x), 1n));
    },
    // these four warn about the target size with stacklevel=2 in torch/nn/functional.py (1.13)
    smooth_l1_loss: (a) => warningsAtCaller(() => ops.smoothL1Loss(T(a), a.tensor(1, 'target'), reduction(a), a.kw.has('beta') ? a.num(-1, 'beta') : 1)),
    huber_loss: (a) => warningsAtCaller(() => ops.huberLoss(T(a), a.tensor(1, 'target'), reduction(a), a.kw.has('delta') ? a.num(-1, 'delta') : 1)),
    dropout: (a) => {
      const x = T(a);
      const p = a.num(1, 'p', 0.5);
      if (p < 0 || p > 1) throw new PyError('ValueError', `dropout probability has to be between 0 and 1, but got ${pyFloatRepr(p)}`);
      return dropout(rt.gen, x, p, a.bool(2, 'training', true), a.bool(3, 'inplace', false));
    },
    one_hot: (a) => {
      const t = T(a, 0, 'tensor');
      if (t.dtype !== 'int64') throw new PyError('RuntimeError', 'one_hot is only applicable to index tensor.');
      const v = t.values();
      let n = a.int(1, 'num_classes', -1);
      let mx = -1;
      for (let i = 0; i < v.length; i++) {
        if (v[i] < 0) throw new PyError('RuntimeError', 'Class values must be non-negative.');
        mx = Math.max(mx, v[i]);
      }
      if (n === -1) {
        if (v.length === 0) throw new PyError('RuntimeError', 'Can not infer total number of classes from empty tensor.');
        n = mx + 1;
      } else if (mx >= n) throw new PyError('RuntimeError', 'Class values must be smaller than num_classes.');
      const out = new Float64Array(v.length * n);
      for (let i = 0; i < v.length; i++) out[i * n + v[i]] = 1;
      return Tensor.fromData(out, [...t.shape, n], 'int64');
    },
    normalize: (a) => {
      const x = T(a);
      const p = a.num(1, 'p', 2);
      const dim = a.int(2, 'dim', 1);
      const eps = a.num(3, 'eps', 1e-12);
      const denom = ops.expand(ops.clamp(ops.norm(x, p, [dim], true), eps, null, 'ClampMinBackward0'), x.shape);
      return ops.div(x, denom);
    },
    leaky_relu: (a) => fInplace(a, 2, (t) => ops.leakyRelu(t, a.num(1, 'negative_slope', 0.01))),
    softmax: (a) => ops.softmax(withDtype(T(a), a.get(3, 'dtype', null)), softmaxDim(a, 'softmax')),
    log_softmax: (a) => ops.logSoftmax(withDtype(T(a), a.get(3, 'dtype', null)), softmaxDim(a, 'log_softmax')),
    binary_cross_entropy_with_logits: (a) => {
      unsupportedLossArgs(a, 'binary_cross_entropy_with_logits');
      return bceWithLogits(T(a), a.tensor(1, 'target'), reduction(a));
    },
    mse_loss: (a) => warningsAtCaller(() => ops.mseLoss(T(a), a.tensor(1, 'target'), reduction(a))),
    l1_loss: (a) => warningsAtCaller(() => ops.l1Loss(T(a), a.tensor(1, 'target'), reduction(a))),
    binary_cross_entropy: (a) => ops.binaryCrossEntropy(T(a), a.tensor(1, 'target'), reduction(a), a.optTensor(2, 'weight')),
    cross_entropy: (a) => (unsupportedLossArgs(a, 'cross_entropy'), ops.crossEntropy(T(a), a.tensor(1, 'target'), reduction(a))),
    nll_loss: (a) => (unsupportedLossArgs(a, 'nll_loss'), ops.nllLoss(T(a), a.tensor(1, 'target'), reduction(a))),
  });
  const nn = installNN(ip, rt, F);
  const optim = installOptim(ip, rt);
  torch.attrs.set('nn', nn);
  torch.attrs.set('optim', optim);
  ip.modules.set('torch', torch);
  ip.modules.set('torch.nn', nn);
  ip.modules.set('torch.nn.functional', F);
  ip.modules.set('torch.optim', optim);
  ip.modules.set('torch.autograd', autograd);
  installData(ip, rt, torch, (g) => (g instanceof PyInstance && g.native instanceof Generator ? g.native : null));
  ip.modules.set('numpy', installNumpy(ip, (v, d) => rt.tensorFromData(v, d)));
  ip.modules.set('math', installMath());
  const collections = new PyModule('collections');
  collections.attrs.set('OrderedDict', new PyBuiltin('OrderedDict', (args, kw) => {
    const d = ip.call(ip.builtins.get('dict')!, args, kw) as PyDict;
    d.ordered = true;
    return d;
  }, 'type'));
  ip.modules.set('collections', collections);
}

/**
 * torch.autograd.Function: Cls.apply(*args) runs the user's forward(ctx, *args) without
 * recording, then records one node named ClsBackward over the tensor arguments whose VJP calls
 * the user's backward(ctx, *grad_outputs) (unused output gradients arrive as zeros, as with
 * 1.13's materialize_grads default).
 */
function installAutogradFunction(ip: Interpreter, rt: TorchRuntime, autograd: PyModule): void {
  const Ctx = new PyClass('BackwardCFunction', [], 'torch.autograd.function');
  const ctxNative = (name: string, fn: (self: PyInstance, a: Args) => PyValue) =>
    Ctx.dict.set(name, new PyBuiltin(name, (args, kw) => fn(args[0] as PyInstance, new Args(name, args.slice(1), kw, true))));
  ctxNative('save_for_backward', (self, a) => {
    for (const t of a.args) if (t !== null && !(t instanceof Tensor)) throw new PyError('TypeError', `save_for_backward can only save variables, but argument ${a.args.indexOf(t)} is of type ${ip.typeName(t)}`);
    self.dict.set('saved_tensors', new PyTuple(a.args));
    return null;
  });
  ctxNative('mark_non_differentiable', (self, a) => {
    (self.native as { nonDiff: Set<Tensor> }).nonDiff = new Set(a.args as Tensor[]);
    return null;
  });
  ctxNative('set_materialize_grads', (self, a) => {
    self.dict.set('_materialize_grads', a.bool(0, 'value', true));
    return null;
  });

  const Function = new PyClass('Function', [], 'torch.autograd.function');
  Function.dict.set('forward', new PyDescriptor('staticmethod', new PyBuiltin('forward', () => {
    throw new PyError('NotImplementedError', 'You must implement the forward function for custom autograd.Function.');
  })));
  Function.dict.set('apply', new PyDescriptor('classmethod', new PyBuiltin('apply', (args, kw) => {
    const cls = args[0] as PyClass;
    const inputs = args.slice(1);
    if (kw.size) throw new PyError('TypeError', 'apply() takes no keyword arguments');
    const ctx = new PyInstance(Ctx);
    ctx.native = { nonDiff: new Set<Tensor>() };
    ctx.dict.set('saved_tensors', new PyTuple([]));
    ctx.dict.set('needs_input_grad', new PyTuple(inputs.map((x) => x instanceof Tensor && x.requiresGrad)));
    const fwd = ip.getattr(cls, 'forward');
    const out = noGrad(() => ip.call(fwd, [ctx, ...inputs]));
    const outs = out instanceof PyTuple ? out.items : [out];
    const tensorIdx = inputs.map((x, i) => (x instanceof Tensor ? i : -1)).filter((i) => i >= 0);
    const tensorIns = tensorIdx.map((i) => inputs[i] as Tensor);
    const outTensors = outs.filter((o): o is Tensor => o instanceof Tensor);
    // an output that is an input (returned unchanged) becomes a fresh alias, as PyTorch views it
    const fresh = outTensors.map((o) => (tensorIns.includes(o) ? o.aliasWith(o.shape.slice(), o.strides.slice(), o.offset) : o));
    const name = `${cls.name}Backward`;
    const nonDiff = (ctx.native as { nonDiff: Set<Tensor> }).nonDiff;
    const node = isGradEnabled()
      ? record(name, tensorIns, fresh, (grads) => {
          const gs = grads.map((g, i) => g ?? (ctx.dict.get('_materialize_grads') === false ? null : ops.zeros(fresh[i].shape.slice(), fresh[i].dtype)));
          const r = ip.call(ip.getattr(cls, 'backward'), [ctx, ...gs]);
          const rs = r instanceof PyTuple ? r.items : [r];
          if (rs.length !== inputs.length) {
            if (rs.length < inputs.length || rs.slice(inputs.length).some((x) => x !== null)) {
              throw new PyError('RuntimeError', `function ${name} returned an incorrect number of gradients (expected ${inputs.length}, got ${rs.length})`);
            }
          }
          return tensorIdx.map((i) => {
            const g = rs[i];
            if (g === null || g === undefined) return null;
            if (!(g instanceof Tensor)) throw new PyError('TypeError', `expected Tensor or None as gradient ${i}, but got ${ip.typeName(g)}`);
            return g;
          });
        })
      : null;
    if (node) {
      node.attrs.pyFunction = true;
      fresh.forEach((t, i) => {
        if (nonDiff.has(outTensors[i])) {
          t.gradFn = null;
          t.setRequiresGrad(false);
        }
      });
    }
    const mapped = outs.map((o) => (o instanceof Tensor ? fresh[outTensors.indexOf(o)] : o));
    return out instanceof PyTuple ? new PyTuple(mapped) : mapped[0];
  })));
  autograd.attrs.set('Function', Function);
}

/** torch.Generator: CPU random streams of their own (manual_seed returns the generator). */
const generatorClass = new PyClass('Generator', [], 'torch._C');
const genMethod = (name: string, fn: (g: Generator, self: PyInstance, a: Args) => PyValue) =>
  generatorClass.dict.set(name, new PyBuiltin(name, (args, kw) => {
    const self = args[0] as PyInstance;
    return fn(self.native as Generator, self, new Args(name, args.slice(1), kw));
  }));
generatorClass.dict.set('__init__', new PyBuiltin('__init__', (args) => {
  (args[0] as PyInstance).native = new Generator();
  return null;
}));
genMethod('manual_seed', (g, self, a) => {
  g.manualSeed(BigInt(a.int(0, 'seed')));
  return self;
});
genMethod('initial_seed', (g) => g.initialSeed());
genMethod('seed', (g) => g.initialSeed());

/**
 * at::dropout on a CPU tensor (1.13's _dropout_impl; the fused kernel is for GPUs only): the
 * input itself when p is 0, not training or empty; times a 0-d zero when p is 1; otherwise a
 * mask drawn with bernoulli_(1 - p) into a tensor like the input, divided by 1 - p, and
 * multiplied in (MulBackward0; in place with inplace=True).
 */
function dropout(gen: Generator, x: Tensor, p: number, train: boolean, inplace: boolean): Tensor {
  if (p === 0 || !train || x.numel === 0) return x;
  let noise: Tensor;
  if (p === 1) noise = Tensor.zeros([], x.dtype);
  else {
    if (!isFloating(x.dtype)) {
      throw new PyError('RuntimeError', `result type Float can't be cast to the desired output type ${scalarTypeName(x.dtype)}`);
    }
    const mask = x.dtype === 'float64' ? new Float64Array(x.numel) : new Float32Array(x.numel);
    rng.bernoulliFill(gen, mask, 1 - p);
    noise = ops.div(Tensor.fromData(mask, x.shape, x.dtype), 1 - p);
  }
  return inplace ? ops.applyInPlace(x, (old) => ops.mul(old, noise)) : ops.mul(x, noise);
}

function generatorObject(g: Generator): PyInstance {
  const o = new PyInstance(generatorClass);
  o.native = g;
  return o;
}

/** Where PyTorch 1.13 defines each built-in module class (shown by type(m)). */
const NN_MODULES: Record<string, string> = {
  Linear: 'torch.nn.modules.linear', Identity: 'torch.nn.modules.linear', ReLU: 'torch.nn.modules.activation',
  Sigmoid: 'torch.nn.modules.activation', Tanh: 'torch.nn.modules.activation', LeakyReLU: 'torch.nn.modules.activation',
  Softmax: 'torch.nn.modules.activation', LogSoftmax: 'torch.nn.modules.activation', Flatten: 'torch.nn.modules.flatten',
  MSELoss: 'torch.nn.modules.loss', L1Loss: 'torch.nn.modules.loss', BCELoss: 'torch.nn.modules.loss',
  CrossEntropyLoss: 'torch.nn.modules.loss', NLLLoss: 'torch.nn.modules.loss', Sequential: 'torch.nn.modules.container',
  ModuleList: 'torch.nn.modules.container', ModuleDict: 'torch.nn.modules.container', Dropout: 'torch.nn.modules.dropout', BCEWithLogitsLoss: 'torch.nn.modules.loss',
  SiLU: 'torch.nn.modules.activation', Mish: 'torch.nn.modules.activation', LogSigmoid: 'torch.nn.modules.activation',
  Hardsigmoid: 'torch.nn.modules.activation', Hardswish: 'torch.nn.modules.activation', ReLU6: 'torch.nn.modules.activation',
  Softsign: 'torch.nn.modules.activation', GELU: 'torch.nn.modules.activation', ELU: 'torch.nn.modules.activation',
  Hardtanh: 'torch.nn.modules.activation', Threshold: 'torch.nn.modules.activation', Softplus: 'torch.nn.modules.activation',
  SmoothL1Loss: 'torch.nn.modules.loss', HuberLoss: 'torch.nn.modules.loss',
  LayerNorm: 'torch.nn.modules.normalization', BatchNorm1d: 'torch.nn.modules.batchnorm', Embedding: 'torch.nn.modules.sparse',
  Conv1d: 'torch.nn.modules.conv', Conv2d: 'torch.nn.modules.conv', MaxPool2d: 'torch.nn.modules.pooling', AvgPool2d: 'torch.nn.modules.pooling',
};

/** torch.f(..., out=t): the result written into t (same shape only), as the out= overloads do. */
function withOut(name: string, out: Tensor, a: Args, f: () => PyValue): PyValue {
  const grads = [...a.args, ...a.kw.values()].some((v) => v instanceof Tensor && v.requiresGrad);
  if (grads && isGradEnabled()) {
    throw new PyError('RuntimeError', `${name}(): functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.`);
  }
  const r = f();
  if (!(r instanceof Tensor)) return r;
  if (r.shape.join() !== out.shape.join()) throw new PyError('NotImplementedError', `${name}(out=...) with an output of another shape is not supported by Autograd Lens yet`);
  noGrad(() => ops.writeValues(out, r));
  return out;
}

function wrapTensorCheck(name: string, f: Fn): Fn {
  return (a) => {
    const v = a.get(0, 'input');
    if (!(v instanceof Tensor)) {
      throw new PyError('TypeError', `${name}(): argument 'input' (position 1) must be Tensor, not ${a.fname ? typeNameOf(v) : ''}`);
    }
    return f(a);
  };
}

function typeNameOf(v: PyValue): string {
  return pyTypeOf(v);
}

function tensorList(ip: Interpreter, v: PyValue): Tensor[] {
  if (v instanceof Tensor) return [v];
  return [...ip.iterate(v)].map((x) => {
    if (!(x instanceof Tensor)) throw new PyError('TypeError', 'expected a sequence of Tensors');
    return x;
  });
}

/** F.relu(x, inplace=True) and friends: the op applied in place on x (which it returns). */
function fInplace(a: Args, pos: number, f: (t: Tensor) => Tensor): Tensor {
  const x = a.tensor(0, 'input');
  return a.bool(pos, 'inplace', false) ? ops.applyInPlace(x, (old) => f(old)) : f(x);
}

/** softmax(..., dtype=d): the input is cast first (ToCopyBackward0 under the softmax node). */
function withDtype(t: Tensor, d: PyValue): Tensor {
  return d instanceof PyDType ? ops.cast(t, d.dtype) : t;
}

/** F.softmax without dim: PyTorch warns and picks dim 0 for 0-, 1- and 3-D input, else 1. */
function softmaxDim(a: Args, name: string): number {
  const d = a.get(1, 'dim', null);
  if (d !== null) return a.int(1, 'dim');
  warn('UserWarning', `Implicit dimension choice for ${name} has been deprecated. Change the call to include dim=X as an argument.`);
  const nd = a.tensor(0, 'input').ndim;
  return nd === 0 || nd === 1 || nd === 3 ? 0 : 1;
}

/** binary_cross_entropy_with_logits: the numerically stable form PyTorch uses. */
function bceWithLogits(x: Tensor, y: Tensor, r: 'mean' | 'sum' | 'none'): Tensor {
  if (x.shape.join() !== y.shape.join()) {
    throw new PyError('ValueError', `Target size (torch.Size([${y.shape.join(', ')}])) must be the same as input size (torch.Size([${x.shape.join(', ')}]))`);
  }
  return ops.bceWithLogits(x, y, r);
}

/** padding='valid' / 'same' as numbers per spatial dim ('same' needs stride 1 and symmetric padding here). */
function samePadding(mode: string, kernel: number[], dilation: number[], stride: number[]): number[] {
  if (mode === 'valid') return kernel.map(() => 0);
  if (mode !== 'same') throw new PyError('ValueError', `Invalid padding string '${mode}', should be one of ['valid', 'same']`);
  if (stride.some((s) => s !== 1)) throw new PyError('ValueError', "padding='same' is not supported for strided convolutions");
  return kernel.map((k, i) => {
    const total = dilation[i] * (k - 1);
    if (total % 2 !== 0) throw new PyError('NotImplementedError', "padding='same' with an even kernel (asymmetric padding) is not supported by Autograd Lens yet");
    return total / 2;
  });
}

function convFn(a: Args, sd: number): Tensor {
  const x = a.tensor(0, 'input');
  const w = a.tensor(1, 'weight');
  const tup = (v: PyValue, what: string) => (typeof v === 'bigint' ? new Array<number>(sd).fill(Number(v)) : seqInts(v, what));
  const dil = tup(a.get(5, 'dilation', 1n), 'dilation');
  const stride = tup(a.get(3, 'stride', 1n), 'stride');
  const padV = a.get(4, 'padding', 0n);
  const pad = typeof padV === 'string' ? samePadding(padV, w.shape.slice(2), dil, stride) : tup(padV, 'padding');
  return ops.convolution(x, w, a.optTensor(2, 'bias'), { stride, padding: pad, dilation: dil, groups: a.int(6, 'groups', 1) });
}

function poolFn(a: Args, kind: 'max' | 'avg'): Tensor {
  const tup = (v: PyValue, what: string) => (typeof v === 'bigint' ? [Number(v), Number(v)] : seqInts(v, what));
  const k = a.get(1, 'kernel_size');
  const st = a.get(2, 'stride', null);
  const stride = st === null || (st instanceof PyList && st.items.length === 0) ? k : st;
  if (kind === 'max' && a.bool(6, 'return_indices', false)) throw new PyError('NotImplementedError', 'max_pool2d(return_indices=True) is not supported by Autograd Lens yet');
  const params = {
    kernel: tup(k, 'kernel_size'),
    stride: tup(stride, 'stride'),
    padding: tup(a.get(3, 'padding', 0n), 'padding'),
    dilation: kind === 'max' ? tup(a.get(4, 'dilation', 1n), 'dilation') : [1, 1],
    ceilMode: a.bool(kind === 'max' ? 5 : 4, 'ceil_mode', false),
  };
  return ops.pool2d(a.tensor(0, 'input'), params, kind, kind === 'avg' ? a.bool(5, 'count_include_pad', true) : true)[0];
}

/** nn.Linear's reset_parameters on float64 parameters: the same bounds, float64 uniform_ draws. */
function linearInit64(gen: Generator, inF: number, outF: number, withBias: boolean): { weight: Float64Array; bias: Float64Array | null } {
  const weight = new Float64Array(inF * outF);
  if (weight.length) {
    const b = rng.kaimingUniformBound(inF);
    rng.uniformFill(gen, weight, -b, b);
  }
  let bias: Float64Array | null = null;
  if (withBias) {
    bias = new Float64Array(outF);
    const bb = rng.linearBiasBound(inF);
    rng.uniformFill(gen, bias, -bb, bb);
  }
  return { weight, bias };
}

/**
 * The deprecated size_average / reduce arguments (torch/nn/_reduction.py legacy_get_string):
 * the reduction they mean, with its warning; null when neither is given.
 */
function legacyReduction(sizeAverage: PyValue | undefined, reduce: PyValue | undefined): 'mean' | 'sum' | 'none' | null {
  const given = (v: PyValue | undefined) => v !== undefined && v !== null;
  if (!given(sizeAverage) && !given(reduce)) return null;
  const sa = given(sizeAverage) ? sizeAverage === true : true;
  const rd = given(reduce) ? reduce === true : true;
  const ret = sa && rd ? 'mean' : rd ? 'sum' : 'none';
  warn('UserWarning', `size_average and reduce args will be deprecated, please use reduction='${ret}' instead.`, 'library');
  return ret;
}

/** Loss options Autograd Lens does not model yet: a clear NotImplementedError rather than a wrong value. */
function unsupportedLossArgs(a: Args, name: string): void {
  const given = (k: string, dflt: PyValue) => a.kw.has(k) && a.kw.get(k) !== dflt && !(typeof dflt === 'bigint' && Number(a.kw.get(k)) === Number(dflt));
  for (const k of ['weight', 'pos_weight']) if (given(k, null)) throw new PyError('NotImplementedError', `${name}(${k}=...) is not supported by Autograd Lens yet`);
  if (given('ignore_index', -100n)) throw new PyError('NotImplementedError', `${name}(ignore_index=...) is not supported by Autograd Lens yet`);
  if (a.kw.has('label_smoothing') && Number(a.kw.get('label_smoothing')) !== 0) {
    throw new PyError('NotImplementedError', `${name}(label_smoothing=...) is not supported by Autograd Lens yet`);
  }
}

function reduction(a: Args): 'mean' | 'sum' | 'none' {
  const legacy = legacyReduction(a.kw.get('size_average'), a.kw.get('reduce'));
  if (legacy) return legacy;
  const r = a.kw.get('reduction');
  if (r === undefined) return 'mean';
  if (r !== 'mean' && r !== 'sum' && r !== 'none') throw new PyError('ValueError', `${String(r)} is not a valid value for reduction`);
  return r as 'mean' | 'sum' | 'none';
}

// ---------------------------------------------------------------- nn

/** State of an nn.Module instance, in registration order (as PyTorch's OrderedDicts). */
interface ModuleState {
  params: Map<string, Tensor | null>;
  modules: Map<string, PyInstance>;
  training: boolean;
  /** register_buffer'd tensors, and the names kept out of state_dict (persistent=False). */
  buffers?: Map<string, Tensor | null>;
  nonPersistent?: Set<string>;
}

function moduleState(m: PyInstance): ModuleState {
  if (!m.native) m.native = { params: new Map(), modules: new Map(), training: true } satisfies ModuleState;
  return m.native as ModuleState;
}

/** Module.state_dict's walk: own parameters, own persistent buffers, then each child with its prefix. */
function stateEntries(m: PyInstance, prefix = ''): [string, Tensor][] {
  const st = moduleState(m);
  const out: [string, Tensor][] = [];
  for (const [k, p] of st.params) if (p) out.push([prefix + k, p]);
  for (const [k, b] of st.buffers ?? []) if (b && !st.nonPersistent?.has(k)) out.push([prefix + k, b]);
  for (const [k, c] of st.modules) out.push(...stateEntries(c, `${prefix}${k}.`));
  return out;
}

function installNN(ip: Interpreter, rt: TorchRuntime, F: PyModule): PyModule {
  const nn = new PyModule('torch.nn');
  const Module = new PyClass('Module', [], 'torch.nn.modules.module');
  const native = (cls: PyClass, name: string, fn: (self: PyInstance, a: Args) => PyValue) =>
    cls.dict.set(name, new PyBuiltin(name, (args, kw) => fn(args[0] as PyInstance, new Args(name, args.slice(1), kw, true, cls.name))));

  native(Module, '__init__', (self) => {
    moduleState(self);
    return null;
  });
  // forward pre-hooks and hooks, in registration order (Module._call_impl)
  const hooksOf = (m: PyInstance) => {
    const st = moduleState(m) as ModuleState & { pre?: PyValue[]; post?: PyValue[] };
    return st;
  };
  native(Module, '__call__', (self, a) => {
    const st = hooksOf(self);
    let args = a.args;
    for (const h of [...(st.pre ?? [])]) {
      const r = ip.call(h, [self, new PyTuple(args)]);
      if (r !== null) args = r instanceof PyTuple ? r.items : [r];
    }
    const fwd = ip.getattr(self, 'forward');
    let out = ip.call(fwd, args, a.kw);
    for (const h of [...(st.post ?? [])]) {
      const r = ip.call(h, [self, new PyTuple(args), out]);
      if (r !== null) out = r;
    }
    return out;
  });
  const addHook = (kind: 'pre' | 'post') => (self: PyInstance, a: Args) => {
    const st = hooksOf(self);
    const list = (st[kind] ??= []);
    const h = a.get(0, 'hook');
    list.push(h);
    return removableHandle(() => {
      const i = list.indexOf(h);
      if (i >= 0) list.splice(i, 1);
    });
  };
  native(Module, 'register_forward_hook', addHook('post'));
  native(Module, 'register_forward_pre_hook', addHook('pre'));
  native(Module, 'forward', (self) => {
    throw new PyError('NotImplementedError', `Module [${self.cls.name}] is missing the required "forward" function`);
  });
  const namedParams = (m: PyInstance, prefix = ''): [string, Tensor][] => {
    const st = moduleState(m);
    const out: [string, Tensor][] = [];
    for (const [k, p] of st.params) if (p) out.push([prefix + k, p]);
    for (const [k, c] of st.modules) out.push(...namedParams(c, `${prefix}${k}.`));
    const seen = new Set<Tensor>();
    return out.filter(([, p]) => (seen.has(p) ? false : (seen.add(p), true)));
  };
  // parameters() is a generator in PyTorch: it can be consumed once
  const generator = (items: PyValue[], qualname: string) => new PyIterator(items[Symbol.iterator](), 'generator', qualname);
  native(Module, 'parameters', (self) => generator(namedParams(self).map(([, p]) => p), 'Module.parameters'));
  native(Module, 'named_parameters', (self) =>
    generator(namedParams(self).map(([n, p]) => new PyTuple([n, p])), 'Module.named_parameters'),
  );
  native(Module, 'children', (self) => new PyList([...moduleState(self).modules.values()]));
  native(Module, 'named_children', (self) => new PyList([...moduleState(self).modules].map(([k, v]) => new PyTuple([k, v]))));
  native(Module, 'modules', (self) => {
    const out: PyInstance[] = [];
    const walk = (m: PyInstance) => {
      out.push(m);
      for (const c of moduleState(m).modules.values()) walk(c);
    };
    walk(self);
    return new PyList(out);
  });
  native(Module, 'zero_grad', (self, a) => {
    const toNone = a.bool(0, 'set_to_none', rt.zeroGradSetsNone);
    for (const [, p] of namedParams(self)) zeroGrad(p, toNone);
    return null;
  });
  const setTraining = (m: PyInstance, mode: boolean): void => {
    const st = moduleState(m);
    st.training = mode;
    for (const c of st.modules.values()) setTraining(c, mode);
  };
  native(Module, 'train', (self, a) => {
    setTraining(self, a.bool(0, 'mode', true));
    return self;
  });
  native(Module, 'eval', (self) => {
    setTraining(self, false);
    return self;
  });
  /** Module._apply for a dtype change: floating parameters and buffers are converted in place (same objects). */
  const castModule = (self: PyInstance, d: DType) => {
    const walk = (m: PyInstance) => {
      const st = moduleState(m);
      const ts = [...st.params.values(), ...(st.buffers?.values() ?? [])].filter((t): t is Tensor => t instanceof Tensor && isFloating(t.dtype));
      for (const t of ts) {
        const c = noGrad(() => ops.cast(t, d));
        t.storage = c.storage;
        t.dtype = c.dtype;
        t.strides = c.strides.slice();
        t.offset = c.offset;
        if (t.grad) t.grad = noGrad(() => ops.cast(t.grad!, d));
      }
      for (const c of st.modules.values()) walk(c);
    };
    walk(self);
    return self;
  };
  native(Module, 'to', (self, a) => {
    const first = a.get(0, 'device', null);
    const dt = first instanceof PyDType ? first : a.kw.get('dtype');
    if (!(first instanceof PyDType)) checkDevice(first);
    if (dt instanceof PyDType) {
      if (!isFloating(dt.dtype)) throw new PyError('TypeError', `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${ip.repr(dt)}`);
      castModule(self, dt.dtype);
    }
    return self;
  });
  native(Module, 'double', (self) => castModule(self, 'float64'));
  native(Module, 'float', (self) => castModule(self, 'float32'));
  native(Module, 'cpu', (self) => self);
  native(Module, 'cuda', () => checkDevice('cuda'));
  native(Module, 'state_dict', (self) => {
    const d = new PyDict();
    d.ordered = true;
    for (const [n, p] of stateEntries(self)) d.set(n, ops.detach(p));
    return d;
  });
  native(Module, 'register_buffer', (self, a) => {
    const name = String(a.get(0, 'name'));
    const t = a.get(1, 'tensor');
    if (t !== null && !(t instanceof Tensor)) throw new PyError('TypeError', `cannot assign '${ip.typeName(t)}' object to buffer '${name}' (torch Tensor or None required)`);
    const st = moduleState(self);
    (st.buffers ??= new Map()).set(name, t as Tensor | null);
    if (!a.bool(2, 'persistent', true)) (st.nonPersistent ??= new Set()).add(name);
    return null;
  });
  const namedBuffers = (m: PyInstance, prefix = ''): [string, Tensor][] => {
    const st = moduleState(m);
    const out: [string, Tensor][] = [];
    for (const [k, b] of st.buffers ?? []) if (b) out.push([prefix + k, b]);
    for (const [k, c] of st.modules) out.push(...namedBuffers(c, `${prefix}${k}.`));
    return out;
  };
  native(Module, 'buffers', (self) => generator(namedBuffers(self).map(([, b]) => b), 'Module.buffers'));
  native(Module, 'named_buffers', (self) => generator(namedBuffers(self).map(([n, b]) => new PyTuple([n, b])), 'Module.named_buffers'));
  native(Module, 'named_modules', (self) => {
    const out: PyValue[] = [];
    const seen = new Set<PyInstance>();
    const walk = (m: PyInstance, prefix: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push(new PyTuple([prefix, m]));
      for (const [k, c] of moduleState(m).modules) walk(c, prefix ? `${prefix}.${k}` : k);
    };
    walk(self, '');
    return generator(out, 'Module.named_modules');
  });
  native(Module, 'apply', (self, a) => {
    const fn = a.get(0, 'fn');
    const walk = (m: PyInstance) => {
      for (const c of moduleState(m).modules.values()) walk(c);
      ip.call(fn, [m]);
    };
    walk(self);
    return self;
  });
  native(Module, 'requires_grad_', (self, a) => {
    const flag = a.bool(0, 'requires_grad', true);
    for (const [, p] of namedParams(self)) rt.setRequiresGrad(p, flag);
    return self;
  });
  native(Module, 'load_state_dict', (self, a) => {
    const sd = a.get(0, 'state_dict');
    if (!(sd instanceof PyDict)) throw new PyError('TypeError', `Expected state_dict to be dict-like, got ${ip.typeName(sd)}.`);
    const strict = a.bool(1, 'strict', true);
    const own = new Map(stateEntries(self));
    const missing = [...own.keys()].filter((k) => !sd.has(k));
    const unexpected = sd.keys().filter((k) => typeof k !== 'string' || !own.has(k)).map((k) => String(k));
    const errors: string[] = [];
    for (const [k, p] of own) {
      const v = sd.get(k);
      if (v === undefined) continue;
      if (!(v instanceof Tensor)) {
        errors.push(`While copying the parameter named "${k}", expected torch.Tensor or Tensor-like object from checkpoint but received ${ip.typeName(v)}`);
        continue;
      }
      if (v.shape.join() !== p.shape.join()) {
        errors.push(`size mismatch for ${k}: copying a param with shape torch.Size([${v.shape.join(', ')}]) from checkpoint, the shape in current model is torch.Size([${p.shape.join(', ')}]).`);
        continue;
      }
      noGrad(() => ops.writeValues(p, v));
    }
    const quote = (ks: string[]) => ks.map((k) => `"${k}"`).join(', ');
    if (strict) {
      if (unexpected.length) errors.unshift(`Unexpected key(s) in state_dict: ${quote(unexpected)}. `);
      if (missing.length) errors.unshift(`Missing key(s) in state_dict: ${quote(missing)}. `);
    }
    if (errors.length) throw new PyError('RuntimeError', `Error(s) in loading state_dict for ${self.cls.name}:\n\t${errors.join('\n\t')}`);
    return new PyTuple([new PyList(missing), new PyList(unexpected)], '_IncompatibleKeys', ['missing_keys', 'unexpected_keys']);
  });
  native(Module, 'register_parameter', (self, a) => {
    moduleState(self).params.set(String(a.get(0, 'name')), a.get(1, 'param') as Tensor | null);
    return null;
  });
  native(Module, 'extra_repr', () => '');
  native(Module, '__repr__', (self) => moduleRepr(self));
  const moduleRepr = (m: PyInstance): string => {
    const extra = ip.str(ip.call(ip.getattr(m, 'extra_repr'), []));
    const kids = [...moduleState(m).modules];
    if (!kids.length) return `${m.cls.name}(${extra})`;
    const lines = kids.map(([k, c]) => `  (${k}): ` + ip.repr(c).split('\n').join('\n  '));
    return `${m.cls.name}(\n${extra ? '  ' + extra + '\n' : ''}${lines.join('\n')}\n)`;
  };
  nn.attrs.set('Module', Module);

  // attribute registration: Parameters and Modules assigned to a module are tracked in order
  const prevSet = rt.setattr.bind(rt);
  rt.setattr = (obj, name, v) => {
    if (obj instanceof PyInstance && obj.cls.isSubclassOf(Module)) {
      if (!obj.native) {
        // Module.__setattr__ before Module.__init__ (a subclass that forgot super().__init__())
        if (v instanceof Tensor && v.isParameter) throw new PyError('AttributeError', 'cannot assign parameters before Module.__init__() call');
        if (v instanceof PyInstance && v.cls.isSubclassOf(Module)) throw new PyError('AttributeError', 'cannot assign module before Module.__init__() call');
        return prevSet(obj, name, v);
      }
      const st = moduleState(obj);
      if (v instanceof Tensor && !v.isParameter && st.params.has(name)) {
        const legacy = { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' }[v.dtype];
        throw new PyError('TypeError', `cannot assign '${legacy}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
      }
      if (v instanceof Tensor && v.isParameter) {
        st.params.set(name, v);
        st.modules.delete(name);
      } else if (v instanceof PyInstance && v.cls.isSubclassOf(Module)) {
        st.modules.set(name, v);
        st.params.delete(name);
      } else if (st.params.has(name)) {
        if (v !== null) {
          throw new PyError('TypeError', `cannot assign '${torchTypename(v)}' as parameter '${name}' (torch.nn.Parameter or None expected)`);
        }
        st.params.set(name, null);
      } else if (st.modules.has(name) && v !== null) {
        throw new PyError('TypeError', `cannot assign '${torchTypename(v)}' as child module '${name}' (torch.nn.Module or None expected)`);
      } else if (st.buffers?.has(name)) {
        if (v !== null && !(v instanceof Tensor)) {
          throw new PyError('TypeError', `cannot assign '${torchTypename(v)}' as buffer '${name}' (torch.Tensor or None expected)`);
        }
        st.buffers.set(name, v as Tensor | null);
        return true;
      }
    }
    return prevSet(obj, name, v);
  };
  /** torch.typename: a tensor's legacy type name, else the object's (module-qualified) class name. */
  const torchTypename = (v: PyValue): string => {
    if (v instanceof Tensor) return legacyTypeName(v.dtype);
    if (v instanceof PyInstance) return v.cls.module && v.cls.module !== 'builtins' ? `${v.cls.module}.${v.cls.name}` : v.cls.name;
    return ip.typeName(v);
  };
  const prevGet = rt.getattr.bind(rt);
  rt.getattr = (obj, name) => {
    if (obj instanceof PyInstance && obj.native && obj.cls.isSubclassOf(Module)) {
      const st = obj.native as ModuleState;
      if (name === 'training') return st.training;
      if (st.params.has(name)) return st.params.get(name)!;
      if (st.modules.has(name)) return st.modules.get(name)!;
      if (st.buffers?.has(name)) return st.buffers.get(name)!;
    }
    return prevGet(obj, name);
  };

  const Parameter = new PyBuiltin('Parameter', (args, kw) => {
    const a = new Args('Parameter', args, kw);
    const src = a.get(0, 'data', null);
    const t = src instanceof Tensor ? new Tensor(src.storage, src.dtype, src.shape.slice(), src.strides.slice(), src.offset) : Tensor.zeros([0], 'float32');
    t.isParameter = true;
    t.setRequiresGrad(a.bool(1, 'requires_grad', true));
    return t;
  }, 'type');
  nn.attrs.set('Parameter', Parameter);
  const param = (data: Float32Array | Float64Array, shape: number[]) => {
    const t = Tensor.fromData(data, shape, data instanceof Float64Array ? 'float64' : 'float32');
    t.isParameter = true;
    t.setRequiresGrad(true);
    return t;
  };

  const builtinModule = (name: string, init: (self: PyInstance, a: Args) => void, forward: (self: PyInstance, a: Args) => PyValue, extra?: (self: PyInstance) => string) => {
    const cls = new PyClass(name, [Module], NN_MODULES[name] ?? 'torch.nn.modules.module');
    native(cls, '__init__', (self, a) => {
      moduleState(self);
      withTrackedKw(`nn.${name}`, a.kw, (kw) => init(self, new Args(a.fname, a.args, kw, a.pythonStyle, a.owner)));
      return null;
    });
    native(cls, 'forward', forward);
    if (extra) native(cls, 'extra_repr', (self) => extra(self));
    nn.attrs.set(name, cls);
    return cls;
  };

  builtinModule(
    'Linear',
    (self, a) => {
      const inF = a.int(0, 'in_features');
      const outF = a.int(1, 'out_features');
      checkDevice(a.kw.get('device') ?? null);
      const dt = a.kw.get('dtype');
      const d = dt instanceof PyDType ? dt.dtype : 'float32';
      if (!isFloating(d)) throw new PyError('TypeError', `nn.Linear only supports floating point dtypes here, got ${ip.repr(dt!)}`);
      const { weight, bias } = d === 'float64' ? linearInit64(rt.gen, inF, outF, a.bool(2, 'bias', true)) : rng.linearInit(rt.gen, inF, outF, a.bool(2, 'bias', true));
      self.dict.set('in_features', BigInt(inF));
      self.dict.set('out_features', BigInt(outF));
      ip.setattr(self, 'weight', param(weight, [outF, inF]));
      if (bias) ip.setattr(self, 'bias', param(bias, [outF]));
      else {
        moduleState(self).params.set('bias', null);
      }
    },
    (self, a) => ops.linear(new Args('linear', a.args, a.kw).tensor(0, 'input'), ip.getattr(self, 'weight') as Tensor, ip.getattr(self, 'bias') as Tensor | null),
    (self) => `in_features=${self.dict.get('in_features')}, out_features=${self.dict.get('out_features')}, bias=${moduleState(self).params.get('bias') ? 'True' : 'False'}`,
  );
  // argument errors name the functional op the module calls (relu(), sigmoid(), …)
  const act = (name: string, fn: string, f: (t: Tensor) => Tensor, inplaceable = false) =>
    builtinModule(
      name,
      (s, a) => {
        if (inplaceable) s.dict.set('inplace', a.bool(0, 'inplace', false));
      },
      (s, a) => {
        const x = new Args(fn, a.args, a.kw).tensor(0, 'input');
        return s.dict.get('inplace') === true ? ops.applyInPlace(x, (old) => f(old)) : f(x);
      },
      inplaceable ? (s) => (s.dict.get('inplace') ? 'inplace=True' : '') : undefined,
    );
  act('ReLU', 'relu', ops.relu, true);
  act('Sigmoid', 'sigmoid', ops.sigmoid);
  act('Tanh', 'tanh', ops.tanh);
  builtinModule('Identity', () => {}, (_s, a) => new Args('identity', a.args, a.kw).tensor(0, 'input'));
  act('SiLU', 'silu', ops.silu, true);
  act('Mish', 'mish', ops.mish, true);
  act('LogSigmoid', 'logsigmoid', ops.logSigmoid);
  act('Hardsigmoid', 'hardsigmoid', ops.hardsigmoid, true);
  act('Hardswish', 'hardswish', ops.hardswish, true);
  act('ReLU6', 'relu6', (t) => ops.hardtanh(t, 0, 6), true);
  act('Softsign', 'softsign', (t) => ops.div(t, ops.add(ops.abs(t), 1n)));
  builtinModule('GELU', (s, a) => void s.dict.set('approximate', a.get(0, 'approximate', 'none')), (s, a) => ops.gelu(a.tensor(0, 'input'), s.dict.get('approximate') as 'none'), (s) => `approximate=${ip.repr(s.dict.get('approximate')!)}`);
  const maybeInplace = (s: PyInstance, x: Tensor, f: (t: Tensor) => Tensor) => (s.dict.get('inplace') === true ? ops.applyInPlace(x, (old) => f(old)) : f(x));
  const inplaceSuffix = (s: PyInstance) => (s.dict.get('inplace') ? ', inplace=True' : '');
  builtinModule('ELU', (s, a) => {
    s.dict.set('alpha', a.get(0, 'alpha', 1.0));
    s.dict.set('inplace', a.bool(1, 'inplace', false));
  }, (s, a) => maybeInplace(s, a.tensor(0, 'input'), (t) => ops.elu(t, Number(s.dict.get('alpha')))), (s) => `alpha=${ip.str(s.dict.get('alpha')!)}${inplaceSuffix(s)}`);
  builtinModule('Hardtanh', (s, a) => {
    s.dict.set('min_val', a.get(0, 'min_val', -1.0));
    s.dict.set('max_val', a.get(1, 'max_val', 1.0));
  }, (s, a) => ops.hardtanh(a.tensor(0, 'input'), Number(s.dict.get('min_val')), Number(s.dict.get('max_val'))), (s) => `min_val=${ip.str(s.dict.get('min_val')!)}, max_val=${ip.str(s.dict.get('max_val')!)}`);
  builtinModule('Threshold', (s, a) => {
    s.dict.set('threshold', a.get(0, 'threshold'));
    s.dict.set('value', a.get(1, 'value'));
  }, (s, a) => ops.threshold(a.tensor(0, 'input'), Number(s.dict.get('threshold')), Number(s.dict.get('value'))), (s) => `threshold=${ip.str(s.dict.get('threshold')!)}, value=${ip.str(s.dict.get('value')!)}`);
  builtinModule('Softplus', (s, a) => {
    s.dict.set('beta', a.get(0, 'beta', 1n));
    s.dict.set('threshold', a.get(1, 'threshold', 20n));
  }, (s, a) => {
    if (Number(s.dict.get('beta')) !== 1 || Number(s.dict.get('threshold')) !== 20) throw new PyError('NotImplementedError', 'nn.Softplus with beta/threshold other than 1/20 is not supported by Autograd Lens yet');
    return ops.softplus(a.tensor(0, 'input'));
  }, (s) => `beta=${ip.str(s.dict.get('beta')!)}, threshold=${ip.str(s.dict.get('threshold')!)}`);
  builtinModule('LeakyReLU', (s, a) => {
    s.dict.set('negative_slope', a.get(0, 'negative_slope', 0.01));
    s.dict.set('inplace', a.bool(1, 'inplace', false));
  }, (s, a) => maybeInplace(s, a.tensor(0, 'input'), (t) => ops.leakyRelu(t, Number(s.dict.get('negative_slope')))), (s) => `negative_slope=${ip.str(s.dict.get('negative_slope')!)}${inplaceSuffix(s)}`);
  // dim=None: F.softmax's implicit choice, with its deprecation warning
  const moduleDim = (s: PyInstance, x: Tensor, fname: string) =>
    softmaxDim(new Args(fname, [x, s.dict.get('dim') ?? null], new Map()), fname);
  builtinModule('Softmax', (s, a) => void s.dict.set('dim', a.get(0, 'dim', null)), (s, a) => {
    const x = a.tensor(0, 'input');
    return ops.softmax(x, moduleDim(s, x, 'softmax'));
  }, (s) => `dim=${ip.repr(s.dict.get('dim')!)}`);
  builtinModule('LogSoftmax', (s, a) => void s.dict.set('dim', a.get(0, 'dim', null)), (s, a) => {
    const x = a.tensor(0, 'input');
    return ops.logSoftmax(x, moduleDim(s, x, 'log_softmax'));
  }, (s) => `dim=${ip.repr(s.dict.get('dim')!)}`);
  builtinModule('Flatten', (s, a) => {
    s.dict.set('start_dim', BigInt(a.int(0, 'start_dim', 1)));
    s.dict.set('end_dim', BigInt(a.int(1, 'end_dim', -1)));
  }, (s, a) => ops.flatten(a.tensor(0, 'input'), Number(s.dict.get('start_dim')), Number(s.dict.get('end_dim'))), (s) => `start_dim=${s.dict.get('start_dim')}, end_dim=${s.dict.get('end_dim')}`);
  const newParam = (t: Tensor) => {
    t.isParameter = true;
    t.setRequiresGrad(true);
    return t;
  };
  builtinModule(
    'LayerNorm',
    (self, a) => {
      const ns = a.get(0, 'normalized_shape');
      const shape = typeof ns === 'bigint' ? [Number(ns)] : seqInts(ns, 'LayerNorm');
      self.dict.set('normalized_shape', new PyTuple(shape.map((n) => BigInt(n))));
      self.dict.set('eps', a.get(1, 'eps', 1e-5));
      const affine = a.bool(2, 'elementwise_affine', true);
      self.dict.set('elementwise_affine', affine);
      if (affine) {
        ip.setattr(self, 'weight', newParam(ops.ones(shape, 'float32')));
        ip.setattr(self, 'bias', newParam(ops.zeros(shape, 'float32')));
      } else {
        moduleState(self).params.set('weight', null);
        moduleState(self).params.set('bias', null);
      }
    },
    (self, a) => {
      const shape = seqInts(self.dict.get('normalized_shape')!, 'layer_norm');
      return ops.layerNorm(a.tensor(0, 'input'), shape, ip.getattr(self, 'weight') as Tensor | null, ip.getattr(self, 'bias') as Tensor | null, Number(self.dict.get('eps')));
    },
    (self) => `${ip.repr(self.dict.get('normalized_shape')!)}, eps=${ip.repr(self.dict.get('eps')!)}, elementwise_affine=${self.dict.get('elementwise_affine') ? 'True' : 'False'}`,
  );
  builtinModule(
    'BatchNorm1d',
    (self, a) => {
      const n = a.int(0, 'num_features');
      self.dict.set('num_features', BigInt(n));
      self.dict.set('eps', a.get(1, 'eps', 1e-5));
      self.dict.set('momentum', a.get(2, 'momentum', 0.1));
      const affine = a.bool(3, 'affine', true);
      const track = a.bool(4, 'track_running_stats', true);
      self.dict.set('affine', affine);
      self.dict.set('track_running_stats', track);
      if (affine) {
        ip.setattr(self, 'weight', newParam(ops.ones([n], 'float32')));
        ip.setattr(self, 'bias', newParam(ops.zeros([n], 'float32')));
      } else {
        moduleState(self).params.set('weight', null);
        moduleState(self).params.set('bias', null);
      }
      const bufs = (moduleState(self).buffers ??= new Map());
      bufs.set('running_mean', track ? ops.zeros([n], 'float32') : null);
      bufs.set('running_var', track ? ops.ones([n], 'float32') : null);
      bufs.set('num_batches_tracked', track ? Tensor.scalar(0, 'int64') : null);
    },
    (self, a) => {
      const x = a.tensor(0, 'input');
      if (x.ndim !== 2 && x.ndim !== 3) throw new PyError('ValueError', `expected 2D or 3D input (got ${x.ndim}D input)`);
      const st = moduleState(self);
      const bufs = st.buffers!;
      const mom = self.dict.get('momentum');
      const nbt = bufs.get('num_batches_tracked');
      let factor = mom === null ? 0 : Number(mom);
      if (st.training && self.dict.get('track_running_stats') && nbt) {
        noGrad(() => ops.applyInPlace(nbt, (old) => ops.add(old, 1n)));
        if (mom === null) factor = 1 / nbt.item();
      }
      const rm = bufs.get('running_mean') ?? null;
      const rv = bufs.get('running_var') ?? null;
      const bnTraining = st.training || (rm === null && rv === null);
      return ops.batchNorm(x, rm, rv, ip.getattr(self, 'weight') as Tensor | null, ip.getattr(self, 'bias') as Tensor | null, bnTraining, factor, Number(self.dict.get('eps')));
    },
    (self) =>
      `${self.dict.get('num_features')}, eps=${ip.repr(self.dict.get('eps')!)}, momentum=${ip.repr(self.dict.get('momentum')!)}, affine=${self.dict.get('affine') ? 'True' : 'False'}, track_running_stats=${self.dict.get('track_running_stats') ? 'True' : 'False'}`,
  );
  builtinModule(
    'Embedding',
    (self, a) => {
      const num = a.int(0, 'num_embeddings');
      const dim = a.int(1, 'embedding_dim');
      let pad = a.get(2, 'padding_idx', null);
      if (pad !== null) {
        let p = Number(pad);
        if (p >= num || p < -num) throw new PyError('AssertionError', 'Padding_idx must be within num_embeddings');
        if (p < 0) p += num;
        pad = BigInt(p);
      }
      for (const k of ['max_norm', 'scale_grad_by_freq', 'sparse', '_weight']) {
        if (a.kw.has(k) && a.kw.get(k) !== null && a.kw.get(k) !== false) throw new PyError('NotImplementedError', `nn.Embedding(${k}=...) is not supported by Autograd Lens yet`);
      }
      self.dict.set('num_embeddings', BigInt(num));
      self.dict.set('embedding_dim', BigInt(dim));
      self.dict.set('padding_idx', pad);
      const w = newParam(ops.zeros([num, dim], 'float32'));
      noGrad(() => rt.randomFill(w, (out) => rng.normalFill(rt.gen, out, 0, 1)));
      if (pad !== null) {
        const v = w.storage.data;
        for (let j = 0; j < dim; j++) v[Number(pad) * dim + j] = 0;
      }
      ip.setattr(self, 'weight', w);
    },
    (self, a) => {
      const pad = self.dict.get('padding_idx');
      return ops.embedding(a.tensor(0, 'input'), ip.getattr(self, 'weight') as Tensor, pad === null ? null : Number(pad));
    },
    (self) => `${self.dict.get('num_embeddings')}, ${self.dict.get('embedding_dim')}` + (self.dict.get('padding_idx') !== null ? `, padding_idx=${self.dict.get('padding_idx')}` : ''),
  );
  // convolutions and pooling
  const tupleOf = (v: PyValue, n: number, what: string): number[] => {
    if (typeof v === 'bigint' || typeof v === 'number') return new Array<number>(n).fill(Number(v));
    const t = seqInts(v, what);
    if (t.length !== n) throw new PyError('ValueError', `${what} must be an int or a tuple of ${n} ints`);
    return t;
  };
  const pyTuple = (xs: number[]) => new PyTuple(xs.map((x) => BigInt(x)));
  for (const sd of [1, 2]) {
    builtinModule(
      `Conv${sd}d`,
      (self, a) => {
        const inC = a.int(0, 'in_channels');
        const outC = a.int(1, 'out_channels');
        const k = tupleOf(a.get(2, 'kernel_size'), sd, 'kernel_size');
        const groups = a.int(6, 'groups', 1);
        const padV = a.get(4, 'padding', 0n);
        const mode = a.get(8, 'padding_mode', 'zeros');
        if (mode !== 'zeros') throw new PyError('NotImplementedError', `nn.Conv${sd}d(padding_mode='${String(mode)}') is not supported by Autograd Lens yet`);
        if (inC % groups !== 0) throw new PyError('ValueError', 'in_channels must be divisible by groups');
        if (outC % groups !== 0) throw new PyError('ValueError', 'out_channels must be divisible by groups');
        self.dict.set('in_channels', BigInt(inC));
        self.dict.set('out_channels', BigInt(outC));
        self.dict.set('kernel_size', pyTuple(k));
        self.dict.set('stride', pyTuple(tupleOf(a.get(3, 'stride', 1n), sd, 'stride')));
        self.dict.set('padding', typeof padV === 'string' ? padV : pyTuple(tupleOf(padV, sd, 'padding')));
        self.dict.set('dilation', pyTuple(tupleOf(a.get(5, 'dilation', 1n), sd, 'dilation')));
        self.dict.set('groups', BigInt(groups));
        self.dict.set('padding_mode', 'zeros');
        const fanIn = (inC / groups) * k.reduce((x, y) => x * y, 1);
        const { weight, bias } = rng.linearInit(rt.gen, fanIn, outC, a.bool(7, 'bias', true));
        ip.setattr(self, 'weight', param(weight, [outC, inC / groups, ...k]));
        if (bias) ip.setattr(self, 'bias', param(bias, [outC]));
        else moduleState(self).params.set('bias', null);
      },
      (self, a) => {
        const w = ip.getattr(self, 'weight') as Tensor;
        const ints = (k: string) => seqInts(self.dict.get(k)!, k);
        const padV = self.dict.get('padding')!;
        const dil = ints('dilation');
        const pad = typeof padV === 'string' ? samePadding(padV, w.shape.slice(2), dil, ints('stride')) : ints('padding');
        return ops.convolution(a.tensor(0, 'input'), w, ip.getattr(self, 'bias') as Tensor | null, { stride: ints('stride'), padding: pad, dilation: dil, groups: Number(self.dict.get('groups')) });
      },
      (self) => {
        const d = self.dict;
        const allEq = (k: string, v: number) => { const x = d.get(k)!; return x instanceof PyTuple && x.items.every((y) => Number(y) === v); };
        let r = `${d.get('in_channels')}, ${d.get('out_channels')}, kernel_size=${ip.repr(d.get('kernel_size')!)}, stride=${ip.repr(d.get('stride')!)}`;
        if (!allEq('padding', 0)) r += `, padding=${ip.str(d.get('padding')!)}`;
        if (!allEq('dilation', 1)) r += `, dilation=${ip.repr(d.get('dilation')!)}`;
        if (Number(d.get('groups')) !== 1) r += `, groups=${d.get('groups')}`;
        if (!moduleState(self).params.get('bias')) r += ', bias=False';
        return r;
      },
    );
  }
  const poolModule = (name: string, kind: 'max' | 'avg') =>
    builtinModule(
      name,
      (self, a) => {
        const k = a.get(0, 'kernel_size');
        const st = a.get(1, 'stride', null);
        self.dict.set('kernel_size', k);
        self.dict.set('stride', st === null ? k : st);
        self.dict.set('padding', a.get(2, 'padding', 0n));
        if (kind === 'max') {
          self.dict.set('dilation', a.get(3, 'dilation', 1n));
          if (a.bool(4, 'return_indices', false)) throw new PyError('NotImplementedError', 'MaxPool2d(return_indices=True) is not supported by Autograd Lens yet');
          self.dict.set('ceil_mode', a.bool(5, 'ceil_mode', false));
        } else {
          self.dict.set('ceil_mode', a.bool(3, 'ceil_mode', false));
          self.dict.set('count_include_pad', a.bool(4, 'count_include_pad', true));
        }
      },
      (self, a) => {
        const d = self.dict;
        const params = {
          kernel: tupleOf(d.get('kernel_size')!, 2, 'kernel_size'),
          stride: tupleOf(d.get('stride')!, 2, 'stride'),
          padding: tupleOf(d.get('padding')!, 2, 'padding'),
          dilation: tupleOf(d.get('dilation') ?? 1n, 2, 'dilation'),
          ceilMode: d.get('ceil_mode') === true,
        };
        return ops.pool2d(a.tensor(0, 'input'), params, kind, d.get('count_include_pad') !== false)[0];
      },
      (self) => {
        const d = self.dict;
        const r = `kernel_size=${ip.repr(d.get('kernel_size')!)}, stride=${ip.repr(d.get('stride')!)}, padding=${ip.repr(d.get('padding')!)}`;
        return kind === 'max' ? `${r}, dilation=${ip.repr(d.get('dilation')!)}, ceil_mode=${d.get('ceil_mode') ? 'True' : 'False'}` : r;
      },
    );
  poolModule('MaxPool2d', 'max');
  poolModule('AvgPool2d', 'avg');
  const loss = (name: string, f: (x: Tensor, y: Tensor, r: 'mean' | 'sum' | 'none') => Tensor) =>
    builtinModule(name, (s, a) => {
      unsupportedLossArgs(a, `nn.${name}`);
      s.dict.set('reduction', legacyReduction(a.kw.get('size_average'), a.kw.get('reduce')) ?? a.kw.get('reduction') ?? 'mean');
    }, (s, a) => f(a.tensor(0, 'input'), a.tensor(1, 'target'), s.dict.get('reduction') as 'mean'));
  loss('MSELoss', ops.mseLoss);
  loss('L1Loss', ops.l1Loss);
  loss('BCELoss', (x, y, r) => ops.binaryCrossEntropy(x, y, r));
  loss('CrossEntropyLoss', ops.crossEntropy);
  loss('BCEWithLogitsLoss', bceWithLogits);
  loss('NLLLoss', ops.nllLoss);
  builtinModule('SmoothL1Loss', (s, a) => {
    s.dict.set('reduction', a.kw.get('reduction') ?? 'mean');
    s.dict.set('beta', a.kw.get('beta') ?? 1.0);
  }, (s, a) => ops.smoothL1Loss(a.tensor(0, 'input'), a.tensor(1, 'target'), s.dict.get('reduction') as 'mean', Number(s.dict.get('beta'))));
  builtinModule('HuberLoss', (s, a) => {
    s.dict.set('reduction', a.kw.get('reduction') ?? 'mean');
    s.dict.set('delta', a.kw.get('delta') ?? 1.0);
  }, (s, a) => ops.huberLoss(a.tensor(0, 'input'), a.tensor(1, 'target'), s.dict.get('reduction') as 'mean', Number(s.dict.get('delta'))));
  const Sequential = builtinModule(
    'Sequential',
    (self, a) => {
      // Sequential(OrderedDict([('fc1', ...), ...])) names its children; otherwise 0, 1, 2, ...
      const only = a.args[0];
      if (a.args.length === 1 && only instanceof PyDict) for (const [k, m] of only.entries()) ip.setattr(self, String(k), m);
      else a.args.forEach((m, i) => ip.setattr(self, String(i), m));
    },
    (self, a) => {
      let x = a.get(0, 'input');
      for (const m of moduleState(self).modules.values()) x = ip.call(m, [x]);
      return x;
    },
  );
  /** The entries a Python slice selects. */
  const sliceEntries = <T>(items: T[], sl: PyTuple): T[] => {
    const n = items.length;
    const num = (v: PyValue, d: number) => (v === null ? d : Number(v));
    const step = num(sl.items[2], 1);
    if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
    const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const out: T[] = [];
    if (step > 0) {
      for (let i = norm(num(sl.items[0], 0), 0, n), e = norm(num(sl.items[1], n), 0, n); i < e; i += step) out.push(items[i]);
    } else {
      for (let i = norm(num(sl.items[0], n - 1), -1, n - 1), e = sl.items[1] === null ? -1 : norm(Number(sl.items[1]), -1, n - 1); i > e; i += step) out.push(items[i]);
    }
    return out;
  };
  const isSlice = (v: PyValue): v is PyTuple => v instanceof PyTuple && v.tag === 'slice';
  native(Sequential, '__getitem__', (self, a) => {
    const idx = a.get(0, 'idx');
    const entries = [...moduleState(self).modules];
    if (isSlice(idx)) {
      const seq = new PyInstance(Sequential);
      moduleState(seq);
      for (const [k, m] of sliceEntries(entries, idx)) ip.setattr(seq, k, m);
      return seq;
    }
    return entries[ip.normIndex(idx, entries.length)][1];
  });
  native(Sequential, 'append', (self, a) => {
    ip.setattr(self, String(moduleState(self).modules.size), a.get(0, 'module'));
    return self;
  });
  native(Sequential, '__len__', (self) => BigInt(moduleState(self).modules.size));
  native(Sequential, '__iter__', (self) => new PyList([...moduleState(self).modules.values()]));

  // ModuleList: an indexable list of registered submodules, without a forward of its own
  const ModuleList = builtinModule(
    'ModuleList',
    (self, a) => [...ip.iterate(a.get(0, 'modules', new PyList([])))].forEach((m, i) => ip.setattr(self, String(i), m)),
    () => {
      throw new PyError('NotImplementedError', 'Module [ModuleList] is missing the required "forward" function');
    },
  );
  native(ModuleList, '__getitem__', (self, a) => {
    const mods = [...moduleState(self).modules.values()];
    const idx = a.get(0, 'idx');
    if (isSlice(idx)) {
      const ml = new PyInstance(ModuleList);
      moduleState(ml);
      sliceEntries(mods, idx).forEach((m, i) => ip.setattr(ml, String(i), m));
      return ml;
    }
    return mods[ip.normIndex(a.get(0, 'idx'), mods.length)];
  });
  native(ModuleList, '__len__', (self) => BigInt(moduleState(self).modules.size));
  native(ModuleList, '__iter__', (self) => new PyList([...moduleState(self).modules.values()]));
  native(ModuleList, 'append', (self, a) => {
    ip.setattr(self, String(moduleState(self).modules.size), a.get(0, 'module'));
    return self;
  });

  // ModuleDict: registered submodules by key
  const ModuleDict = builtinModule(
    'ModuleDict',
    (self, a) => {
      const src = a.get(0, 'modules', null);
      if (src instanceof PyDict) for (const [k, m] of src.entries()) ip.setattr(self, String(k), m);
      else if (src !== null) for (const kv of ip.iterate(src)) ip.setattr(self, String((kv as PyTuple).items[0]), (kv as PyTuple).items[1]);
    },
    () => {
      throw new PyError('NotImplementedError', 'Module [ModuleDict] is missing the required "forward" function');
    },
  );
  native(ModuleDict, '__getitem__', (self, a) => {
    const k = String(a.get(0, 'key'));
    const m = moduleState(self).modules.get(k);
    if (!m) throw new PyError('KeyError', `'${k}'`);
    return m;
  });
  native(ModuleDict, '__setitem__', (self, a) => {
    ip.setattr(self, String(a.get(0, 'key')), a.get(1, 'module'));
    return null;
  });
  native(ModuleDict, '__len__', (self) => BigInt(moduleState(self).modules.size));
  native(ModuleDict, '__iter__', (self) => new PyList([...moduleState(self).modules.keys()]));
  native(ModuleDict, '__contains__', (self, a) => moduleState(self).modules.has(String(a.get(0, 'key'))));
  native(ModuleDict, 'keys', (self) => new PyList([...moduleState(self).modules.keys()]));
  native(ModuleDict, 'values', (self) => new PyList([...moduleState(self).modules.values()]));
  native(ModuleDict, 'items', (self) => new PyList([...moduleState(self).modules].map(([k, m]) => new PyTuple([k, m]))));
  native(Module, 'add_module', (self, a) => {
    const m = a.get(1, 'module');
    if (m !== null && !(m instanceof PyInstance && m.cls.isSubclassOf(Module))) throw new PyError('TypeError', `${ip.typeName(m)} is not a Module subclass`);
    ip.setattr(self, String(a.get(0, 'name')), m);
    return null;
  });

  // Dropout: identity in eval mode; in training mode ATen's bernoulli mask from the default generator
  builtinModule(
    'Dropout',
    (s, a) => {
      s.dict.set('p', a.num(0, 'p', 0.5));
      s.dict.set('inplace', a.bool(1, 'inplace', false));
    },
    (s, a) => {
      return dropout(rt.gen, a.tensor(0, 'input'), s.dict.get('p') as number, moduleState(s).training, s.dict.get('inplace') === true);
    },
    (s) => `p=${pyFloatRepr(s.dict.get('p') as number)}, inplace=${s.dict.get('inplace') ? 'True' : 'False'}`,
  );

  const init = new PyModule('torch.nn.init');
  const initFn = (name: string, f: (t: Tensor, a: Args) => void) =>
    init.attrs.set(name, new PyBuiltin(name, (args, kw) => {
      const a = new Args(name, args, kw);
      const t = a.tensor(0, 'tensor');
      noGrad(() => f(t, a));
      return t;
    }));
  initFn('constant_', (t, a) => noGrad(() => ops.fillInPlace(t, a.num(1, 'val'), 'FillBackward0')));
  initFn('zeros_', (t) => ops.fillInPlace(t, 0, 'ZeroBackward0'));
  initFn('ones_', (t) => ops.fillInPlace(t, 1, 'FillBackward0'));
  initFn('uniform_', (t, a) => rt.randomFill(t, (out) => rng.uniformFill(rt.gen, out, a.num(1, 'a', 0), a.num(2, 'b', 1))));
  initFn('normal_', (t, a) => rt.randomFill(t, (out) => rng.normalFill(rt.gen, out, a.num(1, 'mean', 0), a.num(2, 'std', 1))));
  // fan-based initialisers (torch/nn/init.py): bounds and stds computed in double, as Python does
  const fans = (t: Tensor): [number, number] => {
    if (t.ndim < 2) throw new PyError('ValueError', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
    const field = t.shape.slice(2).reduce((x, y) => x * y, 1);
    return [t.shape[1] * field, t.shape[0] * field];
  };
  const gainOf = (nonlinearity: string, param: number | null): number => {
    switch (nonlinearity) {
      case 'linear': case 'sigmoid': case 'conv1d': case 'conv2d': case 'conv3d':
        return 1;
      case 'tanh':
        return 5 / 3;
      case 'relu':
        return Math.sqrt(2.0);
      case 'leaky_relu': {
        const slope = param === null ? 0.01 : param;
        return Math.sqrt(2.0 / (1 + slope ** 2));
      }
      case 'selu':
        return 3.0 / 4;
    }
    throw new PyError('ValueError', `Unsupported nonlinearity ${nonlinearity}`);
  };
  init.attrs.set('calculate_gain', new PyBuiltin('calculate_gain', (args, kw) => {
    const a = new Args('calculate_gain', args, kw);
    const p = a.get(1, 'param', null);
    return gainOf(String(a.get(0, 'nonlinearity')), p === null ? null : Number(p));
  }));
  initFn('xavier_uniform_', (t, a) => {
    const [fi, fo] = fans(t);
    const bound = Math.sqrt(3.0) * (a.num(1, 'gain', 1) * Math.sqrt(2.0 / (fi + fo)));
    rt.randomFill(t, (out) => rng.uniformFill(rt.gen, out, -bound, bound));
  });
  initFn('xavier_normal_', (t, a) => {
    const [fi, fo] = fans(t);
    const std = a.num(1, 'gain', 1) * Math.sqrt(2.0 / (fi + fo));
    rt.randomFill(t, (out) => rng.normalFill(rt.gen, out, 0, std));
  });
  const kaiming = (t: Tensor, a: Args): number => {
    const [fi, fo] = fans(t);
    const mode = String(a.kw.get('mode') ?? 'fan_in');
    const fan = mode === 'fan_in' ? fi : fo;
    const slope = a.num(1, 'a', 0);
    return gainOf(String(a.kw.get('nonlinearity') ?? 'leaky_relu'), slope) / Math.sqrt(fan);
  };
  initFn('kaiming_uniform_', (t, a) => {
    const bound = Math.sqrt(3.0) * kaiming(t, a);
    rt.randomFill(t, (out) => rng.uniformFill(rt.gen, out, -bound, bound));
  });
  initFn('kaiming_normal_', (t, a) => {
    const std = kaiming(t, a);
    rt.randomFill(t, (out) => rng.normalFill(rt.gen, out, 0, std));
  });
  // torch.nn.utils: gradient clipping as torch/nn/utils/clip_grad.py (1.13) computes it
  const nnUtils = new PyModule('torch.nn.utils');
  const paramsWithGrad = (v: PyValue): Tensor[] => (v instanceof Tensor ? [v] : ([...ip.iterate(v)] as Tensor[])).filter((p) => p.grad);
  nnUtils.attrs.set('clip_grad_norm_', new PyBuiltin('clip_grad_norm_', (args, kw) => {
    const a = new Args('clip_grad_norm_', args, kw, true);
    const ps = paramsWithGrad(a.get(0, 'parameters'));
    const maxNorm = a.num(1, 'max_norm');
    const nt = a.get(2, 'norm_type', 2.0);
    const normType = nt === 'inf' ? Infinity : Number(nt);
    if (ps.length === 0) return Tensor.scalar(0, 'float32');
    return noGrad(() => {
      const total =
        normType === Infinity
          ? ps.length === 1
            ? ops.maxAll(ops.abs(ps[0].grad!), true)
            : ops.maxAll(ops.stack(ps.map((p) => ops.maxAll(ops.abs(p.grad!), true)), 0), true)
          : ops.norm(ops.stack(ps.map((p) => ops.norm(p.grad!, normType, null, false)), 0), normType, null, false);
      if (a.bool(3, 'error_if_nonfinite', false) && !Number.isFinite(total.item())) {
        throw new PyError('RuntimeError', `The total norm of order ${pyFloatRepr(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`error_if_nonfinite=False\``);
      }
      const coef = ops.clamp(ops.rdiv(ops.add(total, 1e-6), maxNorm), null, 1.0);
      for (const p of ps) ops.applyInPlace(p.grad!, (old) => ops.mul(old, coef));
      return total;
    });
  }));
  nnUtils.attrs.set('clip_grad_value_', new PyBuiltin('clip_grad_value_', (args, kw) => {
    const a = new Args('clip_grad_value_', args, kw, true);
    const v = a.num(1, 'clip_value');
    noGrad(() => {
      for (const p of paramsWithGrad(a.get(0, 'parameters'))) ops.applyInPlace(p.grad!, (old) => ops.clamp(old, -v, v));
    });
    return null;
  }));
  nn.attrs.set('utils', nnUtils);
  ip.modules.set('torch.nn.utils', nnUtils);
  nn.attrs.set('init', init);
  nn.attrs.set('functional', F);
  ip.modules.set('torch.nn.init', init);
  return nn;
}

function zeroGrad(p: Tensor, toNone: boolean): void {
  if (!p.grad) return;
  if (toNone) p.grad = null;
  else {
    if (p.grad.gradFn) p.grad = ops.detach(p.grad);
    noGrad(() => ops.fillInPlace(p.grad!, 0, 'ZeroBackward0'));
  }
}

// ---------------------------------------------------------------- optim

type OptimKind = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
const OPTIM_MODULE: Record<OptimKind, string> = {
  SGD: 'torch.optim.sgd', Adam: 'torch.optim.adam', AdamW: 'torch.optim.adamw', RMSprop: 'torch.optim.rmsprop', Adagrad: 'torch.optim.adagrad',
};
const OPTIM_STEP: Record<OptimKind, (s: OptimState) => void> = {
  SGD: (s) => sgdStep(s), Adam: (s) => adamStep(s, false), AdamW: (s) => adamStep(s, true), RMSprop: (s) => rmspropStep(s), Adagrad: (s) => adagradStep(s),
};

interface OptimState {
  kind: OptimKind;
  /** optimizer.step() calls since an lr scheduler was attached (its _step_count). */
  stepCount?: number;
  groups: PyDict[];
  state: PyDict;
}

function installOptim(ip: Interpreter, rt: TorchRuntime): PyModule {
  const optim = new PyModule('torch.optim');
  const Optimizer = new PyClass('Optimizer', [], 'torch.optim.optimizer');
  const native = (name: string, fn: (self: PyInstance, a: Args) => PyValue) =>
    Optimizer.dict.set(name, new PyBuiltin(name, (args, kw) => fn(args[0] as PyInstance, new Args(name, args.slice(1), kw))));
  const st = (self: PyInstance) => self.native as OptimState;
  native('zero_grad', (self, a) => {
    const toNone = a.bool(0, 'set_to_none', rt.zeroGradSetsNone);
    for (const g of st(self).groups) for (const p of (g.get('params') as PyList).items) zeroGrad(p as Tensor, toNone);
    return null;
  });
  native('step', (self) => {
    const params = st(self).groups.flatMap((g) => (g.get('params') as PyList).items as Tensor[]).filter((p) => p.grad);
    const snap = (t: Tensor) => Tensor.fromData(t.copyValues(), t.shape, t.dtype);
    const before = params.map(snap);
    noGrad(() => OPTIM_STEP[st(self).kind](st(self)));
    if (st(self).stepCount !== undefined) st(self).stepCount! += 1;
    rt.optimizerSteps.push({
      optimizer: st(self).kind,
      origin: ip.currentRange,
      params: params.map((p, i) => ({ tensor: p, before: before[i], after: snap(p) })),
    });
    return null;
  });
  native('__repr__', (self) => {
    let s = `${st(self).kind} (`;
    st(self).groups.forEach((g, i) => {
      s += `\nParameter Group ${i}`;
      for (const k of g.keys().filter((k) => k !== 'params').sort()) s += `\n    ${k}: ${ip.repr(g.get(k)!)}`;
    });
    return s + '\n)';
  });
  native('state_dict', (self) => {
    // Optimizer.state_dict(): parameters become their running index, groups keep their keys with params last
    const index = new Map<Tensor, bigint>();
    let next = 0n;
    const groups = st(self).groups.map((g) => {
      const packed = new PyDict();
      for (const k of g.keys()) if (k !== 'params') packed.set(k, g.get(k)!);
      const ids = (g.get('params') as PyList).items.map((p) => {
        if (!index.has(p as Tensor)) index.set(p as Tensor, next++);
        return index.get(p as Tensor)!;
      });
      packed.set('params', new PyList(ids));
      return packed;
    });
    const state = new PyDict();
    for (const [k, v] of st(self).state.entries()) state.set(k instanceof Tensor ? (index.get(k) ?? k) : k, v);
    return dictOf([['state', state], ['param_groups', new PyList(groups)]]);
  });
  native('add_param_group', (self, a) => {
    st(self).groups.push(a.get(0, 'param_group') as PyDict);
    return null;
  });
  const prevGet = rt.getattr.bind(rt);
  rt.getattr = (obj, name) => {
    if (obj instanceof PyInstance && obj.native && obj.cls.isSubclassOf(Optimizer)) {
      if (name === 'param_groups') return new PyList(st(obj).groups);
      if (name === 'state') return st(obj).state;
      if (name === 'defaults') return st(obj).groups[0];
    }
    return prevGet(obj, name);
  };

  const make = (kind: OptimKind, defaults: [string, PyValue][]) => {
    const cls = new PyClass(kind, [Optimizer], OPTIM_MODULE[kind]);
    cls.dict.set('__init__', new PyBuiltin('__init__', (args, kw) => {
      const self = args[0] as PyInstance;
      const a = new Args('__init__', args.slice(1), kw, true, kind);
      const paramsIn = a.get(0, 'params');
      if (paramsIn instanceof Tensor) {
        throw new PyError('TypeError', `params argument given to the optimizer should be an iterable of Tensors or dicts, but got ${legacyTypeName(paramsIn.dtype)}`);
      }
      for (const k of kw.keys()) {
        if (k !== 'params' && !defaults.some(([d]) => d === k)) throw new PyError('TypeError', `${kind}.__init__() got an unexpected keyword argument '${k}'`);
      }
      const paramsArg = [...ip.iterate(paramsIn)];
      if (paramsArg.length === 0) throw new PyError('ValueError', 'optimizer got an empty parameter list');
      checkHyper(kind, a);
      const groupsIn = paramsArg.length && paramsArg[0] instanceof PyDict ? (paramsArg as PyDict[]) : [dictOf([['params', new PyList(paramsArg)]])];
      const groups = groupsIn.map((gi) => {
        const g = new PyDict();
        g.set('params', new PyList([...ip.iterate(gi.get('params')!)]));
        defaults.forEach(([k, v], i) => {
          const given = gi.get(k) ?? (i === 0 ? (a.has(1, k) ? a.get(1, k) : undefined) : a.kw.get(k));
          if (given === undefined) {
            if (k === 'lr' && v === null) {
              throw new PyError('ValueError', "parameter group didn't specify a value of required optimization parameter lr");
            }
            g.set(k, v);
          } else g.set(k, given);
        });
        return g;
      });
      if (kind === 'SGD') {
        const g = groups[0];
        if (g.get('nesterov') === true && (Number(g.get('momentum')) <= 0 || Number(g.get('dampening')) !== 0)) {
          throw new PyError('ValueError', 'Nesterov momentum requires a momentum and zero dampening');
        }
      }
      const state = new PyDict();
      state.defaultDict = true;
      self.native = { kind, groups, state } satisfies OptimState;
      if (kind === 'Adagrad') {
        // Adagrad fills its state when constructed: step tensor(0.), sum = initial_accumulator_value
        for (const g of groups) {
          for (const p of (g.get('params') as PyList).items as Tensor[]) {
            state.set(p, dictOf([['step', Tensor.scalar(0, 'float32')], ['sum', ops.full(p.shape, Number(g.get('initial_accumulator_value')), p.dtype)]]));
          }
        }
      }
      return null;
    }));
    optim.attrs.set(kind, cls);
  };
  make('SGD', [
    ['lr', null], ['momentum', 0n], ['dampening', 0n], ['weight_decay', 0n], ['nesterov', false], ['maximize', false], ['foreach', null], ['differentiable', false],
  ]);
  make('Adam', [
    ['lr', 0.001], ['betas', new PyTuple([0.9, 0.999])], ['eps', 1e-8], ['weight_decay', 0n], ['amsgrad', false], ['maximize', false], ['foreach', null],
    ['capturable', false], ['differentiable', false], ['fused', false],
  ]);
  // the three below had no `differentiable` flag yet in 1.13 (it came with PRs #86096/#86183, after the branch cut)
  make('AdamW', [
    ['lr', 0.001], ['betas', new PyTuple([0.9, 0.999])], ['eps', 1e-8], ['weight_decay', 0.01], ['amsgrad', false], ['foreach', null], ['maximize', false],
    ['capturable', false],
  ]);
  make('RMSprop', [
    ['lr', 0.01], ['momentum', 0n], ['alpha', 0.99], ['eps', 1e-8], ['centered', false], ['weight_decay', 0n], ['foreach', null], ['maximize', false],
  ]);
  make('Adagrad', [
    ['lr', 0.01], ['lr_decay', 0n], ['eps', 1e-10], ['weight_decay', 0n], ['initial_accumulator_value', 0n], ['foreach', null], ['maximize', false],
  ]);
  installLrScheduler(ip, rt, optim, Optimizer);
  return optim;
}

/** A scheduler's state: the chainable 1.13 forms of StepLR, MultiStepLR, ExponentialLR, LambdaLR. */
interface SchedState {
  opt: OptimState;
  lastEpoch: number;
  stepCount: number;
  baseLrs: number[];
  lastLr: number[];
  getLr: (s: SchedState) => PyValue[];
}

function installLrScheduler(ip: Interpreter, rt: TorchRuntime, optim: PyModule, Optimizer: PyClass): void {
  const sched = new PyModule('torch.optim.lr_scheduler');
  const Base = new PyClass('_LRScheduler', [], 'torch.optim.lr_scheduler');
  const groupsOf = (s: SchedState) => s.opt.groups;
  const stepSched = (s: SchedState) => {
    if (s.stepCount === 1 && (s.opt.stepCount ?? 0) < 1) {
      warn(
        'UserWarning',
        'Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate',
        'library',
      );
    }
    s.stepCount += 1;
    s.lastEpoch += 1;
    const values = s.getLr(s);
    groupsOf(s).forEach((g, i) => g.set('lr', values[i]));
    s.lastLr = groupsOf(s).map((g) => Number(g.get('lr')));
  };
  const lrs = (s: SchedState) => groupsOf(s).map((g) => g.get('lr')!);
  const times = (v: PyValue, k: number): PyValue => Number(v) * k;
  const make = (name: string, setup: (self: PyInstance, a: Args) => (s: SchedState) => PyValue[]) => {
    const cls = new PyClass(name, [Base], 'torch.optim.lr_scheduler');
    cls.dict.set('__init__', new PyBuiltin('__init__', (args, kw) => {
      const self = args[0] as PyInstance;
      const a = new Args(name, args.slice(1), kw, true, name);
      const o = a.get(0, 'optimizer');
      if (!(o instanceof PyInstance && o.cls.isSubclassOf(Optimizer))) throw new PyError('TypeError', `${ip.typeName(o)} is not an Optimizer`);
      const opt = o.native as OptimState;
      for (const g of opt.groups) if (!g.has('initial_lr')) g.set('initial_lr', g.get('lr')!);
      const getLr = setup(self, a);
      opt.stepCount = 0;
      const s: SchedState = { opt, lastEpoch: -1, stepCount: 0, baseLrs: opt.groups.map((g) => Number(g.get('initial_lr'))), lastLr: [], getLr };
      self.native = s;
      self.dict.set('optimizer', o);
      stepSched(s);
      return null;
    }));
    sched.attrs.set(name, cls);
  };
  const native = (n: string, fn: (s: SchedState, a: Args) => PyValue) =>
    Base.dict.set(n, new PyBuiltin(n, (args, kw) => fn((args[0] as PyInstance).native as SchedState, new Args(n, args.slice(1), kw, true))));
  native('step', (s, a) => {
    if (a.get(0, 'epoch', null) !== null) throw new PyError('NotImplementedError', 'lr_scheduler.step(epoch) is not supported by Autograd Lens yet');
    stepSched(s);
    return null;
  });
  native('get_last_lr', (s) => new PyList(s.lastLr));
  native('state_dict', (s) => {
    const d = new PyDict();
    d.set('base_lrs', new PyList(s.baseLrs));
    d.set('last_epoch', BigInt(s.lastEpoch));
    d.set('_step_count', BigInt(s.stepCount));
    d.set('_get_lr_called_within_step', false);
    d.set('_last_lr', new PyList(s.lastLr));
    return d;
  });
  const prevGet = rt.getattr.bind(rt);
  rt.getattr = (obj, n) => {
    if (obj instanceof PyInstance && obj.native && obj.cls.isSubclassOf(Base)) {
      const s = obj.native as SchedState;
      if (n === 'last_epoch') return BigInt(s.lastEpoch);
      if (n === 'base_lrs') return new PyList(s.baseLrs);
    }
    return prevGet(obj, n);
  };
  make('StepLR', (self, a) => {
    const size = a.int(1, 'step_size');
    const gamma = a.num(2, 'gamma', 0.1);
    return (s) => (s.lastEpoch === 0 || s.lastEpoch % size !== 0 ? lrs(s) : lrs(s).map((v) => times(v, gamma)));
  });
  make('ExponentialLR', (self, a) => {
    const gamma = a.num(1, 'gamma');
    return (s) => (s.lastEpoch === 0 ? lrs(s) : lrs(s).map((v) => times(v, gamma)));
  });
  make('MultiStepLR', (self, a) => {
    const counts = new Map<number, number>();
    for (const m of ip.iterate(a.get(1, 'milestones'))) counts.set(Number(m), (counts.get(Number(m)) ?? 0) + 1);
    const gamma = a.num(2, 'gamma', 0.1);
    return (s) => (counts.has(s.lastEpoch) ? lrs(s).map((v) => times(v, Math.pow(gamma, counts.get(s.lastEpoch)!))) : lrs(s));
  });
  make('CosineAnnealingLR', (self, a) => {
    // the chainable form of torch/optim/lr_scheduler.py (1.13)
    const tMax = a.num(1, 'T_max');
    const etaMin = a.num(2, 'eta_min', 0);
    return (s) => {
      const e = s.lastEpoch;
      const cur = lrs(s).map(Number);
      if (e === 0) return lrs(s);
      if (s.stepCount === 1 && e > 0) return s.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
      if ((e - 1 - tMax) % (2 * tMax) === 0) return cur.map((lr, i) => lr + ((s.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
      return cur.map((lr) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin);
    };
  });
  make('LambdaLR', (self, a) => {
    const f = a.get(1, 'lr_lambda');
    return (s) => s.baseLrs.map((b) => {
      const r = ip.call(f, [BigInt(s.lastEpoch)]);
      return typeof r === 'bigint' ? b * Number(r) : b * Number(r);
    });
  });
  optim.attrs.set('lr_scheduler', sched);
  ip.modules.set('torch.optim.lr_scheduler', sched);
}

/** torch.optim's checks of the hyper-parameters, with its messages. */
function checkHyper(kind: OptimKind, a: Args): void {
  const val = (i: number, name: string): number | null => {
    const v = i === 1 ? a.get(1, name, null) : (a.kw.get(name) ?? null);
    return typeof v === 'number' || typeof v === 'bigint' ? Number(v) : null;
  };
  const lr = val(1, 'lr');
  const fmt = (name: string): string => {
    const v = name === 'lr' ? a.get(1, 'lr', null) : a.kw.get(name);
    return typeof v === 'number' ? pyFloatRepr(v) : String(v);
  };
  if (lr !== null && lr < 0) throw new PyError('ValueError', `Invalid learning rate: ${fmt('lr')}`);
  const nonNeg = (name: string, label: string) => {
    const v = val(-1, name);
    if (v !== null && v < 0) throw new PyError('ValueError', `Invalid ${label} value: ${fmt(name)}`);
  };
  if (kind === 'RMSprop') {
    nonNeg('eps', 'epsilon');
    nonNeg('momentum', 'momentum');
    nonNeg('weight_decay', 'weight_decay');
    nonNeg('alpha', 'alpha');
    return;
  }
  if (kind === 'Adagrad') {
    nonNeg('lr_decay', 'lr_decay');
    nonNeg('weight_decay', 'weight_decay');
    nonNeg('initial_accumulator_value', 'initial_accumulator_value');
    nonNeg('eps', 'epsilon');
    return;
  }
  if (kind === 'SGD') {
    const m = val(-1, 'momentum');
    if (m !== null && m < 0) throw new PyError('ValueError', `Invalid momentum value: ${fmt('momentum')}`);
    const wd = val(-1, 'weight_decay');
    if (wd !== null && wd < 0) throw new PyError('ValueError', `Invalid weight_decay value: ${fmt('weight_decay')}`);
  } else {
    const eps = val(-1, 'eps');
    if (eps !== null && eps < 0) throw new PyError('ValueError', `Invalid epsilon value: ${fmt('eps')}`);
    const betas = a.kw.get('betas');
    if (betas instanceof PyTuple) {
      betas.items.forEach((b, i) => {
        const x = Number(b);
        if (!(x >= 0 && x < 1)) throw new PyError('ValueError', `Invalid beta parameter at index ${i}: ${typeof b === 'number' ? pyFloatRepr(b) : String(b)}`);
      });
    }
    const wd = val(-1, 'weight_decay');
    if (wd !== null && wd < 0) throw new PyError('ValueError', `Invalid weight_decay value: ${fmt('weight_decay')}`);
  }
}

function dictOf(entries: [string, PyValue][]): PyDict {
  const d = new PyDict();
  for (const [k, v] of entries) d.set(k, v);
  return d;
}

const num = (v: PyValue | undefined): number => Number(v);

/** One SGD step, as torch.optim.SGD (1.13 single-tensor path) computes it. */
function sgdStep(s: OptimState): void {
  for (const g of s.groups) {
    const lr = num(g.get('lr'));
    const momentum = num(g.get('momentum'));
    const dampening = num(g.get('dampening'));
    const wd = num(g.get('weight_decay'));
    const nesterov = g.get('nesterov') === true;
    const maximize = g.get('maximize') === true;
    for (const pv of (g.get('params') as PyList).items) {
      const p = pv as Tensor;
      if (!p.grad) continue;
      let d = maximize ? ops.neg(p.grad) : p.grad;
      if (wd !== 0) d = ops.add(d, p, wd);
      // 1.13 writes state[p]['momentum_buffer'] after every step, None without momentum
      let entry = s.state.get(p) as PyDict | undefined;
      if (!entry) {
        entry = new PyDict();
        s.state.set(p, entry);
      }
      if (momentum === 0) entry.set('momentum_buffer', null);
      if (momentum !== 0) {
        let buf = entry.get('momentum_buffer') as Tensor | undefined;
        if (!buf) {
          buf = Tensor.fromData(d.copyValues(), d.shape, d.dtype);
          entry.set('momentum_buffer', buf);
        } else {
          ops.applyInPlace(buf, (old) => ops.add(ops.mul(old, momentum), d, 1 - dampening));
        }
        d = nesterov ? ops.add(d, buf, momentum) : buf;
      }
      ops.applyInPlace(p, (old) => ops.add(old, d, -lr));
    }
  }
}

/** One RMSprop step, as torch.optim.RMSprop (1.13 single-tensor path) computes it. */
function rmspropStep(s: OptimState): void {
  for (const g of s.groups) {
    const lr = num(g.get('lr'));
    const alpha = num(g.get('alpha'));
    const eps = num(g.get('eps'));
    const wd = num(g.get('weight_decay'));
    const momentum = num(g.get('momentum'));
    const centered = g.get('centered') === true;
    const maximize = g.get('maximize') === true;
    for (const pv of (g.get('params') as PyList).items) {
      const p = pv as Tensor;
      if (!p.grad) continue;
      let entry = s.state.get(p) as PyDict | undefined;
      if (!entry) {
        entry = new PyDict();
        entry.set('step', 0n);
        entry.set('square_avg', ops.zeros(p.shape, p.dtype));
        if (momentum > 0) entry.set('momentum_buffer', ops.zeros(p.shape, p.dtype));
        if (centered) entry.set('grad_avg', ops.zeros(p.shape, p.dtype));
        s.state.set(p, entry);
      }
      entry.set('step', (entry.get('step') as bigint) + 1n);
      let grad = maximize ? ops.neg(p.grad) : p.grad;
      if (wd !== 0) grad = ops.add(grad, p, wd);
      const sq = entry.get('square_avg') as Tensor;
      ops.applyInPlace(sq, (old) => ops.addcmul(ops.mul(old, alpha), grad, grad, 1 - alpha));
      let avg: Tensor;
      if (centered) {
        const ga = entry.get('grad_avg') as Tensor;
        ops.applyInPlace(ga, (old) => ops.add(ops.mul(old, alpha), grad, 1 - alpha));
        avg = ops.sqrt(ops.addcmul(sq, ga, ga, -1n));
      } else avg = ops.sqrt(sq);
      avg = ops.add(avg, eps);
      if (momentum > 0) {
        const buf = entry.get('momentum_buffer') as Tensor;
        ops.applyInPlace(buf, (old) => ops.addcdiv(ops.mul(old, momentum), grad, avg));
        ops.applyInPlace(p, (old) => ops.add(old, buf, -lr));
      } else {
        ops.applyInPlace(p, (old) => ops.addcdiv(old, grad, avg, -lr));
      }
    }
  }
}

/** One Adagrad step, as torch.optim.Adagrad (1.13 single-tensor path) computes it. */
function adagradStep(s: OptimState): void {
  for (const g of s.groups) {
    const lr = num(g.get('lr'));
    const lrDecay = num(g.get('lr_decay'));
    const eps = num(g.get('eps'));
    const wd = num(g.get('weight_decay'));
    const maximize = g.get('maximize') === true;
    for (const pv of (g.get('params') as PyList).items) {
      const p = pv as Tensor;
      if (!p.grad) continue;
      const entry = s.state.get(p) as PyDict;
      const stepT = entry.get('step') as Tensor;
      ops.applyInPlace(stepT, (old) => ops.add(old, 1n));
      const step = stepT.item();
      let grad = maximize ? ops.neg(p.grad) : p.grad;
      if (wd !== 0) grad = ops.add(grad, p, wd);
      const clr = lr / (1 + (step - 1) * lrDecay);
      const sum = entry.get('sum') as Tensor;
      ops.applyInPlace(sum, (old) => ops.addcmul(old, grad, grad, 1n));
      const std = ops.add(ops.sqrt(sum), eps);
      ops.applyInPlace(p, (old) => ops.addcdiv(old, grad, std, -clr));
    }
  }
}

/**
 * One Adam step, as torch.optim.Adam (1.13 single-tensor path) computes it, op by op in float32;
 * AdamW (decoupled) first scales the parameter by 1 - lr * weight_decay instead of adding it to the gradient.
 */
function adamStep(s: OptimState, decoupled: boolean): void {
  for (const g of s.groups) {
    const lr = num(g.get('lr'));
    const [b1, b2] = (g.get('betas') as PyTuple).items.map(Number);
    const eps = num(g.get('eps'));
    const wd = num(g.get('weight_decay'));
    const maximize = g.get('maximize') === true;
    const amsgrad = g.get('amsgrad') === true;
    for (const pv of (g.get('params') as PyList).items) {
      const p = pv as Tensor;
      if (!p.grad) continue;
      let grad = maximize ? ops.neg(p.grad) : p.grad;
      let entry = s.state.get(p) as PyDict | undefined;
      if (!entry) {
        entry = new PyDict();
        entry.set('step', Tensor.scalar(0, 'float32'));
        entry.set('exp_avg', ops.zeros(p.shape, p.dtype));
        entry.set('exp_avg_sq', ops.zeros(p.shape, p.dtype));
        if (amsgrad) entry.set('max_exp_avg_sq', ops.zeros(p.shape, p.dtype));
        s.state.set(p, entry);
      }
      const stepT = entry.get('step') as Tensor;
      const m = entry.get('exp_avg') as Tensor;
      const v = entry.get('exp_avg_sq') as Tensor;
      ops.applyInPlace(stepT, (old) => ops.add(old, 1n));
      if (decoupled) ops.applyInPlace(p, (old) => ops.mul(old, 1 - lr * wd));
      else if (wd !== 0) grad = ops.add(grad, p, wd);
      ops.applyInPlace(m, (old) => ops.add(ops.mul(old, b1), grad, 1 - b1));
      ops.applyInPlace(v, (old) => ops.addcmul(ops.mul(old, b2), grad, grad, 1 - b2));
      const step = stepT.item();
      const bc1 = 1 - Math.pow(b1, step);
      const bc2 = 1 - Math.pow(b2, step);
      const stepSize = lr / bc1;
      let second = v;
      if (amsgrad) {
        const mx = entry.get('max_exp_avg_sq') as Tensor;
        ops.applyInPlace(mx, (old) => ops.maximum(old, v));
        second = mx;
      }
      const denom = ops.add(ops.div(ops.sqrt(second), Math.sqrt(bc2)), eps);
      ops.applyInPlace(p, (old) => ops.addcdiv(old, m, denom, -stepSize));
    }
  }
}

// ---------------------------------------------------------------- numpy and math

function installMath(): PyModule {
  const m = new PyModule('math');
  const domain = () => new PyError('ValueError', 'math domain error');
  const range = () => new PyError('OverflowError', 'math range error');
  // CPython's math functions take any real number (int, float, bool, or an object with __float__ such as a 1-element tensor)
  const real = (v: PyValue | undefined): number => {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Tensor) return Number(scalarOfTensor(v, 'float'));
    throw new PyError('TypeError', `must be real number, not ${v === undefined ? 'NoneType' : typeName(v)}`);
  };
  const toIntegral = (x: number): bigint => {
    if (Number.isNaN(x)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(x)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return BigInt(x);
  };
  const intArg = (v: PyValue | undefined, fname: string): bigint => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (v instanceof Tensor && !isFloating(v.dtype) && v.numel === 1) return BigInt(v.item());
    throw new PyError('TypeError', `'${v === undefined ? 'NoneType' : typeName(v)}' object cannot be interpreted as an integer`);
  };
  const typeName = (v: PyValue): string =>
    v === null ? 'NoneType' : typeof v === 'string' ? 'str' : v instanceof PyList ? 'list' : v instanceof PyTuple ? 'tuple' : v instanceof PyDict ? 'dict' : 'object';
  /** A libm-style function of floats: nan in gives nan out; a nan or inf out of finite input is a domain or range error. */
  const f = (name: string, fn: (...x: number[]) => number, overflowIsRange = true) =>
    m.attrs.set(name, new PyBuiltin(name, (args) => {
      const xs = args.map(real);
      const r = fn(...xs);
      if (Number.isNaN(r) && !xs.some(Number.isNaN)) throw domain();
      if (!Number.isFinite(r) && !Number.isNaN(r) && xs.every(Number.isFinite)) throw overflowIsRange ? range() : domain();
      return r;
    }));
  f('sqrt', Math.sqrt);
  f('exp', Math.exp);
  f('expm1', Math.expm1);
  f('log', (x, b) => {
    if (x <= 0 || (b !== undefined && b <= 0)) return NaN;
    return b === undefined ? Math.log(x) : Math.log(x) / Math.log(b);
  }, false);
  f('log10', (x) => (x <= 0 ? NaN : Math.log10(x)), false);
  f('log2', (x) => (x <= 0 ? NaN : Math.log2(x)), false);
  f('log1p', (x) => (x <= -1 ? NaN : Math.log1p(x)), false);
  f('sin', Math.sin);
  f('cos', Math.cos);
  f('tan', Math.tan);
  f('asin', Math.asin);
  f('acos', Math.acos);
  f('atan', Math.atan);
  f('atan2', Math.atan2);
  f('sinh', Math.sinh);
  f('cosh', Math.cosh);
  f('tanh', Math.tanh);
  f('asinh', Math.asinh);
  f('acosh', Math.acosh);
  f('atanh', (x) => (Math.abs(x) >= 1 ? NaN : Math.atanh(x)), false);
  f('pow', (x, y) => {
    if (x === 0 && y < 0) return NaN;
    return Math.pow(x, y);
  }, true);
  f('fabs', Math.abs);
  f('hypot', Math.hypot);
  f('degrees', (x) => (x * 180) / Math.PI);
  f('radians', (x) => (x * Math.PI) / 180);
  f('copysign', (x, y) => (Object.is(y, -0) || y < 0 ? -Math.abs(x) : Math.abs(x)));
  f('fmod', (x, y) => (y === 0 ? NaN : x % y));
  f('cbrt', Math.cbrt);
  f('exp2', (x) => Math.pow(2, x));
  const pred = (name: string, fn: (x: number) => boolean) => m.attrs.set(name, new PyBuiltin(name, ([x]) => fn(real(x))));
  pred('isnan', Number.isNaN);
  pred('isinf', (x) => x === Infinity || x === -Infinity);
  pred('isfinite', Number.isFinite);
  const rounding = (name: string, fn: (x: number) => number) =>
    m.attrs.set(name, new PyBuiltin(name, ([x]) => (typeof x === 'bigint' ? x : typeof x === 'boolean' ? (x ? 1n : 0n) : toIntegral(fn(real(x))))));
  rounding('floor', Math.floor);
  rounding('ceil', Math.ceil);
  rounding('trunc', Math.trunc);
  m.attrs.set('isclose', new PyBuiltin('isclose', ([a, b], kw) => {
    const x = real(a);
    const y = real(b);
    const rel = kw.has('rel_tol') ? real(kw.get('rel_tol')) : 1e-9;
    const abs = kw.has('abs_tol') ? real(kw.get('abs_tol')) : 0;
    if (x === y) return true;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
    const d = Math.abs(x - y);
    return d <= Math.abs(rel * y) || d <= Math.abs(rel * x) || d <= abs;
  }));
  m.attrs.set('factorial', new PyBuiltin('factorial', ([x]) => {
    if (typeof x === 'number') throw new PyError('TypeError', "'float' object cannot be interpreted as an integer");
    const n = intArg(x, 'factorial');
    if (n < 0n) throw new PyError('ValueError', 'factorial() not defined for negative values');
    let r = 1n;
    for (let i = 2n; i <= n; i++) r *= i;
    return r;
  }));
  m.attrs.set('gcd', new PyBuiltin('gcd', (args) => {
    let g = 0n;
    for (const v of args) {
      let b = intArg(v, 'gcd');
      if (b < 0n) b = -b;
      let a = g;
      while (b !== 0n) [a, b] = [b, a % b];
      g = a;
    }
    return g;
  }));
  m.attrs.set('pi', Math.PI);
  m.attrs.set('e', Math.E);
  m.attrs.set('tau', 2 * Math.PI);
  m.attrs.set('inf', Infinity);
  m.attrs.set('nan', NaN);
  return m;
}

export { sizeOf };
