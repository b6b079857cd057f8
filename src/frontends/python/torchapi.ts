import {
  backwardSteps,
  BackwardEvent,
  DType,
  isFloating,
  isGradEnabled,
  Node,
  noGrad,
  ops,
  promoteTypes,
  scalarTypeName,
  setCurrentOrigin,
  setGradEnabled,
  Tensor,
  TorchError,
  torchName,
  warn,
} from '../../core';
import { checkMethodCall } from './overloads';
import { applySetPrintOptions, defaultPrintOptions, formatTensor, PrintOptions } from '../../core/format/tensorRepr';
import { formatGeneral } from '../../core/format/numfmt';
import { isNpOperand, ndarrayAttr, npBinop, npCompare, npRepr, npStr } from './numpyapi';
import { Generator } from '../../core/random/generator';
import * as rng from '../../core/random/distributions';
import type * as A from './ast';
import { Args, pyTypeOf, seqInts, withTrackedKw } from './args';
import { scalarOfTensor, tensorToPython } from './builtins';
import { fakeAddress, HostOps, Interpreter } from './interp';
import {
  PyBuiltin,
  PyClass,
  PyContextManager,
  PyInstance,
  PyDict,
  PyDType,
  PyError,
  PyList,
  PyModule,
  PyNdArray,
  PyTuple,
  PyValue,
} from './values';

type Kw = Map<string, PyValue>;
type Method = (t: Tensor, a: Args) => PyValue;

const DTYPES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64',
  int64: 'int64', long: 'int64', int32: 'int32', int: 'int32', bool: 'bool',
};

/** A record of each backward pass, for the trace and the stepper. */
export interface BackwardPass {
  kind: 'backward' | 'grad';
  root: Tensor;
  gradient: Tensor | null;
  events: BackwardEvent[];
  origin: unknown;
}

/** A snapshot of the parameters an optimizer.step() changed. */
export interface OptimizerStepRecord {
  optimizer: string;
  origin: unknown;
  params: { tensor: Tensor; before: Tensor; after: Tensor }[];
}

/** The torch API on the core engine: the interpreter's host for tensors and the torch modules. */
/** Tensor properties defined in C++ without a setter (python_variable.cpp's getset table). */
const READONLY_TENSOR_ATTRS = new Set([
  'shape', 'dtype', 'device', 'is_leaf', 'grad_fn', 'ndim', 'T', 'mT', 'H', 'mH', 'is_cuda', 'is_sparse', 'is_quantized', 'is_meta',
  'is_complex', 'layout', '_version', 'output_nr', 'retains_grad', 'itemsize', 'nbytes', '_base', 'is_mps', 'is_nested', 'name', 'is_cpu',
]);

export class TorchRuntime implements HostOps {
  printOptions: PrintOptions = defaultPrintOptions();
  readonly gen = new Generator();
  readonly passes: BackwardPass[] = [];
  readonly optimizerSteps: OptimizerStepRecord[] = [];
  /** Every tensor the snippet created that is still reachable from the trace. */
  readonly dtypeObjs = new Map<DType, PyDType>();
  recordEvents = true;
  /** zero_grad()'s default: False in PyTorch 1.13 (grads become zeros), True from 2.0 (grads become None). */
  zeroGradSetsNone = false;
  private methods = new Map<string, Method>();
  /** Attributes user code set on tensors (a tensor's __dict__). */
  private tensorDicts = new WeakMap<Tensor, Map<string, PyValue>>();
  /** TORCH_WARN_ONCE warnings already raised in this process. */
  private warnedOnce = new Set<string>();
  warnOnce(message: string): void {
    if (this.warnedOnce.has(message)) return;
    this.warnedOnce.add(message);
    warn('UserWarning', message);
  }

  constructor(readonly ip: Interpreter) {
    for (const d of ['float32', 'float64', 'int64', 'int32', 'bool'] as DType[]) this.dtypeObjs.set(d, new PyDType(d));
    this.defineMethods();
  }

  dtypeObj(d: DType): PyDType {
    return this.dtypeObjs.get(d)!;
  }

  onStatement(range: A.Range): void {
    setCurrentOrigin(range);
  }

  // ------------------------------------------------------------------ conversions

  /** A Python value as a core operand (tensor or scalar), or undefined if it is not one. */
  operand(v: PyValue): Tensor | number | bigint | boolean | undefined {
    if (v instanceof Tensor) return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return v;
    if (v instanceof PyNdArray) return v.tensor;
    return undefined;
  }

  /** torch.tensor(data): nested lists of numbers/bools (or one-element tensors) to a tensor. */
  tensorFromData(data: PyValue, dtype?: DType): Tensor {
    if (data instanceof Tensor) {
      warn(
        'UserWarning',
        'To copy construct from a tensor, it is recommended to use sourceTensor.clone().detach() or sourceTensor.clone().detach().requires_grad_(True), rather than torch.tensor(sourceTensor).',
      );
      const c = Tensor.fromData(data.copyValues(), data.shape, data.dtype);
      return dtype ? noGrad(() => ops.cast(c, dtype)) : c;
    }
    if (data instanceof PyNdArray) return Tensor.fromData(data.tensor.copyValues(), data.tensor.shape, dtype ?? data.tensor.dtype);
    // as torch/csrc/utils/tensor_new.cpp: infer_scalar_type over everything, compute_sizes from the first
    // elements, then recursive_store checking each sequence against those sizes
    const infer = (v: PyValue): DType => {
      if (typeof v === 'boolean') return 'bool';
      if (typeof v === 'bigint') return 'int64';
      if (typeof v === 'number') return ops.getDefaultDtype();
      if (typeof v === 'string') throw new PyError('TypeError', `new(): invalid data type 'str'`);
      if (v instanceof Tensor) return v.dtype;
      // a NumPy float64 scalar is a Python float subclass (PyFloat_Check comes first): the default dtype
      if (v instanceof PyNdArray) return v.tensor.ndim === 0 && v.tensor.dtype === 'float64' ? ops.getDefaultDtype() : v.tensor.dtype;
      if (v instanceof PyList || v instanceof PyTuple) {
        if (v.items.length === 0) return ops.getDefaultDtype();
        return v.items.map(infer).reduce((a, b) => promoteTypes(a, b));
      }
      throw new PyError('RuntimeError', `Could not infer dtype of ${v === null ? 'NoneType' : pyTypeOf(v)}`);
    };
    const inferred = infer(data);
    const shape: number[] = [];
    for (let v: PyValue = data; v instanceof PyList || v instanceof PyTuple; v = v.items[0]) {
      shape.push(v.items.length);
      if (v.items.length === 0) break;
    }
    const dt = dtype ?? inferred;
    const flat: number[] = [];
    const store = (v: PyValue, dim: number): void => {
      if (dim === shape.length) {
        if (typeof v === 'boolean') flat.push(v ? 1 : 0);
        else if (typeof v === 'bigint' || typeof v === 'number') {
          if (typeof v === 'bigint' && !isFloating(dt) && (v > 9223372036854775807n || v < -9223372036854775808n)) {
            throw new PyError('RuntimeError', 'Overflow when unpacking long');
          }
          flat.push(Number(v));
        }
        else if (v instanceof Tensor || v instanceof PyNdArray) flat.push(Number(scalarOfTensor(v instanceof Tensor ? v : v.tensor, 'float')));
        else if (isFloating(dt)) throw new PyError('TypeError', `must be real number, not ${v === null ? 'NoneType' : pyTypeOf(v)}`);
        else throw new PyError('TypeError', `'${v === null ? 'NoneType' : pyTypeOf(v)}' object cannot be interpreted as an integer`);
        return;
      }
      let items: PyValue[];
      if (v instanceof PyList || v instanceof PyTuple) items = v.items;
      else if (v instanceof Tensor && v.ndim > 0) items = [...this.ip.iterate(v)];
      else throw new PyError('TypeError', 'not a sequence');
      if (items.length !== shape[dim]) {
        throw new PyError('ValueError', `expected sequence of length ${shape[dim]} at dim ${dim} (got ${items.length})`);
      }
      for (const x of items) store(x, dim + 1);
    };
    store(data, 0);
    return ops.fromValues(flat, shape, dt);
  }

  // ------------------------------------------------------------------ HostOps

  binop(op: string, a: PyValue, b: PyValue, inplace: boolean): PyValue | undefined {
    if ((a instanceof PyNdArray || b instanceof PyNdArray) && isNpOperand(a) && isNpOperand(b)) return npBinop(op, a, b);
    if (!(a instanceof Tensor) && !(b instanceof Tensor)) return undefined;
    const x = this.operand(a);
    const y = this.operand(b);
    if (x === undefined || y === undefined) {
      const other = x === undefined ? a : b;
      if (other instanceof PyList || other instanceof PyTuple) {
        throw new PyError('TypeError', 'only integer tensors of a single element can be converted to an index');
      }
      return undefined;
    }
    const compute = (p: Tensor | number | bigint | boolean, q: Tensor | number | bigint | boolean): Tensor => {
      const pt = p instanceof Tensor;
      const qt = q instanceof Tensor;
      switch (op) {
        case '+':
          return ops.add(p, q);
        case '-':
          return pt ? ops.sub(p, q) : ops.rsub(q as Tensor, p as number);
        case '*':
          return ops.mul(p, q);
        case '/':
          return pt ? ops.div(p, q) : ops.rdiv(q as Tensor, p as number);
        case '//':
          return ops.floorDivide(p, q);
        case '%':
          return ops.remainder(p, q);
        case '**':
          return pt && !qt ? ops.powScalar(p as Tensor, q as number) : ops.powTensor(p, q);
        case '@':
          if (!pt || !qt) throw new PyError('TypeError', `unsupported operand type(s) for @: '${pyTypeOf(a)}' and '${pyTypeOf(b)}'`);
          return ops.matmul(p as Tensor, q as Tensor);
        case '&':
          return ops.bitwise('and', p, q);
        case '|':
          return ops.bitwise('or', p, q);
        case '^':
          return ops.bitwise('xor', p, q);
      }
      throw new PyError('TypeError', `unsupported operand type(s) for ${op}: '${pyTypeOf(a)}' and '${pyTypeOf(b)}'`);
    };
    if (inplace && a instanceof Tensor && op !== '@') {
      return ops.applyInPlace(a, (old) => compute(old, y));
    }
    return compute(x, y);
  }

  unary(op: string, v: PyValue): PyValue | undefined {
    if (v instanceof Tensor) {
      if (op === '-') return ops.neg(v);
      if (op === '+') return v;
      if (op === '~') return ops.bitwiseNot(v);
    }
    if (v instanceof PyNdArray && op === '-') return new PyNdArray(ops.neg(v.tensor));
    return undefined;
  }

  compare(op: string, a: PyValue, b: PyValue): PyValue | undefined {
    if ((a instanceof PyNdArray || b instanceof PyNdArray) && isNpOperand(a) && isNpOperand(b) && op in { '==': 1, '!=': 1, '<': 1, '<=': 1, '>': 1, '>=': 1 }) {
      return npCompare(op, a, b);
    }
    if (!(a instanceof Tensor) && !(b instanceof Tensor)) return undefined;
    const x = this.operand(a);
    const y = this.operand(b);
    if (x === undefined || y === undefined) return op === '==' ? false : op === '!=' ? true : undefined;
    const names: Record<string, 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'> = { '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
    return ops.compare(names[op], x, y);
  }

  truthy(v: PyValue): boolean | undefined {
    if (v instanceof PyNdArray) {
      if (v.tensor.numel !== 1) {
        throw new PyError('ValueError', 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
      }
      return v.tensor.values()[0] !== 0;
    }
    if (v instanceof Tensor) {
      if (v.numel === 0) throw new PyError('RuntimeError', 'Boolean value of Tensor with no values is ambiguous');
      if (v.numel > 1) throw new PyError('RuntimeError', 'Boolean value of Tensor with more than one value is ambiguous');
      return v.values()[0] !== 0;
    }
    return undefined;
  }

  iterate(v: PyValue): Iterable<PyValue> | undefined {
    if (v instanceof Tensor) {
      if (v.ndim === 0) throw new PyError('TypeError', 'iteration over a 0-d tensor');
      return ops.unbind(v, 0);
    }
    if (v instanceof PyNdArray) {
      if (v.tensor.ndim === 0) throw new PyError('TypeError', 'iteration over a 0-d array');
      return ops.unbind(v.tensor, 0).map((t) => new PyNdArray(t));
    }
    return undefined;
  }

  len(v: PyValue): number | undefined {
    if (v instanceof Tensor) {
      if (v.ndim === 0) throw new PyError('TypeError', 'len() of a 0-d tensor');
      return v.shape[0];
    }
    if (v instanceof PyNdArray) return v.tensor.shape[0];
    return undefined;
  }

  typeName(v: PyValue): string | undefined {
    if (v instanceof Tensor) return v.isParameter ? 'Parameter' : 'Tensor';
    if (v instanceof Node) return v.isAccumulateGrad ? 'AccumulateGrad' : v.name;
    if (v instanceof PyDType) return 'dtype';
    if (v instanceof PyNdArray) return v.tensor.ndim === 0 ? v.tensor.dtype : 'ndarray';
    if (v instanceof PyContextManager) return v.typeName;
    return undefined;
  }

  repr(v: PyValue): string | undefined {
    if (v instanceof Tensor) return this.tensorRepr(v);
    if (typeof v === 'number') return pyFloatRepr(v);
    if (v instanceof Node) return `<${v.attrs.pyFunction ? 'torch.autograd.function.' : ''}${v.isAccumulateGrad ? 'AccumulateGrad' : v.name} object at ${fakeAddress(v)}>`;
    if (v instanceof PyDType) return torchName(v.dtype);
    if (v instanceof PyTuple && v.tag === 'Size') return `torch.Size([${v.items.map((x) => String(x)).join(', ')}])`;
    if (v instanceof PyTuple && v.tag === 'device') return `device(type='${String(v.items[0])}')`;
    if (v instanceof PyTuple && v.tag === '_IncompatibleKeys') {
      const [m, u] = v.items as PyList[];
      if (!m.items.length && !u.items.length) return '<All keys matched successfully>';
      return `_IncompatibleKeys(missing_keys=${this.ip.repr(m)}, unexpected_keys=${this.ip.repr(u)})`;
    }
    if (v instanceof PyNdArray) return npRepr(v);
    if (v instanceof PyContextManager) return `<torch.autograd.grad_mode.${v.typeName} object at ${fakeAddress(v)}>`;
    return undefined;
  }

  str(v: PyValue): string | undefined {
    if (v instanceof PyTuple && v.tag === 'device') return String(v.items[0]);
    return v instanceof PyNdArray && v.tensor.ndim > 0 ? npStr(v) : undefined;
  }

  tensorRepr(t: Tensor): string {
    const s = formatTensor(
      {
        shape: t.shape,
        dtype: t.dtype,
        data: t.values(),
        gradFn: t.gradFn ? t.gradFn.name : undefined,
        requiresGrad: t.requiresGrad,
        defaultFloatDtype: ops.getDefaultDtype(),
      },
      this.printOptions,
    );
    return t.isParameter ? 'Parameter containing:\n' + s : s;
  }

  getitem(obj: PyValue, idx: PyValue): PyValue | undefined {
    if (obj instanceof Tensor) return ops.getItem(obj, this.indexItems(idx));
    if (obj instanceof PyNdArray) return new PyNdArray(ops.getItem(obj.tensor, this.indexItems(idx)));
    return undefined;
  }

  setitem(obj: PyValue, idx: PyValue, value: PyValue): boolean {
    if (obj instanceof PyNdArray) {
      // NumPy assignment: scalars, arrays or nested lists, broadcast to the selection and cast to the array's dtype
      const items = this.indexItems(idx);
      const target = noGrad(() => ops.getItem(obj.tensor, items)).shape;
      const v =
        value instanceof PyNdArray ? value.tensor : value instanceof Tensor ? value : value instanceof PyList || value instanceof PyTuple ? this.tensorFromData(value, 'float64') : this.operand(value);
      if (v === undefined) throw new PyError('TypeError', `float() argument must be a string or a real number, not '${pyTypeOf(value)}'`);
      if (v instanceof Tensor) {
        const vs = v.shape;
        const fits = vs.length <= target.length ? vs.every((n, i) => n === 1 || n === target[target.length - vs.length + i]) : vs.slice(0, vs.length - target.length).every((n) => n === 1);
        if (!fits) {
          const tup = (sh: number[]) => `(${sh.join(', ')}${sh.length === 1 ? ',' : ''})`;
          throw new PyError('ValueError', `could not broadcast input array from shape ${tup(vs)} into shape ${tup(target)}`);
        }
        const src = vs.length > target.length ? ops.reshape(v, vs.slice(vs.length - target.length)) : v;
        noGrad(() => ops.setItem(obj.tensor, items, src));
      } else noGrad(() => ops.setItem(obj.tensor, items, Number(v)));
      return true;
    }
    if (!(obj instanceof Tensor)) return false;
    // THPVariable_setitem's valueToTensor takes a tensor, int, bool or float, nothing else (not a list, not an ndarray),
    // before it looks at the index
    const v = value instanceof PyNdArray ? undefined : this.operand(value);
    if (v === undefined) {
      const tn = value instanceof PyNdArray ? 'numpy.ndarray' : value === null ? 'NoneType' : pyTypeOf(value);
      throw new PyError('TypeError', `can't assign a ${tn} to a ${torchLegacy(obj.dtype)}`);
    }
    ops.setItem(obj, this.indexItems(idx), v instanceof Tensor ? v : Number(v));
    return true;
  }

  /** Python index expression to the core's index items. */
  indexItems(idx: PyValue): ops.IndexItem[] {
    const parts = idx instanceof PyTuple && idx.tag !== 'slice' && idx.tag !== 'ellipsis' ? idx.items : [idx];
    return parts.map((p): ops.IndexItem => {
      if (typeof p === 'bigint') return { kind: 'int', index: Number(p) };
      if (typeof p === 'boolean') return { kind: 'tensor', tensor: Tensor.scalar(p ? 1 : 0, 'bool') };
      if (p === null) return { kind: 'none' };
      if (p instanceof PyTuple && p.tag === 'ellipsis') return { kind: 'ellipsis' };
      if (p instanceof PyTuple && p.tag === 'slice') {
        const n = (x: PyValue) => (x === null ? null : Number(x instanceof Tensor ? x.item() : x));
        return { kind: 'slice', start: n(p.items[0]), stop: n(p.items[1]), step: n(p.items[2]) };
      }
      if (p instanceof Tensor) {
        if (p.ndim === 0 && (p.dtype === 'int64' || p.dtype === 'int32')) return { kind: 'int', index: p.item() };
        return { kind: 'tensor', tensor: p };
      }
      if (p instanceof PyList) return { kind: 'tensor', tensor: this.tensorFromData(p) };
      if (p instanceof PyNdArray) return { kind: 'tensor', tensor: p.tensor };
      throw new PyError(
        'IndexError',
        'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got ' + pyTypeOf(p) + ')',
      );
    });
  }

  setattr(obj: PyValue, name: string, v: PyValue): boolean {
    if (!(obj instanceof Tensor)) return false;
    switch (name) {
      case 'requires_grad':
        if (typeof v !== 'boolean') throw new PyError('RuntimeError', 'requires_grad must be a bool');
        this.setRequiresGrad(obj, v, 'attr');
        return true;
      case 'grad':
        if (v !== null && !(v instanceof Tensor)) throw new PyError('TypeError', `assigned grad expected to be a Tensor or None but got grad of type ${pyTypeOf(v)}`);
        if (v === obj) throw new PyError('RuntimeError', "can't assign Variable as its own grad");
        if (v instanceof Tensor && v.dtype !== obj.dtype) throw new PyError('RuntimeError', 'assigned grad has data of a different type');
        if (v instanceof Tensor && v.shape.join() !== obj.shape.join()) throw new PyError('RuntimeError', 'assigned grad has data of a different size');
        obj.grad = v as Tensor | null;
        return true;
      case 'data': {
        if (!(v instanceof Tensor)) throw new PyError('TypeError', `Variable data has to be a tensor, but got ${pyTypeOf(v)}`);
        obj.storage = v.storage;
        obj.shape = v.shape.slice();
        obj.strides = v.strides.slice();
        obj.offset = v.offset;
        obj.dtype = v.dtype;
        return true;
      }
    }
    if (READONLY_TENSOR_ATTRS.has(name)) throw new PyError('AttributeError', `attribute '${name}' of 'torch._C._TensorBase' objects is not writable`);
    // a tensor has a __dict__: other names become instance attributes (shadowing methods, as in Python)
    let d = this.tensorDicts.get(obj);
    if (!d) this.tensorDicts.set(obj, (d = new Map()));
    d.set(name, v);
    return true;
  }

  /**
   * `t.requires_grad = v` (via 'attr', THPVariable_set_requires_grad) or `t.requires_grad_(v)` and factories' requires_grad=
   * (via 'method', VariableType's requires_grad_ then AutogradMeta::set_requires_grad), each with its own checks and texts.
   */
  setRequiresGrad(t: Tensor, v: boolean, via: 'attr' | 'method' = 'method'): void {
    const leafError = (rg: boolean) =>
      new PyError(
        'RuntimeError',
        'you can only change requires_grad flags of leaf variables.' +
          (rg ? '' : " If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach()."),
      );
    if (via === 'attr') {
      if (!t.isLeaf) throw leafError(v);
      if (v && !isFloating(t.dtype)) throw new PyError('RuntimeError', 'only Tensors of floating point and complex dtype can require gradients');
    } else {
      if (!t.isLeaf && !v) throw leafError(v);
      if (v && !isFloating(t.dtype)) throw new PyError('RuntimeError', 'Only Tensors of floating point and complex dtype can require gradients');
      if (!t.isLeaf) return;
    }
    t.setRequiresGrad(v);
  }

  getattr(obj: PyValue, name: string): PyValue | undefined {
    if (obj instanceof Tensor) return this.tensorAttr(obj, name);
    if (obj instanceof Node) return this.nodeAttr(obj, name);
    if (obj instanceof PyDType) {
      if (name === 'is_floating_point') return isFloating(obj.dtype);
      if (name === 'itemsize') return BigInt({ float32: 4, float64: 8, int64: 8, int32: 4, bool: 1 }[obj.dtype]);
      return undefined;
    }
    if (obj instanceof PyTuple && obj.tag === 'Size') {
      if (name === 'numel') return new PyBuiltin('numel', () => BigInt(obj.items.reduce((a: number, x) => a * Number(x), 1)));
      if (name !== 'count' && name !== 'index') return undefined;
    }
    if (obj instanceof PyTuple && obj.tag === 'device') return name === 'type' ? obj.items[0] : name === 'index' ? null : undefined;
    if (obj instanceof PyTuple && obj.fields) {
      const i = obj.fields.indexOf(name);
      return i >= 0 ? obj.items[i] : undefined;
    }
    if (obj instanceof PyNdArray) return ndarrayAttr(this.ip, obj, name);
    if (typeof obj === 'number') {
      if (name === 'is_integer') return new PyBuiltin('is_integer', () => Number.isInteger(obj));
      if (name === 'real') return obj;
    }
    if (obj instanceof PyList) return listMethod(this.ip, obj, name);
    if (obj instanceof PyDict) return dictMethod(this.ip, obj, name);
    if (typeof obj === 'string') return strMethod(this.ip, obj, name);
    if (obj instanceof PyTuple) {
      if (name === 'count') return new PyBuiltin('count', ([x]) => BigInt(obj.items.filter((y) => this.ip.equals(x, y)).length));
      if (name === 'index') {
        return new PyBuiltin('index', ([x]) => {
          const i = obj.items.findIndex((y) => this.ip.equals(x, y));
          if (i < 0) throw new PyError('ValueError', 'tuple.index(x): x not in tuple');
          return BigInt(i);
        });
      }
    }
    return undefined;
  }

  private nodeAttr(n: Node, name: string): PyValue | undefined {
    switch (name) {
      case 'name':
        return new PyBuiltin('name', () => n.qualifiedName);
      case 'next_functions':
        return new PyTuple(n.next.map((e) => new PyTuple([e ? e.node : null, BigInt(e ? e.inputNr : 0)])));
      case 'variable':
        return n.variable ?? undefined;
      case 'metadata':
        return new PyDict();
      case 'register_hook':
        return new PyBuiltin('register_hook', ([fn]) => {
          const hook = (g: Tensor) => {
            const r = this.ip.call(fn, [new PyTuple([g]), new PyTuple([g])]);
            return r instanceof PyTuple && r.items[0] instanceof Tensor ? r.items[0] : null;
          };
          n.addPreHook(0, hook);
          const list = n.preHooks.get(0) as unknown[];
          return removableHandle(() => {
            const i = list.indexOf(hook);
            if (i >= 0) list.splice(i, 1);
          });
        });
    }
    if (name.startsWith('_saved_')) {
      const key = name.slice(7);
      const s = n.saved.get(key);
      const wrapped = n.savedNumber(key);
      if (wrapped !== undefined && s) {
        s.unpack(); // PyTorch's error once freed
        const dt = typeof wrapped === 'boolean' ? 'bool' : typeof wrapped === 'bigint' ? 'int64' : 'float64';
        return Tensor.scalar(typeof wrapped === 'number' ? wrapped : Number(wrapped), dt);
      }
      if (s) return s.unpack();
      // an input saved only when the other one needs a gradient is an undefined tensor: None
      if ((key === 'self' || key === 'other') && (n.name === 'MulBackward0' || n.name === 'DivBackward0')) return null;
      if (key in n.attrs) return savedAttr(n.attrs[key]);
    }
    return undefined;
  }

  private tensorAttr(t: Tensor, name: string): PyValue | undefined {
    switch (name) {
      case 'shape':
        return sizeOf(t);
      case 'dtype':
        return this.dtypeObj(t.dtype);
      case 'requires_grad':
        return t.requiresGrad;
      case 'is_leaf':
        return t.isLeaf;
      case 'grad_fn':
        return t.gradFn;
      case 'grad':
        if (!t.isLeaf && !t.retainsGrad) {
          warn(
            'UserWarning',
            "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more informations. (Triggered internally at  ./build/aten/src/ATen/core/TensorBody.h:480.)",
          );
        }
        return t.grad;
      case 'data': {
        const d = new Tensor(t.storage, t.dtype, t.shape.slice(), t.strides.slice(), t.offset);
        return d;
      }
      case 'ndim':
        return BigInt(t.ndim);
      case 'T':
        if (t.ndim !== 2 && t.ndim !== 0) {
          // numpy_T's TORCH_WARN_ONCE (TensorShape.cpp in 1.13.1; path as the Debian build records it)
          this.warnOnce(
            'The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated and it will throw an error in a future release. Consider `x.mT` to transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a tensor. (Triggered internally at  ./aten/src/ATen/native/TensorShape.cpp:3281.)',
          );
        }
        return ops.T(t);
      case 'mT':
        return ops.transpose(t, -2, -1);
      case 'retains_grad':
        return t.retainsGrad;
      case '_version':
        return BigInt(t.version);
      case 'is_cuda':
        return false;
      case 'device':
        return cpuDevice;
      case 'itemsize':
        return BigInt({ float32: 4, float64: 8, int64: 8, int32: 4, bool: 1 }[t.dtype]);
    }
    const own = this.tensorDicts.get(t)?.get(name);
    if (own !== undefined) return own;
    const m = this.methods.get(name);
    if (m) return new PyBuiltin(name, (args, kw) => (checkMethodCall(name, args, kw), withTrackedKw(name, kw, (k) => m(t, new Args(name, args, k)))), 'builtin_function_or_method');
    return undefined;
  }

  /** Runs backward from `root`, recording one event per node execution. */
  backward(root: Tensor, gradient: Tensor | null, retainGraph: boolean, createGraph = false): void {
    const g = this.rootGradient(root, gradient, 0);
    const it = backwardSteps([root], [g], { retainGraph, createGraph, record: this.recordEvents });
    const events: BackwardEvent[] = [];
    for (let r = it.next(); !r.done; r = it.next()) events.push(r.value);
    this.passes.push({ kind: 'backward', root, gradient: g, events, origin: this.ip.currentRange });
  }

  /** torch.autograd.backward over several roots at once (one pass, as PyTorch runs it). */
  backwardMany(roots: Tensor[], gradients: (Tensor | null)[], retainGraph: boolean, createGraph: boolean): void {
    const gs = roots.map((r, i) => this.rootGradient(r, gradients[i] ?? null, i));
    const it = backwardSteps(roots, gs, { retainGraph, createGraph, record: this.recordEvents });
    const events: BackwardEvent[] = [];
    for (let r = it.next(); !r.done; r = it.next()) events.push(r.value);
    this.passes.push({ kind: 'backward', root: roots[0], gradient: gs[0], events, origin: this.ip.currentRange });
  }

  /** The gradient backward starts from, checked in the order PyTorch's _make_grads and engine check it. */
  rootGradient(root: Tensor, gradient: Tensor | null, i: number): Tensor {
    if (gradient !== null && gradient.shape.join() !== root.shape.join()) {
      throw new PyError(
        'RuntimeError',
        `Mismatch in shape: grad_output[${i}] has a shape of torch.Size([${gradient.shape.join(', ')}]) and output[${i}] has a shape of torch.Size([${root.shape.join(', ')}]).`,
      );
    }
    if (gradient === null && root.requiresGrad && root.numel !== 1) {
      throw new PyError('RuntimeError', 'grad can be implicitly created only for scalar outputs');
    }
    if (!root.requiresGrad) {
      throw new PyError('RuntimeError', `element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    return gradient ?? ops.full(root.shape, 1, root.dtype);
  }

  /** torch.autograd.grad. */
  grad(
    outputs: Tensor[],
    inputs: Tensor[],
    gradOutputs: (Tensor | null)[],
    retainGraph: boolean,
    allowUnused: boolean,
    createGraph = false,
    keepPass = true,
  ): (Tensor | null)[] {
    const gs = outputs.map((o, i) => this.rootGradient(o, gradOutputs[i] ?? null, i));
    const record = this.recordEvents && keepPass;
    const it = backwardSteps(outputs, gs, { retainGraph, createGraph, inputs, allowUnused, record });
    const events: BackwardEvent[] = [];
    let r = it.next();
    for (; !r.done; r = it.next()) events.push(r.value);
    if (keepPass) this.passes.push({ kind: 'grad', root: outputs[0], gradient: gs[0], events, origin: this.ip.currentRange });
    return r.value ?? [];
  }

  /**
   * torch.autograd.functional.jacobian (reverse mode, 1.13): one autograd.grad per output
   * element; the result has shape output.shape + input.shape per (output, input) pair.
   */
  jacobian(func: PyValue, inputs: PyValue, createGraph: boolean): PyValue {
    const tupleIn = inputs instanceof PyTuple || inputs instanceof PyList;
    const ins = (tupleIn ? (inputs as PyTuple).items : [inputs]).map((v) => {
      if (!(v instanceof Tensor)) throw new PyError('TypeError', `The inputs given to jacobian must be either a Tensor or a tuple of Tensors but the value at index 0 has type ${pyTypeOf(v)}.`);
      if (createGraph && v.requiresGrad) return ops.view(v, v.shape.slice());
      const d = ops.detach(v);
      d.setRequiresGrad(true);
      return d;
    });
    const out = this.ip.call(func, ins);
    const tupleOut = out instanceof PyTuple;
    const outs = (tupleOut ? (out as PyTuple).items : [out]).map((v) => {
      if (!(v instanceof Tensor)) throw new PyError('TypeError', 'The outputs of the user-provided function given to jacobian must be either a Tensor or a tuple of Tensors');
      return v;
    });
    const jac = outs.map((o) => {
      const flat = ops.reshape(o, [-1]);
      const rows: (Tensor | null)[][] = [];
      for (let i = 0; i < flat.numel; i++) {
        const oi = ops.select(flat, 0, i);
        rows.push(oi.requiresGrad ? this.grad([oi], ins, [null], true, true, createGraph, false) : ins.map(() => null));
      }
      return ins.map((inp, j) => {
        const parts = rows.map((r) => r[j] ?? ops.zeros(inp.shape, inp.dtype));
        const stacked = parts.length ? ops.stack(parts, 0) : ops.zeros([0, ...inp.shape], inp.dtype);
        const shaped = ops.reshape(stacked, [...o.shape, ...inp.shape]);
        return createGraph ? shaped : ops.detach(shaped);
      });
    });
    const pick = (row: Tensor[]): PyValue => (tupleIn ? new PyTuple(row) : row[0]);
    return tupleOut ? new PyTuple(jac.map(pick)) : pick(jac[0]);
  }

  private defineMethods(): void {
    const M = this.methods;
    const ip = this.ip;
    const unary = (name: string, f: (t: Tensor) => Tensor) => M.set(name, (t) => f(t));
    const inplace = (name: string, f: (t: Tensor, a: Args) => Tensor) => M.set(name, (t, a) => ops.applyInPlace(t, (old) => f(old, a)));
    for (const [n, f] of Object.entries({
      exp: ops.exp, log: ops.log, log2: ops.log2, log10: ops.log10, log1p: ops.log1p, expm1: ops.expm1, sin: ops.sin, cos: ops.cos,
      tan: ops.tan, tanh: ops.tanh, sigmoid: ops.sigmoid, relu: ops.relu, abs: ops.abs, sqrt: ops.sqrt, rsqrt: ops.rsqrt, neg: ops.neg,
      negative: ops.neg, reciprocal: ops.reciprocal, floor: ops.floor, ceil: ops.ceil, sign: ops.sign, trunc: ops.trunc, asin: ops.asin,
      acos: ops.acos, atan: ops.atan, sinh: ops.sinh, cosh: ops.cosh, logical_not: ops.logicalNot,
    })) {
      unary(n, f);
      inplace(n + '_', (t) => f(t));
    }
    M.set('square', (t) => ops.powScalar(t, 2n));
    M.set('round', (t, a) => (a.has(0, 'decimals') ? ops.roundDecimals(t, a.int(0, 'decimals')) : ops.round(t)));
    const binary = (name: string, f: (t: Tensor, o: Tensor | number | bigint | boolean, a: Args) => Tensor) => {
      M.set(name, (t, a) => f(t, this.operandArg(a, 0, 'other'), a));
      inplace(name + '_', (t, a) => f(t, this.operandArg(a, 0, 'other'), a));
    };
    binary('add', (t, o, a) => ops.add(t, o, this.alpha(a)));
    binary('sub', (t, o, a) => ops.sub(t, o, this.alpha(a)));
    binary('subtract', (t, o, a) => ops.sub(t, o, this.alpha(a)));
    binary('mul', (t, o) => ops.mul(t, o));
    binary('multiply', (t, o) => ops.mul(t, o));
    binary('div', (t, o, a) => ops.div(t, o, (a.kw.get('rounding_mode') as 'trunc' | 'floor' | null) ?? null));
    binary('divide', (t, o) => ops.div(t, o));
    binary('true_divide', (t, o) => ops.div(t, o));
    binary('pow', (t, o) => (o instanceof Tensor ? ops.powTensor(t, o) : ops.powScalar(t, o)));
    binary('remainder', (t, o) => ops.remainder(t, o));
    binary('fmod', (t, o) => ops.remainder(t, o, 'fmod'));
    binary('floor_divide', (t, o) => ops.floorDivide(t, o));
    for (const c of ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const) binary(c, (t, o) => ops.compare(c, t, o));
    binary('maximum', (t, o) => ops.maximum(t, o as Tensor));
    binary('minimum', (t, o) => ops.minimum(t, o as Tensor));
    M.set('logical_and', (t, a) => ops.logical('and', t, a.tensor(0, 'other')));
    M.set('logical_or', (t, a) => ops.logical('or', t, a.tensor(0, 'other')));
    const clamp = (t: Tensor, a: Args): Tensor => {
      const lo = a.get(0, 'min', null);
      const hi = a.get(1, 'max', null);
      // tensor bounds select aten's clamp.Tensor overload
      if (lo instanceof Tensor || hi instanceof Tensor) {
        const asT = (v: PyValue) => (v === null ? null : v instanceof Tensor ? v : Tensor.scalar(Number(this.operand(v)), t.dtype));
        return ops.clampTensor(t, asT(lo), asT(hi));
      }
      return ops.clamp(t, this.optScalar(a, 0, 'min'), this.optScalar(a, 1, 'max'));
    };
    M.set('clamp', clamp);
    M.set('clip', clamp);
    inplace('clamp_', clamp);
    M.set('clamp_min', (t, a) => ops.clamp(t, this.optScalar(a, 0, 'min'), null, 'ClampMinBackward0'));
    M.set('clamp_max', (t, a) => ops.clamp(t, null, this.optScalar(a, 0, 'max'), 'ClampMaxBackward0'));
    M.set('addcmul', (t, a) => ops.addcmul(t, a.tensor(0, 'tensor1'), a.tensor(1, 'tensor2'), this.scalarKw(a, 'value')));
    inplace('addcmul_', (t, a) => ops.addcmul(t, a.tensor(0, 'tensor1'), a.tensor(1, 'tensor2'), this.scalarKw(a, 'value')));
    inplace('addcdiv_', (t, a) => ops.addcdiv(t, a.tensor(0, 'tensor1'), a.tensor(1, 'tensor2'), this.scalarKw(a, 'value')));
    M.set('leaky_relu', (t, a) => ops.leakyRelu(t, a.num(0, 'negative_slope', 0.01)));
    const castTo = (t: Tensor, d: PyValue) => (d instanceof PyDType ? ops.cast(t, d.dtype) : t);
    M.set('softmax', (t, a) => ops.softmax(castTo(t, a.get(1, 'dtype', null)), a.int(0, 'dim')));
    M.set('log_softmax', (t, a) => ops.logSoftmax(castTo(t, a.get(1, 'dtype', null)), a.int(0, 'dim')));
    M.set('matmul', (t, a) => ops.matmul(t, a.tensor(0, 'other')));
    M.set('mm', (t, a) => ops.mm(t, a.tensor(0, 'mat2')));
    M.set('mv', (t, a) => ops.mv(t, a.tensor(0, 'vec')));
    M.set('dot', (t, a) => ops.dot(t, a.tensor(0, 'tensor')));
    M.set('bmm', (t, a) => ops.bmm(t, a.tensor(0, 'mat2')));
    M.set('diag', (t, a) => ops.diag(t, a.int(0, 'diagonal', 0)));
    M.set('trace', (t) => ops.trace(t));
    M.set('outer', (t, a) => ops.outer(t, a.tensor(0, 'vec2')));
    M.set('where', (t, a) => ops.where(a.tensor(0, 'condition'), t, this.operandArg(a, 1, 'other')));
    M.set('masked_fill', (t, a) => ops.maskedFill(t, a.tensor(0, 'mask'), this.operandArg(a, 1, 'value')));
    inplace('masked_fill_', (t, a) => ops.maskedFill(t, a.tensor(0, 'mask'), this.operandArg(a, 1, 'value')));
    M.set('masked_select', (t, a) => ops.maskedSelect(t, a.tensor(0, 'mask')));
    M.set('gather', (t, a) => ops.gather(t, a.int(0, 'dim'), a.tensor(1, 'index')));
    const scatterArgs = (t: Tensor, a: Args, add: boolean): Tensor => {
      const src = a.has(2, 'src') ? a.get(2, 'src') : a.get(2, 'value');
      const o = this.operand(src);
      if (o === undefined) throw new PyError('TypeError', `${a.fname}(): argument 'src' (position 3) must be Tensor, not ${pyTypeOf(src)}`);
      if (a.kw.has('reduce')) throw new PyError('NotImplementedError', `${a.fname}(reduce=...) is not supported by Autograd Lens yet`);
      return ops.scatter(t, a.int(0, 'dim'), a.tensor(1, 'index'), o, add);
    };
    M.set('scatter', (t, a) => scatterArgs(t, a, false));
    inplace('scatter_', (t, a) => scatterArgs(t, a, false));
    M.set('scatter_add', (t, a) => scatterArgs(t, a, true));
    inplace('scatter_add_', (t, a) => scatterArgs(t, a, true));
    M.set('index_select', (t, a) => ops.indexSelect(t, a.int(0, 'dim'), a.tensor(1, 'index')));
    M.set('tril', (t, a) => ops.triangle(t, a.int(0, 'diagonal', 0), true));
    M.set('triu', (t, a) => ops.triangle(t, a.int(0, 'diagonal', 0), false));
    inplace('tril_', (t, a) => ops.triangle(t, a.int(0, 'diagonal', 0), true));
    inplace('triu_', (t, a) => ops.triangle(t, a.int(0, 'diagonal', 0), false));
    M.set('cumprod', (t, a) => ops.cumprod(t, a.int(0, 'dim')));
    for (const k of ['nan', 'inf', 'finite', 'posinf', 'neginf'] as const) M.set('is' + k, (t) => ops.floatPredicate(t, k));
    M.set('nan_to_num', (t, a) => {
      const o = (i: number, n: string) => (a.get(i, n, null) === null ? null : a.num(i, n));
      return ops.nanToNum(t, o(0, 'nan'), o(1, 'posinf'), o(2, 'neginf'));
    });
    M.set('erf', (t) => ops.erfOp(t));
    M.set('exp2', (t) => ops.exp2(t));
    M.set('frac', (t) => ops.frac(t));
    M.set('sgn', (t) => ops.sgn(t));
    M.set('logit', (t, a) => ops.logit(t, a.get(0, 'eps', null) === null ? null : a.num(0, 'eps')));
    M.set('atan2', (t, a) => ops.atan2(t, this.operandArg(a, 0, 'other')));
    M.set('arctan2', (t, a) => ops.atan2(t, this.operandArg(a, 0, 'other')));
    M.set('hypot', (t, a) => ops.hypot(t, a.tensor(0, 'other')));
    M.set('xlogy', (t, a) => ops.xlogy(t, this.operandArg(a, 0, 'other')));
    M.set('lerp', (t, a) => {
      const w = this.operandArg(a, 1, 'weight');
      return ops.lerp(t, a.tensor(0, 'end'), w instanceof Tensor ? w : Number(w));
    });
    M.set('float_power', (t, a) => {
      const e = this.operandArg(a, 0, 'exponent');
      const x = ops.cast(t, 'float64');
      return e instanceof Tensor ? ops.powTensor(x, ops.cast(e, 'float64')) : ops.powScalar(x, Number(e));
    });
    M.set('nansum', (t, a) => ops.nansum(t, a.dims(0, 'dim'), a.bool(1, 'keepdim', false)));
    M.set('nanmean', (t, a) => {
      if (!isFloating(t.dtype)) throw new PyError('RuntimeError', `nanmean(): expected input to have floating point dtype but got ${legacyName(t.dtype).replace('torch.', '').replace('Tensor', '')}`);
      const dims = a.dims(0, 'dim');
      const keep = a.bool(1, 'keepdim', false);
      const count = ops.sum(ops.logicalNot(ops.floatPredicate(t, 'nan')), dims, keep);
      return ops.div(ops.nansum(t, dims, keep), count);
    });
    M.set('count_nonzero', (t, a) => {
      const nz = ops.compare('ne', t, 0n);
      return ops.sum(nz, a.dims(0, 'dim'), false);
    });
    M.set('isclose', (t, a) => isclose(t, a.tensor(0, 'other'), a.num(1, 'rtol', 1e-5), a.num(2, 'atol', 1e-8), a.bool(3, 'equal_nan', false)));
    M.set('argwhere', (t) => (this.methods.get('nonzero')!)(t, new Args('argwhere', [], new Map())));
    M.set('diff', (t, a) => {
      if (a.get(3, 'prepend', null) !== null || a.get(4, 'append', null) !== null) throw new PyError('NotImplementedError', 'diff(prepend=, append=) is not supported by Autograd Lens yet');
      return ops.diff(t, a.int(0, 'n', 1), a.int(1, 'dim', -1));
    });
    M.set('roll', (t, a) => {
      const toList = (v: PyValue): number[] => (v instanceof PyList || v instanceof PyTuple ? seqInts(v, 'roll') : [Number(v)]);
      const dims = a.get(1, 'dims', null);
      return ops.roll(t, toList(a.get(0, 'shifts')), dims === null ? [] : toList(dims));
    });
    M.set('diagonal', (t, a) => ops.diagonal(t, a.int(0, 'offset', 0), a.int(1, 'dim1', 0), a.int(2, 'dim2', 1)));
    M.set('det', (t) => ops.det(t));
    M.set('inverse', (t) => ops.inverse(t));
    M.set('dist', (t, a) => ops.dist(t, a.tensor(0, 'other'), a.num(1, 'p', 2)));
    const varMean = (isStd: boolean) => (t: Tensor, a: Args): PyValue => {
      const { dims, correction, keepdim } = varianceArgs(a);
      return new PyTuple(ops.varMean(t, dims, correction, keepdim, isStd));
    };
    M.set('std_mean', varMean(true));
    M.set('var_mean', varMean(false));
    M.set('aminmax', (t, a) => {
      if (t.requiresGrad && isGradEnabled()) throw new PyError('NotImplementedError', 'aminmax on a tensor that requires grad is not supported by Autograd Lens yet');
      const dim = a.get(-1, 'dim', null);
      const keep = a.kw.get('keepdim') === true;
      const dims = dim === null ? null : [Number(dim)];
      return new PyTuple([ops.amax(t, dims, keep, false), ops.amax(t, dims, keep, true)], 'torch.return_types.aminmax', ['min', 'max']);
    });
    M.set('repeat_interleave', (t, a) => {
      if (t.requiresGrad && isGradEnabled()) throw new PyError('NotImplementedError', 'repeat_interleave on a tensor that requires grad is not supported by Autograd Lens yet');
      const r = a.get(0, 'repeats');
      const dimV = a.get(1, 'dim', null);
      const src = dimV === null ? ops.reshape(t, [-1]) : t;
      const d = dimV === null ? 0 : normDimPy(Number(dimV), t.ndim);
      const n = src.shape[d];
      const reps = r instanceof Tensor ? Array.from(r.values()) : new Array<number>(n).fill(Number(r));
      if (reps.length === 1 && n !== 1) reps.length = 0, reps.push(...new Array<number>(n).fill(Number(r instanceof Tensor ? r.item() : r)));
      if (reps.length !== n) throw new PyError('RuntimeError', 'repeats must have the same size as input along dim');
      const idx: number[] = [];
      reps.forEach((k, i) => {
        for (let j = 0; j < k; j++) idx.push(i);
      });
      return ops.indexSelect(src, d, Tensor.fromData(Float64Array.from(idx), [idx.length], 'int64'));
    });
    // in-place shape ops on a tensor outside the graph: the tensor takes the view's geometry
    const inplaceView = (name: string, f: (t: Tensor, a: Args) => Tensor) =>
      M.set(name, (t, a) => {
        if (t.requiresGrad && isGradEnabled()) throw new PyError('NotImplementedError', `Tensor.${name} on a tensor that requires grad is not supported by Autograd Lens yet`);
        const v = noGrad(() => f(t, a));
        t.shape = v.shape.slice();
        t.strides = v.strides.slice();
        t.offset = v.offset;
        return t;
      });
    inplaceView('unsqueeze_', (t, a) => ops.unsqueeze(t, a.int(0, 'dim')));
    inplaceView('squeeze_', (t, a) => (a.has(0, 'dim') ? ops.squeeze(t, a.int(0, 'dim')) : ops.squeeze(t)));
    inplaceView('t_', (t) => ops.t2(t));
    inplaceView('transpose_', (t, a) => ops.transpose(t, a.int(0, 'dim0'), a.int(1, 'dim1')));
    M.set('unique', (t, a) => {
      if (a.get(3, 'dim', null) !== null) throw new PyError('NotImplementedError', 'unique(dim=...) is not supported by Autograd Lens yet');
      const v = Array.from(t.values());
      const uniq = [...new Set(v)].sort((x, y) => x - y);
      const values = ops.fromValues(uniq, [uniq.length], t.dtype);
      const outs: PyValue[] = [values];
      if (a.bool(1, 'return_inverse', false)) outs.push(ops.fromValues(v.map((x) => uniq.indexOf(x)), t.shape.slice(), 'int64'));
      if (a.bool(2, 'return_counts', false)) outs.push(ops.fromValues(uniq.map((u) => v.filter((x) => x === u).length), [uniq.length], 'int64'));
      return outs.length === 1 ? values : new PyTuple(outs);
    });
    // small aliases and in-place forms
    inplace('square_', (t) => ops.powScalar(t, 2n));
    inplace('round_', (t, a) => (a.has(0, 'decimals') ? ops.roundDecimals(t, a.int(0, 'decimals')) : ops.round(t)));
    inplace('clamp_min_', (t, a) => ops.clamp(t, this.optScalar(a, 0, 'min'), null, 'ClampMinBackward0'));
    inplace('clamp_max_', (t, a) => ops.clamp(t, null, this.optScalar(a, 0, 'max'), 'ClampMaxBackward0'));
    inplace('erf_', (t) => ops.erfOp(t));
    inplace('frac_', (t) => ops.frac(t));
    inplace('lerp_', (t, a) => {
      const w = this.operandArg(a, 1, 'weight');
      return ops.lerp(t, a.tensor(0, 'end'), w instanceof Tensor ? w : Number(w));
    });
    M.set('logical_xor', (t, a) => ops.logical('xor', t, a.tensor(0, 'other')));
    for (const [alias, c] of [['greater', 'gt'], ['less', 'lt'], ['greater_equal', 'ge'], ['less_equal', 'le'], ['not_equal', 'ne']] as const) {
      M.set(alias, (t, a) => ops.compare(c, t, this.operandArg(a, 0, 'other')));
    }
    M.set('positive', (t) => t);
    M.set('fliplr', (t) => ops.flip(t, [1]));
    M.set('flipud', (t) => ops.flip(t, [0]));
    M.set('msort', (t) => ops.sort(t, 0, false)[0]);
    M.set('deg2rad', (t) => ops.mul(t, Math.PI / 180));
    M.set('rad2deg', (t) => ops.mul(t, 180 / Math.PI));
    M.set('ger', (t, a) => ops.outer(t, a.tensor(0, 'vec2')));
    M.set('inner', (t, a) => {
      const o = a.tensor(0, 'other');
      if (t.ndim === 1 && o.ndim === 1) return ops.dot(t, o);
      throw new PyError('NotImplementedError', 'Tensor.inner on tensors of more than one dimension is not supported by Autograd Lens yet');
    });
    M.set('vdot', (t, a) => ops.dot(t, a.tensor(0, 'other')));
    M.set('signbit', (t) => ops.unaryMap(t, 'bool', (x) => (x < 0 || Object.is(x, -0) ? 1 : 0)));
    M.set('is_nonzero', (t) => {
      if (t.numel === 0) throw new PyError('RuntimeError', 'Boolean value of Tensor with no values is ambiguous');
      if (t.numel > 1) throw new PyError('RuntimeError', 'Boolean value of Tensor with more than one value is ambiguous');
      return t.values()[0] !== 0;
    });
    M.set('fill_diagonal_', (t, a) => {
      const v = a.num(0, 'fill_value');
      ops.checkInPlaceAllowed(t);
      if (t.ndim < 2) throw new PyError('RuntimeError', 'dimensions must larger than 1');
      const n = Math.min(...t.shape);
      const vals = Tensor.fromData(t.copyValues(), t.shape.slice(), t.dtype);
      const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((x, y) => x * y, 1));
      const step = strides.reduce((x, y) => x + y, 0);
      for (let i = 0; i < n; i++) vals.storage.data[i * step] = v;
      noGrad(() => ops.writeValues(t, vals));
      return t;
    });
    M.set('clip_', (t, a) => ops.applyInPlace(t, (old) => ops.clamp(old, this.optScalar(a, 0, 'min'), this.optScalar(a, 1, 'max'))));
    M.set('ravel', (t) => ops.view(ops.contiguous(t), [-1]));
    M.set('movedim', (t, a) => movedim(t, a));
    M.set('moveaxis', (t, a) => movedim(t, a));
    M.set('unflatten', (t, a) => {
      const d = normDimPy(a.int(0, 'dim'), t.ndim);
      const sizes = a.shape(1, 'sizes');
      return ops.view(t, [...t.shape.slice(0, d), ...sizes, ...t.shape.slice(d + 1)]);
    });
    // new_* factories: same dtype as self unless given, never in the graph
    const newLike = (fill: (shape: number[], d: DType, a: Args) => Tensor) => (t: Tensor, a: Args) => {
      const out = fill(a.shape(0, 'size'), a.dtype() ?? t.dtype, a);
      if (a.kw.get('requires_grad') === true) this.setRequiresGrad(out, true);
      return out;
    };
    M.set('new_zeros', newLike((s, d) => ops.zeros(s, d)));
    M.set('new_empty', newLike((s, d) => ops.zeros(s, d)));
    M.set('new_ones', newLike((s, d) => ops.ones(s, d)));
    M.set('new_full', (t, a) => {
      const shape = seqInts(a.get(0, 'size'), 'new_full');
      const out = ops.full(shape, a.num(1, 'fill_value'), a.dtype() ?? t.dtype);
      if (a.kw.get('requires_grad') === true) this.setRequiresGrad(out, true);
      return out;
    });
    M.set('new_tensor', (t, a) => {
      const data = a.get(0, 'data');
      const out = data instanceof Tensor ? this.tensorFromData(data, a.dtype() ?? data.dtype) : this.tensorFromData(data, a.dtype() ?? t.dtype);
      if (a.kw.get('requires_grad') === true) this.setRequiresGrad(out, true);
      return out;
    });
    // reductions
    M.set('sum', (t, a) => ops.sum(t, a.dims(0, 'dim'), a.bool(1, 'keepdim', false), a.dtype()));
    M.set('mean', (t, a) => ops.mean(t, a.dims(0, 'dim'), a.bool(1, 'keepdim', false), a.dtype()));
    M.set('prod', (t, a) => ops.prod(t, a.optInt(0, 'dim'), a.bool(1, 'keepdim', false)));
    const maxmin = (isMax: boolean) => (t: Tensor, a: Args): PyValue => {
      const other = a.get(0, 'dim', null);
      if (other instanceof Tensor) return isMax ? ops.maximum(t, other) : ops.minimum(t, other);
      if (other === null) return ops.maxAll(t, isMax);
      const [v, i] = ops.maxDim(t, a.int(0, 'dim'), a.bool(1, 'keepdim', false), isMax);
      return new PyTuple([v, i], `torch.return_types.${isMax ? 'max' : 'min'}`, ['values', 'indices']);
    };
    M.set('max', maxmin(true));
    M.set('min', maxmin(false));
    M.set('amax', (t, a) => ops.amax(t, a.dims(0, 'dim'), a.bool(1, 'keepdim', false), true));
    M.set('amin', (t, a) => ops.amax(t, a.dims(0, 'dim'), a.bool(1, 'keepdim', false), false));
    M.set('argmax', (t, a) => ops.argmax(t, a.optInt(0, 'dim'), a.bool(1, 'keepdim', false), true));
    M.set('argmin', (t, a) => ops.argmax(t, a.optInt(0, 'dim'), a.bool(1, 'keepdim', false), false));
    const varstd = (isStd: boolean) => (t: Tensor, a: Args): PyValue => {
      const { dims, correction, keepdim } = varianceArgs(a);
      return ops.variance(t, dims, correction, keepdim, isStd);
    };
    M.set('var', varstd(false));
    M.set('std', varstd(true));
    M.set('norm', (t, a) => {
      const p = a.get(0, 'p', 'fro');
      const dims = a.dims(1, 'dim');
      const keepdim = a.bool(2, 'keepdim', false);
      // torch.functional.norm: 'fro' over two dims is frobenius_norm's sqrt(sum(x * x)); the rest is at::norm
      if (p === 'fro' && dims && dims.length === 2) return ops.sqrt(ops.sum(ops.mul(t, t), dims, keepdim));
      if (!isFloating(t.dtype)) {
        throw new PyError('RuntimeError', `norm(): input dtype should be either floating point or complex. Got ${scalarTypeName(t.dtype)} instead.`);
      }
      const pv = p === 'fro' ? 2 : typeof p === 'string' ? (p === 'inf' ? Infinity : 2) : Number(p);
      return ops.norm(t, pv, dims, keepdim);
    });
    M.set('cumsum', (t, a) => ops.cumsum(t, a.int(0, 'dim')));
    const named = (kind: string, [v, i]: [Tensor, Tensor]) => new PyTuple([v, i], `torch.return_types.${kind}`, ['values', 'indices']);
    M.set('sort', (t, a) => named('sort', ops.sort(t, a.int(0, 'dim', -1), a.bool(1, 'descending', false))));
    M.set('argsort', (t, a) => ops.sort(t, a.int(0, 'dim', -1), a.bool(1, 'descending', false))[1]);
    M.set('topk', (t, a) => named('topk', ops.topk(t, a.int(0, 'k'), a.int(1, 'dim', -1), a.bool(2, 'largest', true))));
    M.set('median', (t, a) => {
      if (!a.has(0, 'dim')) return ops.median(t);
      return named('median', ops.medianDim(t, a.int(0, 'dim'), a.bool(1, 'keepdim', false)));
    });
    M.set('logsumexp', (t, a) => ops.logsumexp(t, a.dims(0, 'dim') ?? [], a.bool(1, 'keepdim', false)));
    M.set('all', (t, a) => ops.allAny(t, true, a.optInt(0, 'dim'), a.bool(1, 'keepdim', false)));
    M.set('any', (t, a) => ops.allAny(t, false, a.optInt(0, 'dim'), a.bool(1, 'keepdim', false)));
    // shape
    const shapeArgs = (a: Args) => a.shape(0, 'shape');
    M.set('view', (t, a) => {
      const d = a.get(0, 'dtype', null);
      if (d instanceof PyDType) throw new PyError('NotImplementedError', 'view(dtype) is not supported');
      return ops.view(t, shapeArgs(a));
    });
    M.set('reshape', (t, a) => ops.reshape(t, shapeArgs(a)));
    M.set('view_as', (t, a) => ops.view(t, a.tensor(0, 'other').shape));
    M.set('reshape_as', (t, a) => ops.reshape(t, a.tensor(0, 'other').shape));
    M.set('flatten', (t, a) => ops.flatten(t, a.int(0, 'start_dim', 0), a.int(1, 'end_dim', -1)));
    M.set('t', (t) => ops.t2(t));
    M.set('transpose', (t, a) => ops.transpose(t, a.int(0, 'dim0'), a.int(1, 'dim1')));
    M.set('permute', (t, a) => ops.permute(t, a.shape(0, 'dims')));
    M.set('unsqueeze', (t, a) => ops.unsqueeze(t, a.int(0, 'dim')));
    M.set('squeeze', (t, a) => (a.has(0, 'dim') ? ops.squeeze(t, a.int(0, 'dim')) : ops.squeeze(t)));
    M.set('expand', (t, a) => ops.expand(t, a.shape(0)));
    M.set('expand_as', (t, a) => ops.expand(t, a.tensor(0, 'other').shape));
    M.set('broadcast_to', (t, a) => ops.expand(t, a.shape(0)));
    M.set('swapaxes', (t, a) => ops.transpose(t, a.int(0, 'axis0'), a.int(1, 'axis1')));
    M.set('swapdims', (t, a) => ops.transpose(t, a.int(0, 'dim0'), a.int(1, 'dim1')));
    M.set('tile', (t, a) => {
      const reps = a.shape(0, 'dims');
      const full = [...new Array<number>(Math.max(0, t.ndim - reps.length)).fill(1), ...reps];
      return ops.repeat(t, full);
    });
    M.set('repeat', (t, a) => ops.repeat(t, a.shape(0, 'repeats')));
    M.set('flip', (t, a) => ops.flip(t, a.shape(0, 'dims')));
    M.set('chunk', (t, a) => new PyTuple(ops.chunk(t, a.int(0, 'chunks'), a.int(1, 'dim', 0))));
    M.set('split', (t, a) => {
      const s = a.get(0, 'split_size');
      return new PyTuple(ops.split(t, s instanceof PyList || s instanceof PyTuple ? seqInts(s, 'split') : Number(s), a.int(1, 'dim', 0)));
    });
    M.set('unbind', (t, a) => new PyTuple(ops.unbind(t, a.int(0, 'dim', 0))));
    M.set('narrow', (t, a) => ops.narrow(t, a.int(0, 'dim'), a.int(1, 'start'), a.int(2, 'length')));
    M.set('select', (t, a) => ops.select(t, a.int(0, 'dim'), a.int(1, 'index')));
    M.set('contiguous', (t) => ops.contiguous(t));
    M.set('clone', (t) => ops.clone(t));
    M.set('detach', (t) => ops.detach(t));
    M.set('detach_', (t) => {
      t.gradFn = null;
      t.setRequiresGrad(false);
      return t;
    });
    M.set('is_contiguous', (t) => t.isContiguous());
    M.set('size', (t, a) => {
      if (!a.has(0, 'dim')) return sizeOf(t);
      const d = a.int(0, 'dim');
      return BigInt(t.shape[d < 0 ? d + t.ndim : d] ?? invalidDim(d, t.ndim));
    });
    M.set('dim', (t) => BigInt(t.ndim));
    M.set('stride', (t, a) => {
      if (!a.has(0, 'dim')) return new PyTuple(t.strides.map((x) => BigInt(x)));
      const d = a.int(0, 'dim');
      return BigInt(t.strides[normDimPy(d, t.ndim)]);
    });
    M.set('storage_offset', (t) => BigInt(t.offset));
    M.set('ndimension', (t) => BigInt(t.ndim));
    M.set('numel', (t) => BigInt(t.numel));
    M.set('nelement', (t) => BigInt(t.numel));
    M.set('element_size', (t) => BigInt({ float32: 4, float64: 8, int64: 8, int32: 4, bool: 1 }[t.dtype]));
    M.set('is_floating_point', (t) => isFloating(t.dtype));
    M.set('item', (t) => scalarOfTensor(t, 'item'));
    M.set('tolist', (t) => tensorToPython(t));
    M.set('numpy', (t) => {
      if (t.requiresGrad) {
        throw new PyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
      }
      return new PyNdArray(t);
    });
    // dtype conversion
    const conv = (d: DType) => (t: Tensor) => ops.cast(t, d);
    M.set('float', conv('float32'));
    M.set('double', conv('float64'));
    M.set('long', conv('int64'));
    M.set('int', conv('int32'));
    M.set('bool', conv('bool'));
    M.set('to', (t, a) => {
      const d = a.get(0, 'dtype', null);
      checkDevice(d);
      checkDevice(a.kw.get('device') ?? null);
      if (d instanceof PyDType) return ops.cast(t, d.dtype);
      if (a.args[1] instanceof PyDType) return ops.cast(t, a.args[1].dtype);
      if (a.kw.get('dtype') instanceof PyDType) return ops.cast(t, (a.kw.get('dtype') as PyDType).dtype);
      if (d instanceof Tensor) return ops.cast(t, d.dtype);
      return t;
    });
    M.set('type_as', (t, a) => ops.cast(t, a.tensor(0, 'other').dtype));
    M.set('cpu', (t) => t);
    M.set('cuda', () => checkDevice('cuda'));
    M.set('type', (t, a) => {
      if (!a.has(0, 'dtype')) return legacyName(t.dtype);
      const d = a.get(0, 'dtype');
      if (d instanceof PyDType) return ops.cast(t, d.dtype);
      return t;
    });
    // autograd
    M.set('backward', (t, a) => {
      const g = a.get(0, 'gradient', null);
      if (g !== null && !(g instanceof Tensor)) {
        // torch.autograd._make_grads
        throw new PyError('TypeError', `gradients can be either Tensors or None, but got ${pyTypeOf(g)}`);
      }
      const retain = a.get(1, 'retain_graph', null);
      const create = a.bool(2, 'create_graph', false);
      this.backward(t, g instanceof Tensor ? g : null, retain === null ? create : ip.truthy(retain), create);
      return null;
    });
    M.set('requires_grad_', (t, a) => {
      this.setRequiresGrad(t, a.bool(0, 'requires_grad', true));
      return t;
    });
    M.set('retain_grad', (t) => {
      if (!t.requiresGrad) throw new PyError('RuntimeError', "can't retain_grad on Tensor that has requires_grad=False");
      if (!t.isLeaf && t.gradFn) {
        t.retainsGrad = true;
        t.gradFn.retain(t.outputNr, t);
      }
      return null;
    });
    M.set('register_hook', (t, a) => {
      const fn = a.get(0, 'hook');
      if (!t.requiresGrad) throw new PyError('RuntimeError', "cannot register a hook on a tensor that doesn't require gradient");
      const hook = (g: Tensor) => {
        const r = ip.call(fn, [g]);
        return r instanceof Tensor ? r : null;
      };
      let list: unknown[];
      if (t.isLeaf) (list = t.hooks ??= []).push(hook);
      else {
        t.gradFn!.addPreHook(t.outputNr, hook);
        list = t.gradFn!.preHooks.get(t.outputNr) as unknown[];
      }
      return removableHandle(() => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      });
    });
    M.set('zero_', (t) => ops.fillInPlace(t, 0, 'ZeroBackward0'));
    M.set('fill_', (t, a) => ops.fillInPlace(t, a.num(0, 'value'), 'FillBackward0'));
    M.set('copy_', (t, a) => {
      const src = a.tensor(0, 'src');
      return ops.applyInPlace(t, (old) => ops.copyFrom(old, src));
    });
    M.set('random_', (t, a) => {
      if (!a.has(0, 'from')) throw new PyError('NotImplementedError', 'Tensor.random_() without bounds is not supported by Autograd Lens yet');
      const lo = a.has(1, 'to') ? a.int(0, 'from') : 0;
      const hi = a.has(1, 'to') ? a.int(1, 'to') : a.int(0, 'from');
      if (lo >= hi) throw new PyError('RuntimeError', `random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
      ops.checkInPlaceAllowed(t);
      const vals = rng.randint(this.gen, lo, hi, t.numel);
      noGrad(() => ops.writeValues(t, Tensor.fromData(vals, t.shape.slice(), 'int64')));
      return t;
    });
    M.set('uniform_', (t, a) => this.randomFill(t, (out) => rng.uniformFill(this.gen, out, a.num(0, 'from', 0), a.num(1, 'to', 1))));
    M.set('normal_', (t, a) => this.randomFill(t, (out) => rng.normalFill(this.gen, out, a.num(0, 'mean', 0), a.num(1, 'std', 1))));
    M.set('bernoulli_', (t, a) => this.bernoulliFill(t, a.has(0, 'p') ? a.get(0, 'p') : 0.5));
    M.set('bernoulli', (t, a) => this.bernoulliFill(Tensor.zeros(t.shape, t.dtype), a.has(0, 'p') ? a.get(0, 'p') : t));
    M.set('equal', (t, a) => {
      const o = a.tensor(0, 'other');
      return t.shape.join() === o.shape.join() && t.values().every((x, i) => x === o.values()[i]);
    });
    M.set('allclose', (t, a) => allclose(t, a.tensor(0, 'other'), a.num(1, 'rtol', 1e-5), a.num(2, 'atol', 1e-8)));
    M.set('nonzero', (t, a) => {
      const v = t.values();
      const rows: number[] = [];
      for (let i = 0; i < v.length; i++) {
        if (!v[i]) continue;
        let rem = i;
        const idx = new Array<number>(t.ndim);
        for (let d = t.ndim - 1; d >= 0; d--) {
          idx[d] = rem % t.shape[d];
          rem = Math.floor(rem / t.shape[d]);
        }
        rows.push(...idx);
      }
      const n = rows.length / Math.max(t.ndim, 1);
      if (a.kw.get('as_tuple') === true) {
        // one index tensor per dimension (a 0-d input counts as 1-d)
        if (t.ndim === 0) return new PyTuple([ops.fromValues(v[0] ? [0] : [], [v[0] ? 1 : 0], 'int64')]);
        return new PyTuple(t.shape.map((_, d) => ops.fromValues(Array.from({ length: n }, (_, r) => rows[r * t.ndim + d]), [n], 'int64')));
      }
      return ops.fromValues(rows, [n, t.ndim], 'int64');
    });
    M.set('__len__', (t) => BigInt(t.shape[0]));
  }

  /**
   * t.bernoulli_(p): p a Python number (ATen's scalar kernel: a uniform double per element) or a
   * tensor of probabilities broadcast to t (a uniform of the probabilities' float type).
   */
  bernoulliFill(t: Tensor, p: PyValue, gen: Generator = this.gen): Tensor {
    if (!isFloating(t.dtype)) throw new PyError('NotImplementedError', `bernoulli_ on a ${t.dtype} tensor is not supported by Autograd Lens yet`);
    if (p instanceof Tensor) {
      if (!isFloating(p.dtype)) throw new PyError('NotImplementedError', `bernoulli_ with ${p.dtype} probabilities is not supported by Autograd Lens yet`);
      const probs = p.dtype === 'float64' ? Float64Array.from(noGrad(() => ops.expand(p, t.shape)).values()) : Float32Array.from(noGrad(() => ops.expand(p, t.shape)).values());
      return this.randomFill(t, (out) => rng.bernoulliFillFrom(gen, out, probs));
    }
    const prob = typeof p === 'number' ? p : typeof p === 'bigint' ? Number(p) : NaN;
    // TORCH_CHECK streams the double as C++ does (%g)
    if (!(prob >= 0 && prob <= 1)) throw new PyError('RuntimeError', `bernoulli_ expects p to be in [0, 1], but got p=${formatGeneral(prob, 6)}`);
    return this.randomFill(t, (out) => rng.bernoulliFill(gen, out, prob));
  }

  randomFill(t: Tensor, fill: (out: Float32Array | Float64Array) => void): Tensor {
    if (!isFloating(t.dtype)) throw new PyError('RuntimeError', `"check_uniform_bounds" not implemented for '${t.dtype}'`);
    ops.checkInPlaceAllowed(t);
    const out = t.dtype === 'float32' ? new Float32Array(t.numel) : new Float64Array(t.numel);
    fill(out);
    noGrad(() => ops.writeValues(t, Tensor.fromData(out, t.shape, t.dtype)));
    return t;
  }

  operandArg(a: Args, i: number, name: string): Tensor | number | bigint | boolean {
    const v = a.get(i, name);
    const o = this.operand(v);
    if (o === undefined) {
      if (v instanceof PyList || v instanceof PyTuple) throw new PyError('TypeError', 'only integer tensors of a single element can be converted to an index');
      throw new PyError('TypeError', `${a.fname}(): argument '${name}' (position ${i + 1}) must be Tensor, not ${pyTypeOf(v)}`);
    }
    return o;
  }

  alpha(a: Args): number | bigint | boolean {
    const v = a.kw.get('alpha');
    return v === undefined ? 1n : (this.operand(v) as number | bigint | boolean);
  }

  scalarKw(a: Args, name: string): number | bigint | boolean {
    const v = a.kw.get(name);
    return v === undefined ? 1n : (this.operand(v) as number | bigint | boolean);
  }

  optScalar(a: Args, i: number, name: string): number | bigint | boolean | null {
    const v = a.get(i, name, null);
    if (v === null) return null;
    if (v instanceof Tensor) return v.item();
    return this.operand(v) as number | bigint | boolean;
  }

  /** A context manager that sets grad mode for its body. */
  gradModeManager(typeName: string, mode: boolean): PyContextManager {
    let prev = true;
    return new PyContextManager(
      typeName,
      () => {
        prev = setGradEnabled(mode);
        return null;
      },
      () => void setGradEnabled(prev),
    );
  }

  /**
   * torch.set_grad_enabled(mode): unlike no_grad, it takes effect when called (so a plain call
   * switches grad mode), and as a context manager restores the previous mode on exit.
   */
  setGradEnabledManager(mode: boolean): PyContextManager {
    const prev = setGradEnabled(mode);
    return new PyContextManager(
      'set_grad_enabled',
      () => null,
      () => void setGradEnabled(prev),
    );
  }

  setPrintOptions(a: Args): void {
    const profile = a.kw.get('profile');
    const sci = a.kw.get('sci_mode');
    this.printOptions = applySetPrintOptions(this.printOptions, {
      precision: a.kw.has('precision') ? Number(a.kw.get('precision')) : undefined,
      threshold: a.kw.has('threshold') ? Number(a.kw.get('threshold')) : undefined,
      edgeitems: a.kw.has('edgeitems') ? Number(a.kw.get('edgeitems')) : undefined,
      linewidth: a.kw.has('linewidth') ? Number(a.kw.get('linewidth')) : undefined,
      profile: typeof profile === 'string' ? (profile as 'default' | 'short' | 'full') : undefined,
      sciMode: sci === undefined || sci === null ? null : sci === true,
    });
  }

  isGradEnabled(): boolean {
    return isGradEnabled();
  }
}

/** torch.device: a tagged tuple holding the device type (only 'cpu' exists here). */
export const makeDevice = (type: string): PyTuple => new PyTuple([type], 'device');
const cpuDevice = makeDevice('cpu');

/** A move to a device: CPU is a no-op; anything else fails as a CPU-only PyTorch build does. */
export function checkDevice(d: PyValue): null {
  const type = d instanceof PyTuple && d.tag === 'device' ? String(d.items[0]) : typeof d === 'string' ? d.split(':')[0] : null;
  if (type === null || type === 'cpu') return null;
  if (type === 'cuda') throw new PyError('AssertionError', 'Torch not compiled with CUDA enabled');
  throw new PyError('NotImplementedError', `device '${type}' is not supported by Autograd Lens (CPU only)`);
}

export function sizeOf(t: Tensor): PyTuple {
  return new PyTuple(t.shape.map((s) => BigInt(s)), 'Size');
}

function invalidDim(d: number, n: number): never {
  throw new TorchError('IndexError', `Dimension out of range (expected to be in range of [${-Math.max(n, 1)}, ${Math.max(n, 1) - 1}], but got ${d})`);
}

function isclose(a: Tensor, b: Tensor, rtol: number, atol: number, equalNan: boolean): Tensor {
  return ops.binaryMap(a, b, 'bool', (x, y) => {
    if (x === y) return 1;
    if (Number.isNaN(x) || Number.isNaN(y)) return equalNan && Number.isNaN(x) && Number.isNaN(y) ? 1 : 0;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return 0;
    return Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0;
  });
}

function allclose(a: Tensor, b: Tensor, rtol: number, atol: number): boolean {
  const x = ops.expandValues(a, a.shape.length >= b.shape.length ? a.shape : b.shape);
  const y = ops.expandValues(b, a.shape.length >= b.shape.length ? a.shape : b.shape);
  for (let i = 0; i < x.length; i++) if (!(Math.abs(x[i] - y[i]) <= atol + rtol * Math.abs(y[i]))) return false;
  return true;
}

/** Tensor.movedim(source, destination): a permutation (PermuteBackward0), ints or sequences. */
function movedim(t: Tensor, a: Args): Tensor {
  const toList = (v: PyValue): number[] => (v instanceof PyList || v instanceof PyTuple ? seqInts(v, 'movedim') : [Number(v)]);
  const src = toList(a.get(0, 'source')).map((d) => normDimPy(d, t.ndim));
  const dst = toList(a.get(1, 'destination')).map((d) => normDimPy(d, t.ndim));
  if (src.length !== dst.length) {
    throw new PyError('RuntimeError', `movedim: Invalid source or destination dims: source (${JSON.stringify(src)} dims) should contain the same number of dims as destination (${JSON.stringify(dst)} dims)`);
  }
  const order = new Array<number>(t.ndim).fill(-1);
  src.forEach((s, i) => (order[dst[i]] = s));
  const rest = [...Array(t.ndim).keys()].filter((d) => !src.includes(d));
  let k = 0;
  for (let i = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[k++];
  return ops.permute(t, order);
}

function normDimPy(d: number, n: number): number {
  const m = Math.max(n, 1);
  if (d < -m || d >= m) invalidDim(d, n);
  return d < 0 ? d + m : d;
}

/** torch.utils.hooks.RemovableHandle: remove() takes the hook out again. */
const handleClass = new PyClass('RemovableHandle', [], 'torch.utils.hooks');
handleClass.dict.set('remove', new PyBuiltin('remove', (args) => {
  const h = args[0] as PyInstance;
  (h.native as () => void)();
  return null;
}));
export function removableHandle(remove: () => void): PyInstance {
  const h = new PyInstance(handleClass);
  h.native = remove;
  return h;
}

function legacyName(d: DType): string {
  return { float32: 'torch.FloatTensor', float64: 'torch.DoubleTensor', int64: 'torch.LongTensor', int32: 'torch.IntTensor', bool: 'torch.BoolTensor' }[d];
}
const torchLegacy = legacyName;

import { pyFloatRepr } from '../../core/format/numfmt';
import { listMethod, dictMethod, strMethod } from './pymethods';
export { DTYPES, PyModule, Kw };

/** A saved non-tensor argument as python_functions.cpp returns it: int lists become tuples of ints. */
function savedAttr(v: unknown): PyValue {
  if (Array.isArray(v)) return new PyTuple(v.map((x) => (typeof x === 'number' ? BigInt(x) : (x as PyValue))));
  return v as PyValue;
}

/**
 * The arguments of std/var (and std_mean/var_mean): (dim, unbiased, keepdim), the old
 * (unbiased) form, or keywords unbiased= / correction= / keepdim=.
 */
function varianceArgs(a: Args): { dims: number[] | null; correction: number; keepdim: boolean } {
  let dims: number[] | null = null;
  let correction = 1;
  const first = a.get(0, 'dim', null);
  if (typeof first === 'boolean') correction = first ? 1 : 0;
  else if (first !== null) dims = a.dims(0, 'dim');
  if (a.kw.has('unbiased')) correction = a.kw.get('unbiased') ? 1 : 0;
  if (a.kw.has('correction')) correction = Number(a.kw.get('correction'));
  if (dims && a.args.length > 1 && typeof a.args[1] === 'boolean') correction = a.args[1] ? 1 : 0;
  const keepdim = a.kw.get('keepdim') === true || (dims !== null && a.args.length > 2 && a.args[2] === true);
  return { dims, correction, keepdim };
}
