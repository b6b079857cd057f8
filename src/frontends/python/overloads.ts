// PyTorch's Python argument parser for overloaded functions (torch/csrc/utils/python_arg_parser.cpp
// and invalid_arguments.cpp in 1.13): the signatures below are the ones 1.13 generated from
// native_functions.yaml. A call is first matched against them; when none matches, the TypeError
// PyTorch raises is reproduced (a single plausible overload names the bad argument, several give
// "received an invalid combination of arguments"). The implementations still read the arguments
// themselves: this only decides which calls are rejected, and with what message.
import { Tensor } from '../../core';
import { pyTypeOf } from './args';
import { PyBuiltin, PyDType, PyError, PyList, PyNdArray, PyTuple, PyValue } from './values';

type PType =
  | 'Tensor' | 'Scalar' | 'int64_t' | 'double' | 'bool' | 'IntArrayRef' | 'DimnameList' | 'Dimname'
  | 'ScalarType' | 'TensorList' | 'string' | 'PyObject' | 'Device';

interface Param {
  type: PType;
  name: string;
  optional: boolean;
  allowNone: boolean;
  kwOnly: boolean;
  size: number;
  numbersAsTensors: boolean;
}

interface Signature {
  name: string;
  params: Param[];
  hidden: boolean;
  minArgs: number;
  maxArgs: number;
  maxPosArgs: number;
}

const TYPE_MAP: Record<string, PType> = {
  Tensor: 'Tensor', Scalar: 'Scalar', int64_t: 'int64_t', double: 'double', bool: 'bool', IntArrayRef: 'IntArrayRef',
  DimnameList: 'DimnameList', Dimname: 'Dimname', ScalarType: 'ScalarType', TensorList: 'TensorList', 'c10::string_view': 'string',
  'PyObject*': 'PyObject', Device: 'Device',
};

/** FunctionParameter::type_name (these strings are what the error messages print). */
const TYPE_NAME: Record<PType, string> = {
  Tensor: 'Tensor', Scalar: 'Number', int64_t: 'int', double: 'float', bool: 'bool', IntArrayRef: 'tuple of ints',
  DimnameList: 'tuple of names', Dimname: 'name', ScalarType: 'torch.dtype', TensorList: 'tuple of Tensors', string: 'str',
  PyObject: 'object', Device: 'torch.device',
};

/** python_arg_parser.cpp's should_allow_numbers_as_tensors. */
const NUMBERS_AS_TENSORS = new Set(['add', 'add_', 'div', 'div_', 'divide', 'divide_', 'mul', 'mul_', 'multiply', 'multiply_', 'sub', 'sub_', 'subtract', 'subtract_', 'true_divide', 'true_divide_', 'floor_divide', 'floor_divide_']);

const NUMPY_NAMES: Record<string, string[]> = { dim: ['axis'], keepdim: ['keepdims'], input: ['x', 'a', 'x1'], other: ['x2'] };

function parseSignature(fmt: string): Signature {
  const open = fmt.indexOf('(');
  const close = fmt.lastIndexOf(')');
  const name = fmt.slice(0, open);
  const body = fmt.slice(open + 1, close);
  const flags = fmt.slice(close + 1);
  const params: Param[] = [];
  let kwOnly = false;
  for (const p of body ? body.split(', ') : []) {
    if (p === '*') {
      kwOnly = true;
      continue;
    }
    const sp = p.indexOf(' ');
    let typeStr = p.slice(0, sp);
    let allowNone = false;
    if (typeStr.endsWith('?')) {
      allowNone = true;
      typeStr = typeStr.slice(0, -1);
    }
    let size = 0;
    const br = typeStr.indexOf('[');
    if (br >= 0) {
      size = Number(typeStr.slice(br + 1, -1));
      typeStr = typeStr.slice(0, br);
    }
    const type = TYPE_MAP[typeStr];
    if (!type) throw new Error(`overloads: unknown type ${typeStr}`);
    let pname = p.slice(sp + 1);
    let optional = false;
    const eq = pname.indexOf('=');
    if (eq >= 0) {
      if (pname.slice(eq + 1) === 'None') allowNone = true;
      pname = pname.slice(0, eq);
      optional = true;
    }
    params.push({ type, name: pname, optional, allowNone, kwOnly, size, numbersAsTensors: NUMBERS_AS_TENSORS.has(name) });
  }
  return {
    name,
    params,
    hidden: flags === '|deprecated' || flags === '|hidden',
    minArgs: params.filter((p) => !p.optional).length,
    maxArgs: params.length,
    maxPosArgs: params.filter((p) => !p.kwOnly).length,
  };
}

/** FunctionSignature::toString. */
function sigString(s: Signature): string {
  let kw = false;
  return '(' + s.params.map((p) => {
    let pre = '';
    if (p.kwOnly && !kw) {
      pre = '*, ';
      kw = true;
    }
    return pre + TYPE_NAME[p.type] + ' ' + p.name;
  }).join(', ') + ')';
}

const isIntTensor = (t: Tensor) => !t.dtype.startsWith('float') && t.dtype !== 'bool';
/** A NumPy scalar (np.float32(1.5), np.argmax(...)): a 0-dim array here. */
const isNumpyScalar = (v: PyValue): v is PyNdArray => v instanceof PyNdArray && v.tensor.ndim === 0;
/** THPUtils_checkScalar: a Python or NumPy number. */
const isScalar = (v: PyValue) => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || isNumpyScalar(v);
/** THPUtils_checkLong: an int that is not a bool, or a NumPy integer. */
const checkLong = (v: PyValue) => typeof v === 'bigint' || (isNumpyScalar(v) && isIntTensor(v.tensor));
/** THPUtils_checkIndex: an int, or an object with __index__ (NumPy integers, integer one-element tensors). */
const checkIndex = (v: PyValue) => checkLong(v) || (v instanceof Tensor && v.numel === 1 && isIntTensor(v));
const checkDimname = (v: PyValue) => v === null || typeof v === 'string';

/** FunctionParameter::check. `argnum` is the parameter's index, for the tensor-list error. */
function check(p: Param, v: PyValue, argnum: number): boolean {
  switch (p.type) {
    case 'Tensor':
      if (v instanceof Tensor) return true;
      return p.numbersAsTensors && isScalar(v);
    case 'Scalar': // falls through to double (complex numbers aside)
    case 'double':
      if (isScalar(v)) return true;
      return v instanceof Tensor && !v.requiresGrad && v.ndim === 0;
    case 'int64_t':
      if (checkLong(v)) return true;
      return v instanceof Tensor && isIntTensor(v) && !v.requiresGrad && v.ndim === 0;
    case 'bool':
      return typeof v === 'boolean';
    case 'IntArrayRef':
      if (v instanceof PyTuple || v instanceof PyList) return v.items.length === 0 || checkIndex(v.items[0]);
      return p.size > 0 && checkLong(v);
    case 'Dimname':
      return checkDimname(v);
    case 'DimnameList':
      if ((v instanceof PyTuple || v instanceof PyList) && v.items.every(checkDimname)) return true;
      return p.size === 1 && checkDimname(v);
    case 'TensorList':
      if (!(v instanceof PyTuple || v instanceof PyList)) return false;
      v.items.forEach((x, i) => {
        if (!(x instanceof Tensor)) throw new PyError('TypeError', `expected Tensor as element ${i} in argument ${argnum}, but got ${pyTypeOf(x)}`);
      });
      return true;
    case 'ScalarType':
      return v instanceof PyDType || (v instanceof PyBuiltin && v.typeName === 'type' && ['float', 'int', 'bool', 'complex'].includes(v.name));
    case 'string':
      return typeof v === 'string';
    case 'PyObject':
      return true;
    case 'Device':
      return checkLong(v) || typeof v === 'string' || (v instanceof PyTuple && v.tag === 'device');
  }
}

function lookupKw(p: Param, kw: Map<string, PyValue>): PyValue | undefined {
  if (kw.has(p.name)) return kw.get(p.name);
  for (const alt of NUMPY_NAMES[p.name] ?? []) if (kw.has(alt)) return kw.get(alt);
  return undefined;
}

/** FunctionSignature::parse: whether the call matches, or (raise) PyTorch's error for this signature. */
function parse(s: Signature, args: PyValue[], kw: Map<string, PyValue>, raise: boolean): boolean {
  const nargs = args.length;
  let remainingKw = kw.size;
  const varargsIntList = s.maxPosArgs === 1 && s.params[0].type === 'IntArrayRef';
  const extraArgs = (): never => {
    if (s.minArgs !== s.maxPosArgs) throw new PyError('TypeError', `${s.name}() takes from ${s.minArgs} to ${s.maxPosArgs} positional arguments but ${nargs} were given`);
    throw new PyError('TypeError', `${s.name}() takes ${s.maxPosArgs} positional argument${s.maxPosArgs === 1 ? '' : 's'} but ${nargs} ${nargs === 1 ? 'was' : 'were'} given`);
  };
  if (nargs > s.maxPosArgs && !varargsIntList) {
    if (raise) extraArgs();
    return false;
  }
  let argPos = 0;
  for (let i = 0; i < s.params.length; i++) {
    const p = s.params[i];
    let v: PyValue | undefined;
    let isKw = false;
    if (argPos < nargs) {
      if (p.kwOnly) {
        if (raise) extraArgs();
        return false;
      }
      v = args[argPos];
    } else {
      v = lookupKw(p, kw);
      isKw = true;
    }
    const varargsEligible = varargsIntList && argPos === 0 && !isKw;
    if ((v === undefined && p.optional) || (v === null && p.allowNone)) {
      // default
    } else if (v === undefined) {
      if (raise) {
        const missing = s.params.slice(i).filter((q) => !q.optional).map((q) => `"${q.name}"`);
        // missing_args: its plural is inverted in 1.13 ("1 required positional arguments")
        throw new PyError('TypeError', `${s.name}() missing ${missing.length} required positional argument${missing.length === 1 ? 's' : ''}: ${missing.join(', ')}`);
      }
      return false;
    } else if (check(p, v, i)) {
      // matched
    } else if (varargsEligible && args.every((x) => checkIndex(x))) {
      argPos = nargs;
      continue;
    } else if (raise) {
      if (!isKw && p.type === 'IntArrayRef') {
        // is_int_list's failed_idx: the first element of the list (or of the varargs) is not an int
        const seq = v instanceof PyTuple || v instanceof PyList ? v.items : varargsEligible ? args : null;
        if (seq && seq.length) {
          throw new PyError('TypeError', `${s.name}(): argument '${p.name}' (position ${argPos + 1}) must be ${TYPE_NAME[p.type]}, but found element of type ${pyTypeOf(seq[0])} at pos 0`);
        }
      }
      if (isKw) throw new PyError('TypeError', `${s.name}(): argument '${p.name}' must be ${TYPE_NAME[p.type]}, not ${pyTypeOf(v)}`);
      throw new PyError('TypeError', `${s.name}(): argument '${p.name}' (position ${argPos + 1}) must be ${TYPE_NAME[p.type]}, not ${pyTypeOf(v)}`);
    } else {
      return false;
    }
    if (!isKw) argPos++;
    else if (v !== undefined) remainingKw--;
  }
  if (remainingKw > 0) {
    if (raise) {
      for (const k of kw.keys()) {
        const idx = s.params.findIndex((p) => p.name === k);
        if (idx < 0) throw new PyError('TypeError', `${s.name}() got an unexpected keyword argument '${k}'`);
        if (idx < nargs) throw new PyError('TypeError', `${s.name}() got multiple values for argument '${k}'`);
      }
      throw new PyError('TypeError', 'invalid keyword arguments');
    }
    return false;
  }
  return true;
}

// ---- invalid_arguments.cpp: the "invalid combination of arguments" message ----

interface OptArg {
  name: string;
  matches: (v: PyValue) => boolean;
}

/** _buildType for the type names toString prints: only a few of them ever match an object. */
function buildMatcher(typeName: string, nullable: boolean): (v: PyValue) => boolean {
  let m: (v: PyValue) => boolean;
  if (typeName === 'float') m = (v) => typeof v === 'number' || typeof v === 'bigint';
  else if (typeName === 'int') m = (v) => typeof v === 'bigint';
  else m = (v) => tpName(v) === typeName;
  return nullable ? (v) => v === null || m(v) : m;
}

/** Py_TYPE(obj)->tp_name. */
function tpName(v: PyValue): string {
  if (v instanceof PyDType) return 'torch.dtype';
  return pyTypeOf(v);
}

/** _parseOption: note that a "*" entry counts as an argument too. */
function parseOption(opt: string): OptArg[] {
  const body = opt.slice(1, -1);
  return body.split(', ').map((arg) => {
    const sp = arg.lastIndexOf(' ');
    const typeName = sp < 0 ? arg : arg.slice(0, sp);
    const name = sp < 0 ? arg : arg.slice(sp + 1);
    return { name, matches: buildMatcher(typeName, false) };
  });
}

function seqDesc(v: PyValue): string {
  if (v instanceof PyTuple || v instanceof PyList) {
    const items = v.items.map(tpName).join(', ');
    return v instanceof PyTuple ? `tuple of (${items}${v.items.length === 1 ? ',' : ''})` : `list of [${items}]`;
  }
  return tpName(v);
}

function formattedArgDesc(opt: OptArg[], args: PyValue[], kw: Map<string, PyValue>): string {
  const n = args.length + kw.size;
  let r = '(';
  for (let i = 0; i < n; i++) {
    const isKw = i >= args.length;
    const v = isKw ? kw.get(opt[i]?.name ?? '') : args[i];
    if (v === undefined) throw new PyError('TypeError', 'invalid keyword arguments');
    const ok = i < opt.length ? opt[i].matches(v) : false;
    r += ok ? '' : '!';
    if (isKw) r += opt[i].name + '=';
    r += seqDesc(v);
    r += ok ? '' : '!';
    r += ', ';
  }
  if (args.length) r = r.slice(0, -2);
  return r + ')';
}

/**
 * The keywords in the order format_invalid_args sees them: copied into a std::unordered_map, whose
 * iteration (libstdc++, fewer keywords than buckets) is the reverse of insertion.
 */
const kwOrder = (kw: Map<string, PyValue>): [string, PyValue][] => [...kw].reverse();

function argDesc(args: PyValue[], kw: Map<string, PyValue>): string {
  let r = '(';
  for (const a of args) r += tpName(a) + ', ';
  for (const [k, v] of kwOrder(kw)) r += k + '=' + tpName(v) + ', ';
  if (args.length) r = r.slice(0, -2);
  return r + ')';
}

function formatInvalidArgs(fname: string, options: string[], args: PyValue[], kw: Map<string, PyValue>): string {
  let msg = `${fname}() received an invalid combination of arguments - `;
  const unmatchedKw = (opt: OptArg[]) => {
    const start = Math.max(0, opt.length - kw.size);
    return kwOrder(kw).map(([k]) => k).filter((k) => !opt.slice(start).some((a) => a.name === k));
  };
  const countMatch = (opt: OptArg[]) => args.length + kw.size === opt.length;
  if (options.length === 1) {
    const opt = parseOption(options[0]);
    const bad = kw.size ? unmatchedKw(opt) : [];
    if (bad.length) return msg + 'got unrecognized keyword arguments: ' + bad.join(', ');
    return msg + 'got ' + (countMatch(opt) ? formattedArgDesc(opt, args, kw) : argDesc(args, kw)) + ', but expected ' + options[0];
  }
  msg += 'got ' + argDesc(args, kw) + ', but expected one of:\n';
  for (const o of options) {
    const opt = parseOption(o);
    msg += ' * ' + o + '\n';
    if (countMatch(opt)) {
      const bad = kw.size ? unmatchedKw(opt) : [];
      if (bad.length) msg += "      didn't match because some of the keywords were incorrect: " + bad.join(', ') + '\n';
      else msg += "      didn't match because some of the arguments have invalid types: " + formattedArgDesc(opt, args, kw) + '\n';
    }
  }
  return msg;
}

/**
 * The overloads of the common functions, as 1.13's python_torch_functions / python_variable_methods
 * declare them (from native_functions.yaml: `self` becomes `input` in functions, out= variants add a
 * keyword-only `Tensor out=None`, deprecated forms are hidden). The sum/mean/max forms match reported
 * messages; `max(Tensor input)` without out (max.unary_out came after the 1.13 branch) and the order of
 * pow's Tensor/Scalar overloads follow the generator's rules rather than an observed 1.13 message.
 * Functions whose size arguments became SymInt[] in 1.13 (view, reshape, zeros, ...) are left out:
 * how 1.13 printed that type is not established.
 */
const sumLike = (n: string, method: boolean): string[] =>
  method
    ? [
        `${n}(*, ScalarType? dtype=None)`,
        `${n}(IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None)`,
        `${n}(DimnameList[1] dim, bool keepdim=False, *, ScalarType? dtype=None)`,
      ]
    : [
        `${n}(Tensor input, *, ScalarType? dtype=None)`,
        `${n}(Tensor input, IntArrayRef[1]? dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)`,
        `${n}(Tensor input, DimnameList[1] dim, bool keepdim=False, *, ScalarType? dtype=None, Tensor out=None)`,
      ];
const maxLike = (n: string, method: boolean): string[] =>
  method
    ? [`${n}()`, `${n}(Tensor other)`, `${n}(int64_t dim, bool keepdim=False)`, `${n}(Dimname dim, bool keepdim=False)`]
    : [
        `${n}(Tensor input)`,
        `${n}(Tensor input, Tensor other, *, Tensor out=None)`,
        `${n}(Tensor input, int64_t dim, bool keepdim=False, *, TensorList[2] out=None)`,
        `${n}(Tensor input, Dimname dim, bool keepdim=False, *, TensorList[2] out=None)`,
      ];

const addLike = (n: string, method: boolean): string[] =>
  method
    ? [`${n}(Scalar alpha, Tensor other)|deprecated`, `${n}(Tensor other, *, Scalar alpha=1)`]
    : [`${n}(Tensor input, Scalar alpha, Tensor other, *, Tensor out=None)|deprecated`, `${n}(Tensor input, Tensor other, *, Scalar alpha=1, Tensor out=None)`];

const FUNCTIONS: Record<string, string[]> = {
  // python_torch_functions_manual.cpp's THPVariable_tensor
  tensor: ['tensor(PyObject* data, *, ScalarType dtype=None, Device? device=None, bool pin_memory=False, bool requires_grad=False, DimnameList? names=None)'],
  add: addLike('add', false),
  sub: addLike('sub', false),
  mul: ['mul(Tensor input, Tensor other, *, Tensor out=None)'],
  div: ['div(Tensor input, Tensor other, *, Tensor out=None)', 'div(Tensor input, Tensor other, *, c10::string_view? rounding_mode, Tensor out=None)'],
  pow: [
    'pow(Tensor input, Tensor exponent, *, Tensor out=None)',
    'pow(Scalar self, Tensor exponent, *, Tensor out=None)',
    'pow(Tensor input, Scalar exponent, *, Tensor out=None)',
  ],
  clamp: ['clamp(Tensor input, Tensor? min=None, Tensor? max=None, *, Tensor out=None)', 'clamp(Tensor input, Scalar? min=None, Scalar? max=None, *, Tensor out=None)'],
  transpose: ['transpose(Tensor input, int64_t dim0, int64_t dim1)', 'transpose(Tensor input, Dimname dim0, Dimname dim1)'],
  permute: ['permute(Tensor input, IntArrayRef dims)'],
  sum: sumLike('sum', false),
  mean: sumLike('mean', false),
  max: maxLike('max', false),
  min: maxLike('min', false),
  cat: ['cat(TensorList tensors, int64_t dim=0, *, Tensor out=None)', 'cat(TensorList tensors, Dimname dim, *, Tensor out=None)'],
  concat: ['concat(TensorList tensors, int64_t dim=0, *, Tensor out=None)', 'concat(TensorList tensors, Dimname dim, *, Tensor out=None)'],
};
const METHODS: Record<string, string[]> = {
  add: addLike('add', true),
  sub: addLike('sub', true),
  mul: ['mul(Tensor other)'],
  div: ['div(Tensor other)', 'div(Tensor other, *, c10::string_view? rounding_mode)'],
  pow: ['pow(Tensor exponent)', 'pow(Scalar exponent)'],
  clamp: ['clamp(Tensor? min=None, Tensor? max=None)', 'clamp(Scalar? min=None, Scalar? max=None)'],
  transpose: ['transpose(int64_t dim0, int64_t dim1)', 'transpose(Dimname dim0, Dimname dim1)'],
  permute: ['permute(IntArrayRef dims)'],
  sum: sumLike('sum', true),
  mean: sumLike('mean', true),
  max: maxLike('max', true),
  min: maxLike('min', true),
  requires_grad_: ['requires_grad_(bool requires_grad=True)'],
};

class ArgParser {
  readonly sigs: Signature[];
  constructor(fmts: string[]) {
    const sigs = fmts.map(parseSignature);
    // deprecated signatures are tried last
    this.sigs = [...sigs.filter((s) => !s.hidden), ...sigs.filter((s) => s.hidden)];
  }

  /** PythonArgParser::raw_parse, then print_error when nothing matched. */
  check(args: PyValue[], kw: Map<string, PyValue>): void {
    if (this.sigs.length === 1) {
      parse(this.sigs[0], args, kw, true);
      return;
    }
    for (const s of this.sigs) if (parse(s, args, kw, false)) return;
    const n = args.length + kw.size;
    const plausible = this.sigs.filter((s) => n >= s.minArgs && n <= s.maxArgs && !s.hidden);
    if (plausible.length === 1) parse(plausible[0], args, kw, true);
    const options = this.sigs.filter((s) => !s.hidden).map(sigString);
    throw new PyError('TypeError', formatInvalidArgs(this.sigs[0].name, options, args, kw));
  }
}

const cache = new Map<string, ArgParser | null>();
function parserFor(table: Record<string, string[]>, prefix: string, name: string): ArgParser | null {
  const key = prefix + name;
  let p = cache.get(key);
  if (p === undefined) {
    p = Object.prototype.hasOwnProperty.call(table, name) ? new ArgParser(table[name]) : null;
    cache.set(key, p);
  }
  return p;
}

/** Rejects a torch.<name>(...) call that matches none of its 1.13 overloads, with PyTorch's TypeError. */
export function checkTorchCall(name: string, args: PyValue[], kw: Map<string, PyValue>): void {
  parserFor(FUNCTIONS, 'torch.', name)?.check(args, kw);
}

/** The same for a tensor method (self already bound). */
export function checkMethodCall(name: string, args: PyValue[], kw: Map<string, PyValue>): void {
  parserFor(METHODS, 'Tensor.', name)?.check(args, kw);
}
