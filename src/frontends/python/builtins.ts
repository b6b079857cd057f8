import { Tensor } from '../../core';
import { pyFloatRepr } from '../../core/format/numfmt';
import { formatWithSpec, FormatSpecError } from './formatSpec';
import { exceptionMessage, fakeAddress, Interpreter } from './interp';
import { isNum, numBinop, numCompare, pyRound } from './pynum';
import {
  PyBuiltin,
  PyClass,
  PyDescriptor,
  PyDict,
  PyError,
  PyExceptionValue,
  PyInstance,
  PyIterator,
  PyList,
  PyNdArray,
  PyRange,
  PySet,
  PySuper,
  PyTuple,
  PyValue,
  hashKey,
} from './values';

type Kw = Map<string, PyValue>;

export const EXCEPTIONS: [string, string][] = [
  ['Exception', 'BaseException'],
  ['ArithmeticError', 'Exception'],
  ['ZeroDivisionError', 'ArithmeticError'],
  ['OverflowError', 'ArithmeticError'],
  ['LookupError', 'Exception'],
  ['IndexError', 'LookupError'],
  ['KeyError', 'LookupError'],
  ['ValueError', 'Exception'],
  ['TypeError', 'Exception'],
  ['NameError', 'Exception'],
  ['AttributeError', 'Exception'],
  ['RuntimeError', 'Exception'],
  ['NotImplementedError', 'RuntimeError'],
  ['RecursionError', 'RuntimeError'],
  ['AssertionError', 'Exception'],
  ['ImportError', 'Exception'],
  ['ModuleNotFoundError', 'ImportError'],
  ['StopIteration', 'Exception'],
  ['MemoryError', 'Exception'],
  ['TimeoutError', 'Exception'],
  ['UserWarning', 'Exception'],
];

/** Installs Python's builtins. `write` receives what print() prints. */
export function installBuiltins(ip: Interpreter, write: (s: string) => void): void {
  const def = (name: string, fn: (args: PyValue[], kw: Kw) => PyValue, typeName = 'builtin_function_or_method') =>
    ip.builtins.set(name, new PyBuiltin(name, fn, typeName));

  for (const [e, parent] of EXCEPTIONS) {
    ip.exceptionParents.set(e, parent);
    def(e, (args) => new PyExceptionValue(e, exceptionMessage(ip, e, args), args), 'type');
  }
  def('BaseException', (args) => new PyExceptionValue('BaseException', args.length ? ip.str(args[0]) : ''), 'type');
  ip.builtins.set('Ellipsis', new PyTuple([], 'ellipsis'));

  def('print', (args, kw) => {
    const sep = kw.has('sep') && kw.get('sep') !== null ? String(kw.get('sep')) : ' ';
    const end = kw.has('end') && kw.get('end') !== null ? String(kw.get('end')) : '\n';
    write(args.map((a) => ip.str(a)).join(sep) + end);
    return null;
  });
  def('len', ([v]) => BigInt(ip.len(v)));
  def('repr', ([v]) => ip.repr(v));
  def('str', (args) => (args.length ? ip.str(args[0]) : ''), 'type');
  def('format', ([v, spec]) => ip.format(v, spec === undefined ? '' : String(spec)));
  def('range', (args) => {
    const ints = args.map((a) => toInt(ip, a, 'range'));
    if (ints.length === 1) return new PyRange(0n, ints[0], 1n);
    if (ints.length === 2) return new PyRange(ints[0], ints[1], 1n);
    if (ints[2] === 0n) throw new PyError('ValueError', 'range() arg 3 must not be zero');
    return new PyRange(ints[0], ints[1], ints[2]);
  }, 'type');
  def('int', ([v, base]) => {
    if (v === undefined) return 0n;
    if (typeof v === 'string') {
      const s = v.trim().replace(/_/g, '');
      const b = base === undefined ? 10 : Number(base);
      if (!/^[-+]?[0-9a-zA-Z]+$/.test(s) || Number.isNaN(parseInt(s, b))) {
        throw new PyError('ValueError', `invalid literal for int() with base ${b}: ${ip.repr(v)}`);
      }
      return b === 10 ? BigInt(s) : BigInt(parseInt(s, b));
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new PyError(Number.isNaN(v) ? 'ValueError' : 'OverflowError', Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
      return BigInt(Math.trunc(v));
    }
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'bigint') return v;
    if (v instanceof Tensor) return scalarOfTensor(v, 'int');
    if (v instanceof PyNdArray) return scalarOfTensor(v.tensor, 'int');
    throw new PyError('TypeError', `int() argument must be a string, a bytes-like object or a real number, not '${ip.typeName(v)}'`);
  }, 'type');
  def('float', ([v]) => {
    if (v === undefined) return 0;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (s === 'nan' || s === '+nan' || s === '-nan') return NaN;
      if (s === 'inf' || s === '+inf' || s === 'infinity') return Infinity;
      if (s === '-inf' || s === '-infinity') return -Infinity;
      const f = Number(s.replace(/_/g, ''));
      if (s === '' || Number.isNaN(f)) throw new PyError('ValueError', `could not convert string to float: ${ip.repr(v)}`);
      return f;
    }
    if (isNum(v)) return Number(v);
    if (v instanceof Tensor) return Number(scalarOfTensor(v, 'float'));
    if (v instanceof PyNdArray) return Number(scalarOfTensor(v.tensor, 'float'));
    throw new PyError('TypeError', `float() argument must be a string or a real number, not '${ip.typeName(v)}'`);
  }, 'type');
  def('bool', ([v]) => (v === undefined ? false : ip.truthy(v)), 'type');
  def('list', ([v]) => new PyList(v === undefined ? [] : [...ip.iterate(v)]), 'type');
  def('tuple', ([v]) => new PyTuple(v === undefined ? [] : [...ip.iterate(v)]), 'type');
  def('set', ([v]) => {
    const s = new PySet();
    if (v !== undefined) for (const x of ip.iterate(v)) s.map.set(hashKey(x), x);
    return s;
  }, 'type');
  def('dict', (args, kw) => {
    const d = new PyDict();
    if (args[0] !== undefined) {
      if (args[0] instanceof PyDict) for (const [k, v] of args[0].entries()) d.set(k, v);
      else for (const pair of ip.iterate(args[0])) {
        const [k, v] = [...ip.iterate(pair)];
        d.set(k, v);
      }
    }
    for (const [k, v] of kw) d.set(k, v);
    return d;
  }, 'type');
  for (const kind of ['property', 'staticmethod', 'classmethod'] as const) def(kind, ([f]) => new PyDescriptor(kind, f), 'type');
  def('abs', ([v]) => {
    if (typeof v === 'bigint') return v < 0n ? -v : v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'number') return Math.abs(v);
    return ip.call(ip.getattr(v, 'abs'), []);
  });
  def('round', ([v, ndPos], kw) => {
    const nd = ndPos ?? kw.get('ndigits');
    if (typeof v === 'bigint') {
      if (nd === undefined || nd === null || Number(nd) >= 0) return v;
      // round half to even at 10^-ndigits
      const m = 10n ** BigInt(-Number(nd));
      const q = v / m;
      const r = v - q * m;
      const twice = 2n * (r < 0n ? -r : r);
      let out = q;
      if (twice > m || (twice === m && q % 2n !== 0n)) out = q + (v < 0n ? -1n : 1n);
      return out * m;
    }
    if (typeof v === 'number') {
      if (nd === undefined || nd === null) {
        if (!Number.isFinite(v)) throw new PyError(Number.isNaN(v) ? 'ValueError' : 'OverflowError', Number.isNaN(v) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
        return BigInt(pyRound(v, null));
      }
      return roundTo(v, Number(nd));
    }
    if (v instanceof Tensor) return ip.call(ip.getattr(v, 'round'), nd === undefined ? [] : [], nd === undefined ? new Map() : new Map([['decimals', nd]]));
    if (v instanceof PyNdArray && v.tensor.ndim === 0) return roundTo(v.tensor.values()[0], nd === undefined || nd === null ? 0 : Number(nd));
    throw new PyError('TypeError', `type ${ip.typeName(v)} doesn't define __round__ method`);
  });
  const minmax = (isMax: boolean) => (args: PyValue[], kw: Kw): PyValue => {
    const items = args.length === 1 ? [...ip.iterate(args[0])] : args;
    if (!items.length) {
      if (kw.has('default')) return kw.get('default')!;
      throw new PyError('ValueError', `${isMax ? 'max' : 'min'}() arg is an empty sequence`);
    }
    const key = kw.get('key');
    const k = (x: PyValue) => (key !== undefined && key !== null ? ip.call(key, [x]) : x);
    let best = items[0];
    let bk = k(best);
    for (const x of items.slice(1)) {
      const xk = k(x);
      if (ip.truthy(ip.compare(isMax ? '>' : '<', xk, bk))) {
        best = x;
        bk = xk;
      }
    }
    return best;
  };
  def('max', minmax(true));
  def('min', minmax(false));
  def('sum', ([it, startPos], kw) => {
    const start = startPos ?? kw.get('start');
    let acc: PyValue = start === undefined ? 0n : start;
    for (const x of ip.iterate(it)) acc = ip.binop('+', acc, x, false);
    return acc;
  });
  def('enumerate', ([it, start], kw) => {
    const st = start ?? kw.get('start');
    const s = st === undefined ? 0n : (st as bigint);
    const src = ip.iterate(it)[Symbol.iterator]();
    let i = s;
    return new PyIterator(
      { next: () => { const r = src.next(); return r.done ? r : { done: false, value: new PyTuple([i++, r.value]) }; } },
      'enumerate',
    );
  }, 'type');
  def('zip', (args) => {
    const its = args.map((a) => ip.iterate(a)[Symbol.iterator]());
    return new PyIterator(
      {
        next: () => {
          const vals: PyValue[] = [];
          for (const it of its) {
            const r = it.next();
            if (r.done) return { done: true, value: undefined };
            vals.push(r.value);
          }
          return { done: false, value: new PyTuple(vals) };
        },
      },
      'zip',
    );
  }, 'type');
  def('map', ([fn, ...its]) => {
    const srcs = its.map((a) => ip.iterate(a)[Symbol.iterator]());
    return new PyIterator(
      {
        next: () => {
          const vals: PyValue[] = [];
          for (const it of srcs) {
            const r = it.next();
            if (r.done) return { done: true, value: undefined };
            vals.push(r.value);
          }
          return { done: false, value: ip.call(fn, vals) };
        },
      },
      'map',
    );
  }, 'type');
  def('filter', ([fn, it]) => {
    const src = ip.iterate(it)[Symbol.iterator]();
    return new PyIterator(
      {
        next: () => {
          for (let r = src.next(); !r.done; r = src.next()) {
            if (ip.truthy(fn === null ? r.value : ip.call(fn, [r.value]))) return r;
          }
          return { done: true, value: undefined };
        },
      },
      'filter',
    );
  }, 'type');
  def('sorted', ([it], kw) => {
    const items = [...ip.iterate(it)];
    const key = kw.get('key');
    const k = (x: PyValue) => (key !== undefined && key !== null ? ip.call(key, [x]) : x);
    const keyed = items.map((x) => [k(x), x] as const);
    keyed.sort((a, b) => (ip.truthy(ip.compare('<', a[0], b[0])) ? -1 : ip.truthy(ip.compare('<', b[0], a[0])) ? 1 : 0));
    if (kw.get('reverse') === true) keyed.reverse();
    return new PyList(keyed.map((x) => x[1]));
  });
  def('reversed', ([it]) => new PyIterator([...ip.iterate(it)].reverse()[Symbol.iterator](), 'reversed'));
  def('iter', ([it]) => (it instanceof PyIterator ? it : new PyIterator(ip.iterate(it)[Symbol.iterator]())));
  def('next', ([it, dflt]) => {
    if (!(it instanceof PyIterator)) throw new PyError('TypeError', `'${ip.typeName(it)}' object is not an iterator`);
    const r = it.it.next();
    if (r.done) {
      if (dflt !== undefined) return dflt;
      // a generator's return value travels in the StopIteration
      throw new PyError('StopIteration', r.value === undefined || r.value === null ? '' : ip.str(r.value));
    }
    return r.value;
  });
  def('any', ([it]) => [...ip.iterate(it)].some((x) => ip.truthy(x)));
  def('all', ([it]) => [...ip.iterate(it)].every((x) => ip.truthy(x)));
  def('isinstance', ([v, t]) => {
    const types = t instanceof PyTuple ? t.items : [t];
    return types.some((ty) => isInstance(ip, v, ty));
  });
  def('issubclass', ([a, b]) => a instanceof PyClass && b instanceof PyClass && a.isSubclassOf(b));
  const QUALIFIED: Record<string, string> = {
    Tensor: 'torch.Tensor', Parameter: 'torch.nn.parameter.Parameter', Size: 'torch.Size', dtype: 'torch.dtype',
    ndarray: 'numpy.ndarray', float32: 'numpy.float32', float64: 'numpy.float64', int64: 'numpy.int64', NoneType: 'NoneType', builtin_function_or_method: 'builtin_function_or_method',
    OrderedDict: 'collections.OrderedDict',
  };
  def('type', ([v]) => {
    if (v instanceof PyInstance) return v.cls;
    const name = ip.typeName(v);
    const host = ip.typeObjects.get(name);
    if (host !== undefined) return host;
    const known = ip.builtins.get(name);
    if (known instanceof PyBuiltin && known.typeName === 'type') return known;
    const t = new PyBuiltin(name, () => { throw new PyError('TypeError', `cannot create '${name}' instances`); }, 'type');
    t.qualname = QUALIFIED[name] ?? name;
    return t;
  }, 'type');
  def('hasattr', ([o, n]) => {
    try {
      return ip.getattrOpt(o, String(n)) !== undefined;
    } catch {
      return false;
    }
  });
  def('getattr', ([o, n, d]) => {
    const v = ip.getattrOpt(o, String(n));
    if (v === undefined) {
      if (d !== undefined) return d;
      return ip.getattr(o, String(n));
    }
    return v;
  });
  def('setattr', ([o, n, v]) => {
    ip.setattr(o, String(n), v);
    return null;
  });
  def('callable', ([v]) => v instanceof PyBuiltin || v instanceof PyClass || (v !== null && typeof v === 'object' && 'call' in v));
  def('id', ([v]) => BigInt(parseInt((v !== null && typeof v === 'object' ? fakeAddress(v) : '0x1').slice(2), 16)));
  def('divmod', ([a, b]) => {
    if (!isNum(a) || !isNum(b)) throw new PyError('TypeError', `unsupported operand type(s) for divmod(): '${ip.typeName(a)}' and '${ip.typeName(b)}'`);
    return new PyTuple([numBinop('//', a as bigint, b as bigint), numBinop('%', a as bigint, b as bigint)]);
  });
  def('hash', ([v]) => {
    if (typeof v === 'bigint') return v;
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (v instanceof PyList || v instanceof PyDict || v instanceof PySet) throw new PyError('TypeError', `unhashable type: '${ip.typeName(v)}'`);
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw new PyError('NotImplementedError', `hash() of a ${ip.typeName(v)} is not supported by Autograd Lens (its value is specific to one Python process)`);
  });
  def('pow', ([a, b]) => ip.binop('**', a, b, false));
  def('chr', ([v]) => String.fromCodePoint(Number(v)));
  def('ord', ([v]) => BigInt(String(v).codePointAt(0)!));
  const radix = (prefix: string, base: number) => ([v]: PyValue[]) => {
    const n = typeof v === 'boolean' ? (v ? 1n : 0n) : v;
    if (typeof n !== 'bigint') throw new PyError('TypeError', `'${ip.typeName(v)}' object cannot be interpreted as an integer`);
    return n < 0n ? '-' + prefix + (-n).toString(base) : prefix + n.toString(base);
  };
  def('bin', radix('0b', 2));
  def('oct', radix('0o', 8));
  def('hex', ([v]) => ((v as bigint) < 0n ? '-0x' + (-(v as bigint)).toString(16) : '0x' + (v as bigint).toString(16)));
  def('super', ([cls, self]) => {
    if (!(cls instanceof PyClass) || !(self instanceof PyInstance)) throw new PyError('TypeError', 'super() argument 1 must be type');
    return new PySuper(cls, self);
  }, 'type');
  def('object', () => new PyInstance(objectClass), 'type');
  ip.builtins.set('object', objectClass);
  def('input', () => {
    throw new PyError('NotImplementedError', 'input() is not supported: snippets run without a console');
  });
  def('open', () => {
    throw new PyError('NotImplementedError', 'open() is not supported: snippets run without file access');
  });

  ip.format = (v, spec) => {
    if (v instanceof PyNdArray && v.tensor.ndim === 0) {
      if (spec === '') return ip.str(v);
      return ip.format(scalarOfTensor(v.tensor, 'item'), spec);
    }
    if (v instanceof Tensor) {
      if (spec === '') return ip.str(v);
      if (v.numel !== 1 || v.ndim !== 0) throw new PyError('TypeError', 'unsupported format string passed to Tensor.__format__');
      return ip.format(scalarOfTensor(v, 'item'), spec);
    }
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || typeof v === 'string') {
      if (spec === '') return typeof v === 'number' ? pyFloatRepr(v) : ip.str(v);
      try {
        return formatWithSpec(v, spec);
      } catch (e) {
        if (e instanceof FormatSpecError) throw new PyError(e.pyType, e.message);
        throw e;
      }
    }
    if (spec !== '') throw new PyError('TypeError', `unsupported format string passed to ${ip.typeName(v)}.__format__`);
    return ip.str(v);
  };
}

const objectClass = new PyClass('object', [], 'builtins');

function roundTo(v: number, nd: number): number {
  return pyRound(v, nd);
}

function toInt(ip: Interpreter, v: PyValue, fname: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof Tensor && v.numel === 1 && !['float32', 'float64'].includes(v.dtype)) return BigInt(v.item());
  throw new PyError('TypeError', `'${ip.typeName(v)}' object cannot be interpreted as an integer`);
  void fname;
}

/** t.tolist() / ndarray.tolist(): nested lists of Python numbers (bool, int or float by dtype). */
export function tensorToPython(t: Tensor): PyValue {
  const v = t.values();
  const conv = (x: number): PyValue => (t.dtype === 'bool' ? x !== 0 : t.dtype === 'float32' || t.dtype === 'float64' ? x : BigInt(x));
  if (t.ndim === 0) return conv(v[0]);
  const build = (dim: number, off: number): PyValue => {
    const n = t.shape[dim];
    const stride = t.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const items: PyValue[] = [];
    for (let i = 0; i < n; i++) items.push(dim === t.ndim - 1 ? conv(v[off + i]) : build(dim + 1, off + i * stride));
    return new PyList(items);
  };
  return build(0, 0);
}

/** int(t), float(t), t.item(): the Python number of a one-element tensor. */
export function scalarOfTensor(t: Tensor, how: 'int' | 'float' | 'item'): PyValue {
  if (t.numel !== 1) {
    if (how === 'item') throw new PyError('RuntimeError', `a Tensor with ${t.numel} elements cannot be converted to Scalar`);
    throw new PyError('ValueError', 'only one element tensors can be converted to Python scalars');
  }
  const v = t.values()[0];
  if (how === 'int') {
    if (Number.isNaN(v)) throw new PyError('ValueError', 'cannot convert float NaN to integer');
    if (!Number.isFinite(v)) throw new PyError('OverflowError', 'cannot convert float infinity to integer');
    return BigInt(Math.trunc(v));
  }
  if (how === 'float') return v;
  if (t.dtype === 'bool') return v !== 0;
  if (t.dtype === 'int64' || t.dtype === 'int32') return BigInt(v);
  return v;
}

function isInstance(ip: Interpreter, v: PyValue, ty: PyValue): boolean {
  if (ty instanceof PyClass) return v instanceof PyInstance && v.cls.isSubclassOf(ty);
  if (ty instanceof PyBuiltin) {
    const n = ip.typeName(v);
    if (ty.name === 'int') return typeof v === 'bigint' || typeof v === 'boolean';
    if (ty.name === 'float') return typeof v === 'number';
    if (ty.name === 'object') return true;
    if (ty.name === 'Tensor') return v instanceof Tensor;
    if (ty.name === 'dict') return v instanceof PyDict;
    if (ty.name === 'list') return v instanceof PyList && !v.view;
    return n === ty.name || (v instanceof PyExceptionValue && ip.isExceptionSubtype(v.pyType, ty.name));
  }
  return false;
}

export { numCompare };
