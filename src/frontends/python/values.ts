import type { Node, Tensor } from '../../core';
import type * as A from './ast';

/**
 * Python values as the interpreter holds them. Plain JS values where the mapping is exact:
 * None is null, bool is boolean, int is bigint, float is number, str is string; tensors and
 * grad_fn nodes are the core's own objects. Everything else is one of the classes below.
 */
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Tensor
  | Node
  | PyObject;

/** Python exceptions raised by the interpreter, with Python's type name and message. */
export class PyError extends Error {
  /** e.args of a user-raised exception instance, carried to an `except ... as e`. */
  pyArgs?: PyValue[] | null;
  constructor(
    readonly pyType: string,
    message: string,
    public range?: A.Range,
  ) {
    super(message);
  }
}

export abstract class PyObject {}

export class PyList extends PyObject {
  /** A dict view ('dict_keys', 'odict_items', ...) shown with its own type name; a plain list otherwise. */
  view?: string;
  constructor(public items: PyValue[]) {
    super();
  }
}

export class PyTuple extends PyObject {
  /** 'Size' for torch.Size; a named-tuple type such as torch.return_types.max. */
  constructor(
    public items: PyValue[],
    public tag: string | null = null,
    public fields: string[] | null = null,
  ) {
    super();
  }
}

export class PySet extends PyObject {
  constructor(public map: Map<unknown, PyValue> = new Map()) {
    super();
  }
}

/** dict: insertion ordered; keys hashed by value for str/int/float/bool, by identity otherwise. */
export class PyDict extends PyObject {
  readonly map = new Map<unknown, [PyValue, PyValue]>();
  /** collections.OrderedDict (state_dict()) prints as OrderedDict([(k, v), ...]). */
  ordered = false;
  /** collections.defaultdict(dict) (an optimizer's state): a missing key reads as a new {}. */
  defaultDict = false;
  get(k: PyValue): PyValue | undefined {
    return this.map.get(hashKey(k))?.[1];
  }
  set(k: PyValue, v: PyValue): void {
    this.map.set(hashKey(k), [k, v]);
  }
  delete(k: PyValue): boolean {
    return this.map.delete(hashKey(k));
  }
  has(k: PyValue): boolean {
    return this.map.has(hashKey(k));
  }
  keys(): PyValue[] {
    return [...this.map.values()].map((e) => e[0]);
  }
  values(): PyValue[] {
    return [...this.map.values()].map((e) => e[1]);
  }
  entries(): [PyValue, PyValue][] {
    return [...this.map.values()];
  }
  get size(): number {
    return this.map.size;
  }
}

export function hashKey(k: PyValue): unknown {
  if (k instanceof PyList || k instanceof PyDict || k instanceof PySet) {
    throw new PyError('TypeError', `unhashable type: '${k instanceof PyList ? 'list' : k instanceof PyDict ? 'dict' : 'set'}'`);
  }
  if (typeof k === 'string') return 's:' + k;
  if (typeof k === 'bigint') return 'n:' + k.toString();
  if (typeof k === 'boolean') return 'n:' + (k ? '1' : '0');
  if (typeof k === 'number') return Number.isInteger(k) ? 'n:' + BigInt(k).toString() : 'f:' + k;
  if (k === null) return 'None';
  if (k instanceof PyTuple) return 't:' + k.items.map((x) => String(hashKey(x))).join(',');
  return k;
}

export class PyRange extends PyObject {
  constructor(
    public start: bigint,
    public stop: bigint,
    public step: bigint,
  ) {
    super();
  }
  get length(): number {
    const { start, stop, step } = this;
    if (step > 0n) return stop > start ? Number((stop - start + step - 1n) / step) : 0;
    return start > stop ? Number((start - stop - step - 1n) / -step) : 0;
  }
}

/** A one-shot iterator (map, zip, enumerate, generators, iter(...)). */
export class PyIterator extends PyObject {
  constructor(
    public it: Iterator<PyValue>,
    public typeName = 'iterator',
    /** For generators: the function's qualified name, shown by repr (Module.parameters). */
    public qualname: string | null = null,
  ) {
    super();
  }
}

export type NativeFn = (args: PyValue[], kwargs: Map<string, PyValue>) => PyValue;

/** A builtin function or method implemented in TypeScript. */
export class PyBuiltin extends PyObject {
  /** For types: the module-qualified name shown by repr (<class 'torch.Tensor'>). */
  qualname: string | null = null;
  constructor(
    public name: string,
    public fn: NativeFn,
    public typeName = 'builtin_function_or_method',
  ) {
    super();
  }
}

/** A function defined with def or lambda. */
export class PyFunction extends PyObject {
  /** The class whose body defined it (for zero-argument super()). */
  definingClass: PyClass | null = null;
  /** A def whose body yields: calling it returns a generator object. */
  isGenerator = false;
  /** The function whose body defined it (its __qualname__ is outer.<locals>.name). */
  enclosing: PyFunction | null = null;
  /** Python's __qualname__: Class.method, outer.<locals>.inner, or the name. */
  get qualname(): string {
    if (this.definingClass) return `${this.definingClass.name}.${this.name}`;
    if (this.enclosing) return `${this.enclosing.qualname}.<locals>.${this.name}`;
    return this.name;
  }
  constructor(
    public name: string,
    public params: A.Parameters,
    public defaults: Map<string, PyValue>,
    public body: A.Stmt[] | A.Expr,
    public closure: Scope,
    public globals: Scope,
  ) {
    super();
  }
}

/** property / staticmethod / classmethod wrappers around a function defined in a class body. */
export class PyDescriptor extends PyObject {
  constructor(
    public kind: 'property' | 'staticmethod' | 'classmethod',
    public fn: PyValue,
  ) {
    super();
  }
}

export class PyBoundMethod extends PyObject {
  constructor(
    public self: PyValue,
    public func: PyValue,
  ) {
    super();
  }
}

export class PyClass extends PyObject {
  readonly dict = new Map<string, PyValue>();
  constructor(
    public name: string,
    public bases: PyClass[],
    public module = '__main__',
  ) {
    super();
  }
  /** Method resolution order (depth-first, good enough for single inheritance). */
  mro(): PyClass[] {
    const out: PyClass[] = [this];
    for (const b of this.bases) for (const c of b.mro()) if (!out.includes(c)) out.push(c);
    return out;
  }
  lookup(name: string): PyValue | undefined {
    for (const c of this.mro()) if (c.dict.has(name)) return c.dict.get(name);
    return undefined;
  }
  isSubclassOf(other: PyClass): boolean {
    return this.mro().includes(other);
  }
}

export class PyInstance extends PyObject {
  readonly dict = new Map<string, PyValue>();
  /** Native state of builtin classes (an nn module's parameters, an optimizer's state). */
  native: unknown = null;
  constructor(public cls: PyClass) {
    super();
  }
}

export class PyModule extends PyObject {
  readonly attrs = new Map<string, PyValue>();
  constructor(public name: string) {
    super();
  }
}

/** super(): attribute lookup starting after `cls` in the MRO of `self`'s class. */
export class PySuper extends PyObject {
  constructor(
    public cls: PyClass,
    public self: PyInstance,
  ) {
    super();
  }
}

/** torch.float32 etc. */
export class PyDType extends PyObject {
  constructor(public dtype: import('../../core').DType) {
    super();
  }
}

/** A context manager implemented natively (torch.no_grad()). */
export class PyContextManager extends PyObject {
  constructor(
    public typeName: string,
    public enter: () => PyValue,
    public exit: () => void,
  ) {
    super();
  }
}

/** Python exception instances (caught with `except E as e`). */
export class PyExceptionValue extends PyObject {
  constructor(
    public pyType: string,
    public message: string,
    /** The constructor's arguments (e.args), when built by user code. */
    public args: PyValue[] | null = null,
  ) {
    super();
  }
}

/** A NumPy array (the little of NumPy in scope). */
export class PyNdArray extends PyObject {
  constructor(public tensor: Tensor) {
    super();
  }
}

/** A variable scope: a function's locals or the module's globals. */
export class Scope {
  readonly vars = new Map<string, PyValue>();
  readonly globalNames = new Set<string>();
  readonly nonlocalNames = new Set<string>();
  /** A comprehension's own scope (`:=` inside it binds in the enclosing scope). */
  comprehension = false;
  constructor(public parent: Scope | null) {}
}

export const None = null;

/** Python's type name of the plain values (None, bool, int, float, str, list, tuple, dict); undefined for others. */
export function plainTypeName(v: PyValue): string | undefined {
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyList) return v.view ?? 'list';
  if (v instanceof PyDict) return v.ordered ? 'OrderedDict' : 'dict';
  return undefined;
}
