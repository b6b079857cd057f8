import { isGradEnabled, Node, Tensor, TorchError } from '../../core';
import type * as A from './ast';
import { unsupportedApi } from './knownApi';
import { isNum, Num, numBinop, numCompare } from './pynum';
import {
  PyBoundMethod,
  PyDescriptor,
  PyBuiltin,
  PyClass,
  PyContextManager,
  PyDict,
  PyError,
  PyExceptionValue,
  PyFunction,
  PyInstance,
  PyIterator,
  PyList,
  PyModule,
  PyObject,
  PyRange,
  PySet,
  PySuper,
  PyTuple,
  PyValue,
  Scope,
  hashKey,
  plainTypeName,
} from './values';

/** How a statement finished: normally, or by break / continue / return. */
const enum Flow {
  Normal,
  Break,
  Continue,
  Return,
}

/** Limits that keep a snippet from hanging or exhausting the editor. */
export interface Budget {
  maxSteps: number;
  maxMillis: number;
}

/** The hooks the language-neutral interpreter needs from the torch binding layer. */
export interface HostOps {
  binop(op: string, a: PyValue, b: PyValue, inplace: boolean): PyValue | undefined;
  unary(op: string, a: PyValue): PyValue | undefined;
  compare(op: string, a: PyValue, b: PyValue): PyValue | undefined;
  getattr(obj: PyValue, name: string): PyValue | undefined;
  setattr(obj: PyValue, name: string, value: PyValue): boolean;
  getitem(obj: PyValue, index: PyValue): PyValue | undefined;
  setitem(obj: PyValue, index: PyValue, value: PyValue): boolean;
  truthy(v: PyValue): boolean | undefined;
  iterate(v: PyValue): Iterable<PyValue> | undefined;
  len(v: PyValue): number | undefined;
  repr(v: PyValue): string | undefined;
  /** str(v) where it differs from repr (NumPy arrays). */
  str(v: PyValue): string | undefined;
  typeName(v: PyValue): string | undefined;
  /** Called when a statement starts, so what it creates can be attributed to its source line. */
  onStatement(range: A.Range): void;
}

/** str() of an exception built from args: one argument's str (KeyError: its repr), several as a tuple. */
export function exceptionMessage(ip: Interpreter, type: string, args: PyValue[]): string {
  if (args.length === 0) return '';
  if (args.length > 1) return ip.repr(new PyTuple(args));
  return type === 'KeyError' ? ip.repr(args[0]) : ip.str(args[0]);
}

function comprehensionScope(parent: Scope): Scope {
  const s = new Scope(parent);
  s.comprehension = true;
  return s;
}

const yieldCache = new WeakMap<object, boolean>();

/** Whether a statement or expression contains a yield of the enclosing def (nested defs and lambdas excluded). */
function containsYield(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(containsYield);
  const kind = (node as { kind?: string }).kind;
  if (kind === 'Yield') return true;
  if (kind === 'FunctionDef' || kind === 'ClassDef' || kind === 'Lambda') return false;
  let c = yieldCache.get(node);
  if (c !== undefined) return c;
  c = false;
  for (const [k, v] of Object.entries(node)) {
    if (k !== 'range' && v && typeof v === 'object' && containsYield(v)) {
      c = true;
      break;
    }
  }
  yieldCache.set(node, c);
  return c;
}

/** The yields of a statement in evaluation order (the AST's fields are in source order; nested defs and lambdas excluded). */
function collectYields(node: unknown, out: A.YieldExpr[] = []): A.YieldExpr[] {
  if (!node || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    for (const x of node) collectYields(x, out);
    return out;
  }
  const kind = (node as { kind?: string }).kind;
  if (kind === 'Yield') {
    // a yield inside its value runs first, from genYield
    out.push(node as A.YieldExpr);
    return out;
  }
  if (kind === 'FunctionDef' || kind === 'ClassDef' || kind === 'Lambda') return out;
  for (const [k, v] of Object.entries(node)) if (k !== 'range' && v && typeof v === 'object') collectYields(v, out);
  return out;
}

/** Whether running a statement's yields ahead of it keeps Python's order: none is conditional (a if c else b, and/or). */
function yieldsInOrder(node: unknown): boolean {
  if (!node || typeof node !== 'object') return true;
  if (Array.isArray(node)) return node.every(yieldsInOrder);
  const kind = (node as { kind?: string }).kind;
  if ((kind === 'IfExp' || kind === 'BoolOp') && containsYield(node)) return false;
  if (kind === 'FunctionDef' || kind === 'ClassDef' || kind === 'Lambda') return true;
  return Object.entries(node).every(([k, v]) => k === 'range' || !v || typeof v !== 'object' || yieldsInOrder(v));
}

class ReturnSignal {
  constructor(public value: PyValue) {}
}

export class Interpreter {
  readonly globals = new Scope(null);
  readonly builtins = new Map<string, PyValue>();
  private steps = 0;
  private deadline = 0;
  /** Classes of exceptions by name, for except clauses (child → parent). */
  readonly exceptionParents = new Map<string, string>();
  host!: HostOps;
  /** Where the innermost executing statement is, for error locations. */
  currentRange: A.Range | null = null;
  /** Results of yields run ahead of the rest of their statement (preYield). */
  private yieldResults = new Map<A.YieldExpr, PyValue>();
  /** The frame stack: the function running and its first argument, for super(). */
  private frames: { fn: PyFunction; args: PyValue[] }[] = [];

  constructor(public budget: Budget) {}

  startBudget(): void {
    this.steps = 0;
    this.deadline = Date.now() + this.budget.maxMillis;
  }

  private tick(): void {
    if (++this.steps > this.budget.maxSteps) {
      throw new PyError('TimeoutError', `the snippet exceeded Autograd Lens's budget of ${this.budget.maxSteps} steps (an infinite loop?)`);
    }
    if ((this.steps & 1023) === 0 && Date.now() > this.deadline) {
      throw new PyError('TimeoutError', `the snippet ran longer than Autograd Lens's budget of ${this.budget.maxMillis / 1000} s (an infinite loop?)`);
    }
  }

  // ------------------------------------------------------------------ statements

  execBlock(body: A.Stmt[], scope: Scope): Flow {
    for (const s of body) {
      const f = this.exec(s, scope);
      if (f !== Flow.Normal) return f;
    }
    return Flow.Normal;
  }

  exec(s: A.Stmt, scope: Scope): Flow {
    this.tick();
    this.currentRange = s.range;
    this.host.onStatement(s.range);
    try {
      return this.execInner(s, scope);
    } catch (e) {
      throw this.locate(e, s.range);
    }
  }

  /** Attaches the innermost source range to an error the first time it passes a statement. */
  locate(e: unknown, range: A.Range): unknown {
    if (e instanceof PyError) {
      if (!e.range) e.range = range;
      return e;
    }
    if (e instanceof TorchError) return new PyError(e.pyType, e.message, range);
    if (e instanceof ReturnSignal) return e;
    if (e instanceof RangeError && /call stack/.test(e.message)) {
      return new PyError('RecursionError', 'maximum recursion depth exceeded', range);
    }
    return e;
  }

  private execInner(s: A.Stmt, scope: Scope): Flow {
    switch (s.kind) {
      case 'ExprStmt':
        this.eval(s.value, scope);
        return Flow.Normal;
      case 'Assign': {
        const v = this.eval(s.value, scope);
        for (const t of s.targets) this.assign(t, v, scope);
        return Flow.Normal;
      }
      case 'AugAssign': {
        const op = s.op;
        if (s.target.kind === 'Name') {
          const cur = this.lookup(s.target.id, scope, s.target.range);
          this.setName(s.target.id, this.binop(op, cur, this.eval(s.value, scope), true), scope);
        } else if (s.target.kind === 'Attribute') {
          const obj = this.eval(s.target.value, scope);
          const cur = this.getattr(obj, s.target.attr);
          this.setattr(obj, s.target.attr, this.binop(op, cur, this.eval(s.value, scope), true));
        } else {
          const obj = this.eval(s.target.value, scope);
          const idx = this.eval(s.target.index, scope);
          const cur = this.getitem(obj, idx);
          const val = this.eval(s.value, scope);
          // t[i] op= v on a tensor in the graph: out of place, then assigned (PyTorch's CopySlices)
          const inGraph = obj instanceof Tensor && cur instanceof Tensor && isGradEnabled() && (obj.requiresGrad || (val instanceof Tensor && val.requiresGrad));
          const nv = this.binop(op, cur, val, !inGraph);
          this.setitem(obj, idx, nv);
        }
        return Flow.Normal;
      }
      case 'AnnAssign':
        if (s.value) this.assign(s.target, this.eval(s.value, scope), scope);
        return Flow.Normal;
      case 'If':
        return this.truthy(this.eval(s.test, scope)) ? this.execBlock(s.body, scope) : this.execBlock(s.orelse, scope);
      case 'While': {
        while (this.truthy(this.eval(s.test, scope))) {
          this.tick();
          const f = this.execBlock(s.body, scope);
          if (f === Flow.Break) return Flow.Normal;
          if (f === Flow.Return) return f;
        }
        return this.execBlock(s.orelse, scope);
      }
      case 'For': {
        const it = this.eval(s.iter, scope);
        for (const v of this.iterate(it)) {
          this.tick();
          this.assign(s.target, v, scope);
          const f = this.execBlock(s.body, scope);
          if (f === Flow.Break) return Flow.Normal;
          if (f === Flow.Return) return f;
        }
        return this.execBlock(s.orelse, scope);
      }
      case 'Break':
        return Flow.Break;
      case 'Continue':
        return Flow.Continue;
      case 'Pass':
        return Flow.Normal;
      case 'Return':
        throw new ReturnSignal(s.value ? this.eval(s.value, scope) : null);
      case 'FunctionDef': {
        const def = this.makeFunction(s.name, s.params, s.body, scope);
        def.isGenerator = !!s.isGenerator;
        let fn: PyValue = def;
        for (const d of [...s.decorators].reverse()) fn = this.call(this.eval(d, scope), [fn]);
        this.setName(s.name, fn, scope);
        return Flow.Normal;
      }
      case 'ClassDef': {
        const bases = s.bases.map((b) => this.eval(b, scope));
        const excBase = bases.find((b): b is PyBuiltin => b instanceof PyBuiltin && b.typeName === 'type' && this.isExceptionSubtype(b.name, 'BaseException'));
        if (excBase && (this.exceptionParents.has(excBase.name) || excBase.name === 'BaseException')) {
          // a user-defined exception: a new exception type under its base; a body beyond pass/docstrings is out of scope
          const trivial = s.body.every((st) => st.kind === 'Pass' || (st.kind === 'ExprStmt' && st.value.kind === 'Str'));
          if (!trivial) throw new PyError('NotImplementedError', `methods on an exception class are not supported (line ${s.range.line})`);
          this.exceptionParents.set(s.name, excBase.name);
          const name = s.name;
          this.setName(name, new PyBuiltin(name, (args) => new PyExceptionValue(name, exceptionMessage(this, name, args), args), 'type'), scope);
          return Flow.Normal;
        }
        const cls = new PyClass(
          s.name,
          bases.map((b) => {
            if (!(b instanceof PyClass)) throw new PyError('TypeError', 'bases must be classes');
            return b;
          }),
        );
        const body = new Scope(scope);
        this.execBlock(s.body, body);
        for (const [k, v] of body.vars) {
          if (v instanceof PyFunction) v.definingClass = cls;
          cls.dict.set(k, v);
        }
        this.setName(s.name, cls, scope);
        return Flow.Normal;
      }
      case 'With': {
        const exits: (() => void)[] = [];
        try {
          for (const item of s.items) {
            const cm = this.eval(item.context, scope);
            const v = this.enter(cm, exits);
            if (item.target) this.assign(item.target, v, scope);
          }
          return this.execBlock(s.body, scope);
        } finally {
          for (const ex of exits.reverse()) ex();
        }
      }
      case 'Import':
        for (const a of s.names) {
          const mod = this.importModule(a.name);
          if (a.asname) this.setName(a.asname, mod, scope);
          else this.setName(a.name.split('.')[0], this.importModule(a.name.split('.')[0]), scope);
        }
        return Flow.Normal;
      case 'ImportFrom': {
        if (!s.module) throw new PyError('ImportError', 'attempted relative import with no known parent package');
        const mod = this.importModule(s.module);
        if (s.star) {
          if (mod instanceof PyModule) for (const [k, v] of mod.attrs) if (!k.startsWith('_')) this.setName(k, v, scope);
          return Flow.Normal;
        }
        for (const a of s.names) {
          let v: PyValue | undefined = mod instanceof PyModule ? mod.attrs.get(a.name) : undefined;
          if (v === undefined) {
            try {
              v = this.importModule(`${s.module}.${a.name}`);
            } catch {
              throw new PyError('ImportError', `cannot import name '${a.name}' from '${s.module}'`);
            }
          }
          this.setName(a.asname ?? a.name, v, scope);
        }
        return Flow.Normal;
      }
      case 'Global':
        for (const n of s.names) scope.globalNames.add(n);
        return Flow.Normal;
      case 'Nonlocal':
        for (const n of s.names) scope.nonlocalNames.add(n);
        return Flow.Normal;
      case 'Delete':
        for (const t of s.targets) this.del(t, scope);
        return Flow.Normal;
      case 'Assert':
        if (!this.truthy(this.eval(s.test, scope))) {
          throw new PyError('AssertionError', s.msg ? this.str(this.eval(s.msg, scope)) : '');
        }
        return Flow.Normal;
      case 'Raise': {
        if (!s.exc) throw new PyError('RuntimeError', 'No active exception to reraise');
        const e = this.eval(s.exc, scope);
        if (e instanceof PyExceptionValue) throw Object.assign(new PyError(e.pyType, e.message), { pyArgs: e.args });
        if (e instanceof PyBuiltin && e.typeName === 'type') throw new PyError(e.name, '');
        throw new PyError('TypeError', 'exceptions must derive from BaseException');
      }
      case 'Try':
        return this.execTry(s, scope);
      case 'UnsupportedStmt':
        throw new PyError('NotImplementedError', `${s.construct} is not supported (line ${s.range.line})`);
    }
  }

  // ------------------------------------------------------------------ generators
  //
  // A generator function's body runs in a JS generator: statements that contain a yield are run
  // here (so the body can suspend at each yield), every other statement by exec. A yield may be a
  // statement (`yield v`, `yield from it`) or the value of an assignment (`x = yield v`).

  private *runGenerator(fn: PyFunction, scope: Scope): Generator<PyValue, PyValue, PyValue | undefined> {
    void fn;
    try {
      yield* this.genBlock(fn.body as A.Stmt[], scope);
      return null;
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      // PEP 479: a StopIteration escaping a generator's body becomes a RuntimeError
      if (e instanceof PyError && e.pyType === 'StopIteration') throw new PyError('RuntimeError', 'generator raised StopIteration', e.range);
      throw e;
    }
  }

  private *genBlock(body: A.Stmt[], scope: Scope): Generator<PyValue, Flow, PyValue | undefined> {
    for (const s of body) {
      const f = containsYield(s) ? yield* this.genExec(s, scope) : this.exec(s, scope);
      if (f !== Flow.Normal) return f;
    }
    return Flow.Normal;
  }

  private *genExec(s: A.Stmt, scope: Scope): Generator<PyValue, Flow, PyValue | undefined> {
    this.tick();
    this.currentRange = s.range;
    this.host.onStatement(s.range);
    try {
      return yield* this.genInner(s, scope);
    } catch (e) {
      throw this.locate(e, s.range);
    }
  }

  private *genInner(s: A.Stmt, scope: Scope): Generator<PyValue, Flow, PyValue | undefined> {
    switch (s.kind) {
      case 'ExprStmt':
        if (s.value.kind !== 'Yield') break;
        yield* this.genYield(s.value, scope);
        return Flow.Normal;
      case 'Assign': {
        if (s.value.kind !== 'Yield' || s.targets.some(containsYield)) break;
        const v = yield* this.genYield(s.value, scope);
        for (const t of s.targets) this.assign(t, v, scope);
        return Flow.Normal;
      }
      case 'If':
        if (containsYield(s.test)) {
          if (!yieldsInOrder(s.test)) break;
          yield* this.preYield(s.test, scope);
        }
        return this.truthy(this.eval(s.test, scope)) ? yield* this.genBlock(s.body, scope) : yield* this.genBlock(s.orelse, scope);
      case 'While': {
        if (containsYield(s.test)) break;
        while (this.truthy(this.eval(s.test, scope))) {
          this.tick();
          const f = yield* this.genBlock(s.body, scope);
          if (f === Flow.Break) return Flow.Normal;
          if (f === Flow.Return) return f;
        }
        return yield* this.genBlock(s.orelse, scope);
      }
      case 'For': {
        if (containsYield(s.iter) || containsYield(s.target)) break;
        const it = this.eval(s.iter, scope);
        for (const v of this.iterate(it)) {
          this.tick();
          this.assign(s.target, v, scope);
          const f = yield* this.genBlock(s.body, scope);
          if (f === Flow.Break) return Flow.Normal;
          if (f === Flow.Return) return f;
        }
        return yield* this.genBlock(s.orelse, scope);
      }
      case 'With': {
        if (s.items.some(containsYield)) break;
        const exits: (() => void)[] = [];
        try {
          for (const item of s.items) {
            const cm = this.eval(item.context, scope);
            const v = this.enter(cm, exits);
            if (item.target) this.assign(item.target, v, scope);
          }
          return yield* this.genBlock(s.body, scope);
        } finally {
          for (const ex of exits.reverse()) ex();
        }
      }
      case 'Try':
        if (s.handlers.some((h) => h.type && containsYield(h.type))) break;
        return yield* this.genTry(s, scope);
      case 'AugAssign':
      case 'AnnAssign':
      case 'Return':
        break;
      default:
        throw new PyError('NotImplementedError', `a yield inside a larger expression is not supported (line ${s.range.line})`);
    }
    // a simple statement with yields inside an expression (print((yield)), total += yield x, return (yield)):
    // the yields run first, in source order, then the statement with their results
    if ((s.kind === 'ExprStmt' || s.kind === 'Assign' || s.kind === 'AugAssign' || s.kind === 'AnnAssign' || s.kind === 'Return') && yieldsInOrder(s)) {
      yield* this.preYield(s, scope);
      return this.execInner(s, scope);
    }
    throw new PyError('NotImplementedError', `a yield inside a larger expression is not supported (line ${s.range.line})`);
  }

  private *genTry(s: A.TryStmt, scope: Scope): Generator<PyValue, Flow, PyValue | undefined> {
    try {
      let f: Flow;
      try {
        f = yield* this.genBlock(s.body, scope);
      } catch (e) {
        const err = this.locate(e, this.currentRange ?? s.range);
        if (!(err instanceof PyError) || err.pyType === 'TimeoutError') throw err;
        for (const h of s.handlers) {
          if (h.type) {
            const t = this.eval(h.type, scope);
            const names = (t instanceof PyTuple ? t.items : [t]).map((x) => (x instanceof PyBuiltin ? x.name : String(x)));
            if (!names.some((n) => this.isExceptionSubtype(err.pyType, n))) continue;
          }
          if (h.name) this.setName(h.name, new PyExceptionValue(err.pyType, err.message, err.pyArgs ?? null), scope);
          return yield* this.genBlock(h.body, scope);
        }
        throw err;
      }
      if (f !== Flow.Normal) return f;
      return yield* this.genBlock(s.orelse, scope);
    } finally {
      if (s.finalbody.length) yield* this.genBlock(s.finalbody, scope);
    }
  }

  /** Runs the yields of a statement in source order, keeping each one's result for eval. */
  private *preYield(node: unknown, scope: Scope): Generator<PyValue, void, PyValue | undefined> {
    for (const y of collectYields(node)) this.yieldResults.set(y, yield* this.genYield(y, scope));
  }

  /** One yield: the value sent back in (None for next()), or what `yield from` returned. */
  private *genYield(e: A.YieldExpr, scope: Scope): Generator<PyValue, PyValue, PyValue | undefined> {
    if (e.value && containsYield(e.value)) {
      if (!yieldsInOrder(e.value)) throw new PyError('NotImplementedError', `a yield inside a larger expression is not supported (line ${e.range.line})`);
      yield* this.preYield(e.value, scope);
    }
    if (!e.from) {
      const sent = yield e.value ? this.eval(e.value, scope) : null;
      return sent ?? null;
    }
    const src = this.eval(e.value!, scope);
    if (src instanceof PyIterator && src.typeName === 'generator') {
      // delegate: values sent in go to the inner generator, whose return value is the result
      let r = src.it.next();
      while (!r.done) {
        const sent = yield r.value;
        r = src.it.next(sent ?? null);
      }
      return (r.value as PyValue | undefined) ?? null;
    }
    for (const v of this.iterate(src)) yield v;
    return null;
  }

  private execTry(s: A.TryStmt, scope: Scope): Flow {
    try {
      let f: Flow;
      try {
        f = this.execBlock(s.body, scope);
      } catch (e) {
        const err = this.locate(e, this.currentRange ?? s.range);
        if (!(err instanceof PyError) || err.pyType === 'TimeoutError') throw err;
        for (const h of s.handlers) {
          if (h.type) {
            const t = this.eval(h.type, scope);
            const names = (t instanceof PyTuple ? t.items : [t]).map((x) => (x instanceof PyBuiltin ? x.name : String(x)));
            if (!names.some((n) => this.isExceptionSubtype(err.pyType, n))) continue;
          }
          if (h.name) this.setName(h.name, new PyExceptionValue(err.pyType, err.message, err.pyArgs ?? null), scope);
          return this.execBlock(h.body, scope);
        }
        throw err;
      }
      if (f !== Flow.Normal) return f;
      return this.execBlock(s.orelse, scope);
    } finally {
      if (s.finalbody.length) this.execBlock(s.finalbody, scope);
    }
  }

  isExceptionType(name: string): boolean {
    return name === 'BaseException' || this.exceptionParents.has(name);
  }

  isExceptionSubtype(t: string, base: string): boolean {
    for (let cur: string | undefined = t; cur; cur = this.exceptionParents.get(cur)) if (cur === base) return true;
    return base === 'BaseException' || (base === 'Exception' && t !== 'KeyboardInterrupt' && t !== 'SystemExit');
  }

  private enter(cm: PyValue, exits: (() => void)[]): PyValue {
    if (cm instanceof PyContextManager) {
      const v = cm.enter();
      exits.push(cm.exit);
      return v;
    }
    const enter = this.getattrOpt(cm, '__enter__');
    const exit = this.getattrOpt(cm, '__exit__');
    if (enter === undefined || exit === undefined) {
      throw new PyError('AttributeError', '__enter__');
    }
    const v = this.call(enter, []);
    exits.push(() => void this.call(exit, [null, null, null]));
    return v;
  }

  importModule(name: string): PyValue {
    const mod = this.modules.get(name);
    if (!mod) {
      throw new PyError(
        'NotImplementedError',
        `import of module '${name}' is not supported: Autograd Lens runs torch, torch.nn, torch.optim, numpy and math`,
      );
    }
    return mod;
  }
  readonly modules = new Map<string, PyValue>();
  /** Type objects that type(v) returns for host values (torch.Tensor for tensors). */
  readonly typeObjects = new Map<string, PyValue>();

  // ------------------------------------------------------------------ names and assignment

  lookup(name: string, scope: Scope, range?: A.Range): PyValue {
    for (let s: Scope | null = scope; s; s = s.parent) {
      if (s.globalNames.has(name)) return this.lookup(name, this.globals, range);
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    throw new PyError('NameError', `name '${name}' is not defined`, range);
  }

  setName(name: string, v: PyValue, scope: Scope): void {
    if (scope.globalNames.has(name)) {
      this.globals.vars.set(name, v);
      return;
    }
    if (scope.nonlocalNames.has(name)) {
      for (let s = scope.parent; s; s = s.parent) {
        if (s.vars.has(name)) {
          s.vars.set(name, v);
          return;
        }
      }
    }
    scope.vars.set(name, v);
  }

  assign(t: A.Target, v: PyValue, scope: Scope): void {
    switch (t.kind) {
      case 'Name':
        this.setName(t.id, v, scope);
        return;
      case 'Attribute':
        this.setattr(this.eval(t.value, scope), t.attr, v);
        return;
      case 'Subscript':
        this.setitem(this.eval(t.value, scope), this.eval(t.index, scope), v);
        return;
      case 'Unpack': {
        const items = [...this.iterate(v)];
        const star = t.elts.findIndex((e) => e.kind === 'StarTarget');
        if (star < 0) {
          if (items.length !== t.elts.length) {
            throw new PyError(
              'ValueError',
              items.length > t.elts.length
                ? `too many values to unpack (expected ${t.elts.length})`
                : `not enough values to unpack (expected ${t.elts.length}, got ${items.length})`,
            );
          }
          t.elts.forEach((e, i) => this.assign(e, items[i], scope));
        } else {
          const after = t.elts.length - star - 1;
          if (items.length < t.elts.length - 1) {
            throw new PyError('ValueError', `not enough values to unpack (expected at least ${t.elts.length - 1}, got ${items.length})`);
          }
          t.elts.forEach((e, i) => {
            if (i < star) this.assign(e, items[i], scope);
            else if (i === star) this.assign((e as A.StarTarget).target, new PyList(items.slice(star, items.length - after)), scope);
            else this.assign(e, items[items.length - (t.elts.length - i)], scope);
          });
        }
        return;
      }
      case 'StarTarget':
        throw new PyError('SyntaxError', 'starred assignment target must be in a list or tuple');
    }
  }

  private del(t: A.Target, scope: Scope): void {
    if (t.kind === 'Name') {
      if (!scope.vars.delete(t.id)) throw new PyError('NameError', `name '${t.id}' is not defined`);
    } else if (t.kind === 'Subscript') {
      const obj = this.eval(t.value, scope);
      const idx = this.eval(t.index, scope);
      if (obj instanceof PyDict) {
        if (!obj.delete(idx)) throw new PyError('KeyError', this.repr(idx));
      } else if (obj instanceof PyList) {
        const i = this.normIndex(idx, obj.items.length);
        obj.items.splice(i, 1);
      } else throw new PyError('TypeError', `'${this.typeName(obj)}' object does not support item deletion`);
    } else if (t.kind === 'Attribute') {
      const obj = this.eval(t.value, scope);
      if (obj instanceof PyInstance) obj.dict.delete(t.attr);
    } else if (t.kind === 'Unpack') for (const e of t.elts) this.del(e, scope);
  }

  // ------------------------------------------------------------------ expressions

  eval(e: A.Expr, scope: Scope): PyValue {
    switch (e.kind) {
      case 'Name':
        return this.lookup(e.id, scope, e.range);
      case 'Int':
        return e.value;
      case 'Float':
        return e.value;
      case 'Str':
        return e.value;
      case 'Bool':
        return e.value;
      case 'None':
        return null;
      case 'Ellipsis':
        return this.builtins.get('Ellipsis')!;
      case 'FString':
        return this.fstring(e.parts, scope);
      case 'Unary': {
        const v = this.eval(e.operand, scope);
        return this.unary(e.op, v);
      }
      case 'Binary':
        return this.binop(e.op, this.eval(e.left, scope), this.eval(e.right, scope), false);
      case 'BoolOp': {
        let v: PyValue = null;
        for (const x of e.values) {
          v = this.eval(x, scope);
          if (e.op === 'and' ? !this.truthy(v) : this.truthy(v)) return v;
        }
        return v;
      }
      case 'Compare': {
        let left = this.eval(e.left, scope);
        let result: PyValue = true;
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.comparators[i], scope);
          result = this.compare(e.ops[i], left, right);
          if (i < e.ops.length - 1 && !this.truthy(result)) return result;
          left = right;
        }
        return result;
      }
      case 'IfExp':
        return this.truthy(this.eval(e.test, scope)) ? this.eval(e.body, scope) : this.eval(e.orelse, scope);
      case 'Lambda':
        return this.makeFunction('<lambda>', e.params, e.body, scope);
      case 'Call':
        return this.evalCall(e, scope);
      case 'Attribute':
        return this.getattr(this.eval(e.value, scope), e.attr);
      case 'Subscript':
        return this.getitem(this.eval(e.value, scope), this.eval(e.index, scope));
      case 'Slice':
        return this.makeSlice(e, scope);
      case 'Starred':
        throw new PyError('SyntaxError', "can't use starred expression here");
      case 'Tuple':
        return new PyTuple(this.evalElts(e.elts, scope));
      case 'List':
        return new PyList(this.evalElts(e.elts, scope));
      case 'Set': {
        const s = new PySet();
        for (const v of this.evalElts(e.elts, scope)) s.map.set(hashKey(v), v);
        return s;
      }
      case 'Dict': {
        const d = new PyDict();
        for (const it of e.items) {
          if (it.kind === 'DictPair') d.set(this.eval(it.key, scope), this.eval(it.value, scope));
          else {
            const m = this.eval(it.value, scope);
            if (!(m instanceof PyDict)) throw new PyError('TypeError', `'${this.typeName(m)}' object is not a mapping`);
            for (const [k, v] of m.entries()) d.set(k, v);
          }
        }
        return d;
      }
      case 'ListComp': {
        const out: PyValue[] = [];
        this.comprehend(e.generators, 0, comprehensionScope(scope), (s) => out.push(this.eval(e.elt, s)));
        return new PyList(out);
      }
      case 'SetComp': {
        const out = new PySet();
        this.comprehend(e.generators, 0, comprehensionScope(scope), (s) => {
          const v = this.eval(e.elt, s);
          out.map.set(hashKey(v), v);
        });
        return out;
      }
      case 'GeneratorExp': {
        const out: PyValue[] = [];
        this.comprehend(e.generators, 0, comprehensionScope(scope), (s) => out.push(this.eval(e.elt, s)));
        return new PyIterator(out[Symbol.iterator](), 'generator', '<genexpr>');
      }
      case 'DictComp': {
        const d = new PyDict();
        this.comprehend(e.generators, 0, comprehensionScope(scope), (s) => d.set(this.eval(e.key, s), this.eval(e.value, s)));
        return d;
      }
      case 'NamedExpr': {
        const v = this.eval(e.value, scope);
        let target = scope;
        while (target.comprehension && target.parent) target = target.parent;
        this.setName(e.target, v, target);
        return v;
      }
      case 'Yield':
        if (this.yieldResults.has(e)) {
          const v = this.yieldResults.get(e)!;
          this.yieldResults.delete(e);
          return v;
        }
        // yields the generator executor handles are statements `yield v`, `x = yield v` and the like
        throw new PyError('NotImplementedError', `a yield inside a larger expression is not supported (line ${e.range.line})`);
      case 'UnsupportedExpr':
        throw new PyError('NotImplementedError', `${e.construct} is not supported (line ${e.range.line})`);
    }
  }

  private comprehend(gens: A.Comprehension[], i: number, scope: Scope, emit: (s: Scope) => void): void {
    if (i === gens.length) {
      emit(scope);
      return;
    }
    const g = gens[i];
    for (const v of this.iterate(this.eval(g.iter, scope))) {
      this.tick();
      this.assign(g.target, v, scope);
      if (g.ifs.every((c) => this.truthy(this.eval(c, scope)))) this.comprehend(gens, i + 1, scope, emit);
    }
  }

  private evalElts(elts: A.Expr[], scope: Scope): PyValue[] {
    const out: PyValue[] = [];
    for (const x of elts) {
      if (x.kind === 'Starred') out.push(...this.iterate(this.eval(x.value, scope)));
      else out.push(this.eval(x, scope));
    }
    return out;
  }

  private makeSlice(e: A.SliceExpr, scope: Scope): PyValue {
    const ev = (x: A.Expr | null) => (x ? this.eval(x, scope) : null);
    return new PyTuple([ev(e.lower), ev(e.upper), ev(e.step)], 'slice');
  }

  private fstring(parts: A.FStringPart[], scope: Scope): string {
    let out = '';
    for (const p of parts) {
      if (p.kind === 'FStringText') out += p.value;
      else {
        const v = this.eval(p.value, scope);
        const spec = p.formatSpec ? this.fstring(p.formatSpec, scope) : '';
        if (p.conversion === 'r') out += this.format(this.repr(v), spec);
        else if (p.conversion === 's') out += this.format(this.str(v), spec);
        else out += this.format(v, spec);
      }
    }
    return out;
  }

  /** format(v, spec): set by the runtime (needs the format-spec mini-language and tensors). */
  format: (v: PyValue, spec: string) => string = (v) => this.str(v);

  private evalCall(e: A.CallExpr, scope: Scope): PyValue {
    const fn = this.eval(e.func, scope);
    const args: PyValue[] = [];
    const kwargs = new Map<string, PyValue>();
    for (const a of e.args) {
      switch (a.kind) {
        case 'Positional':
          args.push(this.eval(a.value, scope));
          break;
        case 'Star':
          args.push(...this.iterate(this.eval(a.value, scope)));
          break;
        case 'Keyword':
          kwargs.set(a.name, this.eval(a.value, scope));
          break;
        case 'DoubleStar': {
          const d = this.eval(a.value, scope);
          if (!(d instanceof PyDict)) throw new PyError('TypeError', 'argument after ** must be a mapping');
          for (const [k, v] of d.entries()) kwargs.set(String(k), v);
          break;
        }
      }
    }
    // zero-argument super() needs the calling frame
    if (fn instanceof PyBuiltin && fn.name === 'super' && args.length === 0) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame || !frame.fn.definingClass || !(frame.args[0] instanceof PyInstance)) {
        throw new PyError('RuntimeError', 'super(): no arguments');
      }
      return new PySuper(frame.fn.definingClass, frame.args[0]);
    }
    return this.call(fn, args, kwargs);
  }

  makeFunction(name: string, params: A.Parameters, body: A.Stmt[] | A.Expr, scope: Scope): PyFunction {
    const defaults = new Map<string, PyValue>();
    for (const p of [...params.posOnly, ...params.args, ...params.kwOnly]) if (p.default) defaults.set(p.name, this.eval(p.default, scope));
    const fn = new PyFunction(name, params, defaults, body, scope, this.globals);
    if (scope !== this.globals) fn.enclosing = this.frames[this.frames.length - 1]?.fn ?? null;
    return fn;
  }

  call(fn: PyValue, args: PyValue[], kwargs: Map<string, PyValue> = new Map()): PyValue {
    if (fn instanceof PyBuiltin) return fn.fn(args, kwargs);
    if (fn instanceof PyFunction) return this.callFunction(fn, args, kwargs);
    if (fn instanceof PyBoundMethod) return this.call(fn.func, [fn.self, ...args], kwargs);
    if (fn instanceof PyClass) return this.instantiate(fn, args, kwargs);
    if (fn instanceof PyContextManager && args.length === 1) {
      // a context manager used as a decorator (@torch.no_grad()) runs the function inside it
      const inner = args[0];
      const cm = fn;
      return new PyBuiltin(inner instanceof PyFunction ? inner.name : 'wrapper', (a, k) => {
        cm.enter();
        try {
          return this.call(inner, a, k);
        } finally {
          cm.exit();
        }
      }, 'function');
    }
    if (fn instanceof PyInstance) {
      const c = fn.cls.lookup('__call__');
      if (c !== undefined) return this.call(c, [fn, ...args], kwargs);
    }
    const tn = this.typeName(fn);
    throw new PyError('TypeError', `'${tn === 'Size' ? 'torch.Size' : tn}' object is not callable`);
  }

  instantiate(cls: PyClass, args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    const newFn = cls.lookup('__new__');
    const inst = newFn !== undefined ? this.call(newFn, [cls, ...args], kwargs) : new PyInstance(cls);
    const init = cls.lookup('__init__');
    if (init !== undefined && inst instanceof PyInstance) this.call(init, [inst, ...args], kwargs);
    else if (init === undefined && (args.length || kwargs.size) && newFn === undefined) {
      throw new PyError('TypeError', `${cls.name}() takes no arguments`);
    }
    return inst;
  }

  private callFunction(fn: PyFunction, args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    const scope = new Scope(fn.closure);
    this.bindParams(fn, args, kwargs, scope);
    if (fn.isGenerator) {
      // each resume runs with the function's frame on the stack (zero-argument super() in the body)
      const body = this.runGenerator(fn, scope);
      const frames = this.frames;
      const resumed = <T>(f: () => T): T => {
        frames.push({ fn, args });
        try {
          return f();
        } finally {
          frames.pop();
        }
      };
      const it: Iterator<PyValue, PyValue, PyValue | undefined> = {
        next: (v?: PyValue) => resumed(() => body.next(v)),
        return: (v?: PyValue) => resumed(() => body.return(v ?? null)),
      };
      return new PyIterator(it as Iterator<PyValue>, 'generator', fn.qualname);
    }
    if (this.frames.length > 900) throw new PyError('RecursionError', 'maximum recursion depth exceeded');
    this.frames.push({ fn, args });
    try {
      if (!Array.isArray(fn.body)) return this.eval(fn.body, scope);
      this.execBlock(fn.body, scope);
      return null;
    } catch (e) {
      if (e instanceof ReturnSignal) return e.value;
      throw e;
    } finally {
      this.frames.pop();
    }
  }

  private bindParams(fn: PyFunction, args: PyValue[], kwargs: Map<string, PyValue>, scope: Scope): void {
    const p = fn.params;
    const positional = [...p.posOnly, ...p.args];
    // Python 3.10+ names functions by their qualified name in argument errors (Net.forward)
    const fname = fn.definingClass ? `${fn.definingClass.name}.${fn.name}` : fn.name;
    let i = 0;
    for (; i < positional.length && i < args.length; i++) scope.vars.set(positional[i].name, args[i]);
    if (args.length > positional.length) {
      if (p.vararg) scope.vars.set(p.vararg.name, new PyTuple(args.slice(positional.length)));
      else {
        throw new PyError(
          'TypeError',
          `${fname}() takes ${positional.length} positional argument${positional.length === 1 ? '' : 's'} but ${args.length} ${args.length === 1 ? 'was' : 'were'} given`,
        );
      }
    } else if (p.vararg) scope.vars.set(p.vararg.name, new PyTuple([]));
    const extra = new PyDict();
    for (const [k, v] of kwargs) {
      const target = [...p.args, ...p.kwOnly].find((q) => q.name === k);
      if (target) {
        if (scope.vars.has(k)) throw new PyError('TypeError', `${fname}() got multiple values for argument '${k}'`);
        scope.vars.set(k, v);
      } else if (p.kwarg) extra.set(k, v);
      else throw new PyError('TypeError', `${fname}() got an unexpected keyword argument '${k}'`);
    }
    if (p.kwarg) scope.vars.set(p.kwarg.name, extra);
    const missing: string[] = [];
    for (const q of [...positional, ...p.kwOnly]) {
      if (!scope.vars.has(q.name)) {
        if (fn.defaults.has(q.name)) scope.vars.set(q.name, fn.defaults.get(q.name)!);
        else missing.push(q.name);
      }
    }
    if (missing.length) {
      const names = missing.map((m) => `'${m}'`);
      const list = names.length === 1 ? names[0] : names.slice(0, -1).join(', ') + ' and ' + names[names.length - 1];
      throw new PyError('TypeError', `${fname}() missing ${missing.length} required positional argument${missing.length === 1 ? '' : 's'}: ${list}`);
    }
  }

  // ------------------------------------------------------------------ protocols

  getattr(obj: PyValue, name: string): PyValue {
    const v = this.getattrOpt(obj, name);
    if (v === undefined) {
      const owner = obj instanceof PyModule ? obj.name : obj instanceof Tensor ? 'Tensor' : null;
      const unsupported = owner ? unsupportedApi(owner, name) : null;
      if (unsupported) throw new PyError('NotImplementedError', unsupported);
      if (obj instanceof PyModule) throw new PyError('AttributeError', `module '${obj.name}' has no attribute '${name}'`);
      if (obj instanceof PyClass) throw new PyError('AttributeError', `type object '${obj.name}' has no attribute '${name}'`);
      throw new PyError('AttributeError', `'${this.typeName(obj)}' object has no attribute '${name}'`);
    }
    return v;
  }

  getattrOpt(obj: PyValue, name: string): PyValue | undefined {
    if (name === '__class__' && !(obj instanceof PyModule)) {
      const type = this.builtins.get('type');
      if (type !== undefined) return this.call(type, [obj]);
    }
    if (obj instanceof PyInstance) {
      const own = obj.dict.get(name);
      if (own !== undefined) return own;
      const h = this.host.getattr(obj, name);
      if (h !== undefined) return h;
      const c = obj.cls.lookup(name);
      if (c instanceof PyDescriptor) {
        if (c.kind === 'property') return this.call(c.fn, [obj]);
        return c.kind === 'staticmethod' ? c.fn : new PyBoundMethod(obj.cls, c.fn);
      }
      if (c !== undefined) return c instanceof PyFunction || c instanceof PyBuiltin ? new PyBoundMethod(obj, c) : c;
      const ga = obj.cls.lookup('__getattr__');
      if (ga !== undefined) return this.call(ga, [obj, name]);
      return undefined;
    }
    if (obj instanceof PySuper) {
      const mro = obj.self.cls.mro();
      for (const c of mro.slice(mro.indexOf(obj.cls) + 1)) {
        const v = c.dict.get(name);
        if (v !== undefined) return v instanceof PyFunction || v instanceof PyBuiltin ? new PyBoundMethod(obj.self, v) : v;
      }
      return undefined;
    }
    if (obj instanceof PyClass) {
      const v = obj.lookup(name);
      if (v instanceof PyDescriptor) return v.kind === 'classmethod' ? new PyBoundMethod(obj, v.fn) : v.kind === 'staticmethod' ? v.fn : v;
      if (v !== undefined) return v;
      if (name === '__name__') return obj.name;
      return undefined;
    }
    if (obj instanceof PyModule) return obj.attrs.get(name);
    if ((obj instanceof PyFunction || obj instanceof PyBuiltin) && name === '__name__') return obj.name;
    if (obj instanceof PyExceptionValue && name === 'args') return new PyTuple(obj.args ?? [obj.message]);
    if (obj instanceof PyIterator && obj.typeName === 'generator') {
      const resume = (v: PyValue): PyValue => {
        const r = obj.it.next(v);
        if (r.done) throw new PyError('StopIteration', r.value === undefined || r.value === null ? '' : this.str(r.value));
        return r.value;
      };
      if (name === '__next__') return new PyBuiltin('__next__', () => resume(null), 'method-wrapper');
      if (name === 'send') return new PyBuiltin('send', ([v]) => resume(v ?? null));
      if (name === 'close') return new PyBuiltin('close', () => (obj.it.return?.(null), null));
    }
    return this.host.getattr(obj, name);
  }

  setattr(obj: PyValue, name: string, v: PyValue): void {
    if (this.host.setattr(obj, name, v)) return;
    if (obj instanceof PyInstance) {
      obj.dict.set(name, v);
      return;
    }
    if (obj instanceof PyClass) {
      obj.dict.set(name, v);
      return;
    }
    if (obj instanceof PyModule) {
      obj.attrs.set(name, v);
      return;
    }
    throw new PyError('AttributeError', `'${this.typeName(obj)}' object has no attribute '${name}'`);
  }

  normIndex(idx: PyValue, n: number): number {
    if (typeof idx !== 'bigint' && typeof idx !== 'boolean') {
      if (idx instanceof Tensor && idx.numel === 1 && !['float32', 'float64'].includes(idx.dtype)) return this.normIndex(BigInt(idx.item()), n);
      throw new PyError('TypeError', `list indices must be integers or slices, not ${this.typeName(idx)}`);
    }
    let i = Number(idx);
    if (i < 0) i += n;
    if (i < 0 || i >= n) throw new PyError('IndexError', 'list index out of range');
    return i;
  }

  sliceBounds(sl: PyTuple, n: number): [number, number, number] {
    const [a, b, c] = sl.items;
    const step = c === null ? 1 : Number(c);
    if (step === 0) throw new PyError('ValueError', 'slice step cannot be zero');
    const norm = (v: PyValue, dflt: number, lo: number, hi: number) => {
      if (v === null) return dflt;
      let x = Number(v);
      if (x < 0) x += n;
      return Math.min(Math.max(x, lo), hi);
    };
    if (step > 0) return [norm(a, 0, 0, n), norm(b, n, 0, n), step];
    return [norm(a, n - 1, -1, n - 1), norm(b, -1, -1, n - 1), step];
  }

  private sliceItems<T>(items: T[], sl: PyTuple): T[] {
    const [start, stop, step] = this.sliceBounds(sl, items.length);
    const out: T[] = [];
    if (step > 0) for (let i = start; i < stop; i += step) out.push(items[i]);
    else for (let i = start; i > stop; i += step) out.push(items[i]);
    return out;
  }

  getitem(obj: PyValue, idx: PyValue): PyValue {
    const h = this.host.getitem(obj, idx);
    if (h !== undefined) return h;
    const isSlice = idx instanceof PyTuple && idx.tag === 'slice';
    if (obj instanceof PyList) return isSlice ? new PyList(this.sliceItems(obj.items, idx)) : obj.items[this.normIndex(idx, obj.items.length)];
    if (obj instanceof PyTuple) {
      if (isSlice) return new PyTuple(this.sliceItems(obj.items, idx), obj.tag === 'Size' ? 'Size' : null);
      try {
        return obj.items[this.normIndex(idx, obj.items.length)];
      } catch (e) {
        if (e instanceof PyError && e.pyType === 'IndexError') throw new PyError('IndexError', 'tuple index out of range');
        throw e;
      }
    }
    if (typeof obj === 'string') {
      if (isSlice) return this.sliceItems([...obj], idx).join('');
      const chars = [...obj];
      try {
        return chars[this.normIndex(idx, chars.length)];
      } catch (e) {
        if (e instanceof PyError && e.pyType === 'IndexError') throw new PyError('IndexError', 'string index out of range');
        throw e;
      }
    }
    if (obj instanceof PyDict) {
      const v = obj.get(idx);
      if (v === undefined) {
        if (obj.defaultDict) {
          const d = new PyDict();
          obj.set(idx, d);
          return d;
        }
        throw new PyError('KeyError', this.repr(idx));
      }
      return v;
    }
    if (obj instanceof PyRange) {
      const i = this.normIndex(idx, obj.length);
      return obj.start + BigInt(i) * obj.step;
    }
    if (obj instanceof PyInstance) {
      const gi = obj.cls.lookup('__getitem__');
      if (gi !== undefined) return this.call(gi, [obj, idx]);
    }
    throw new PyError('TypeError', `'${this.typeName(obj)}' object is not subscriptable`);
  }

  setitem(obj: PyValue, idx: PyValue, v: PyValue): void {
    if (this.host.setitem(obj, idx, v)) return;
    if (obj instanceof PyList) {
      if (idx instanceof PyTuple && idx.tag === 'slice') {
        const [start, stop] = this.sliceBounds(idx, obj.items.length);
        obj.items.splice(start, Math.max(0, stop - start), ...this.iterate(v));
        return;
      }
      obj.items[this.normIndex(idx, obj.items.length)] = v;
      return;
    }
    if (obj instanceof PyDict) {
      obj.set(idx, v);
      return;
    }
    if (obj instanceof PyInstance) {
      const si = obj.cls.lookup('__setitem__');
      if (si !== undefined) {
        this.call(si, [obj, idx, v]);
        return;
      }
    }
    throw new PyError('TypeError', `'${this.typeName(obj)}' object does not support item assignment`);
  }

  truthy(v: PyValue): boolean {
    if (v === null) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'bigint') return v !== 0n;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v.length > 0;
    if (v instanceof PyList || v instanceof PyTuple) return v.items.length > 0;
    if (v instanceof PyDict) return v.size > 0;
    if (v instanceof PySet) return v.map.size > 0;
    if (v instanceof PyRange) return v.length > 0;
    const h = this.host.truthy(v);
    if (h !== undefined) return h;
    if (v instanceof PyInstance) {
      const b = v.cls.lookup('__bool__');
      if (b !== undefined) return this.truthy(this.call(b, [v]));
      const l = v.cls.lookup('__len__');
      if (l !== undefined) return this.truthy(this.call(l, [v]));
    }
    return true;
  }

  *iterate(v: PyValue): Iterable<PyValue> {
    if (v instanceof PyList) {
      // a list may grow while iterated, as in Python
      for (let i = 0; i < v.items.length; i++) yield v.items[i];
      return;
    }
    if (v instanceof PyTuple) return yield* v.items;
    if (typeof v === 'string') return yield* [...v];
    if (v instanceof PyRange) {
      const n = v.length;
      for (let i = 0; i < n; i++) yield v.start + BigInt(i) * v.step;
      return;
    }
    if (v instanceof PyDict) return yield* v.keys();
    if (v instanceof PySet) return yield* v.map.values();
    if (v instanceof PyIterator) {
      for (let r = v.it.next(); !r.done; r = v.it.next()) yield r.value;
      return;
    }
    const h = this.host.iterate(v);
    if (h) return yield* h;
    if (v instanceof PyInstance) {
      const it = v.cls.lookup('__iter__');
      if (it !== undefined) return yield* this.iterate(this.call(it, [v]));
      const gi = v.cls.lookup('__getitem__');
      if (gi !== undefined) {
        for (let i = 0n; ; i++) {
          try {
            yield this.call(gi, [v, i]);
          } catch (e) {
            if (e instanceof PyError && e.pyType === 'IndexError') return;
            throw e;
          }
        }
      }
    }
    throw new PyError('TypeError', `'${this.typeName(v)}' object is not iterable`);
  }

  len(v: PyValue): number {
    if (v instanceof PyList || v instanceof PyTuple) return v.items.length;
    if (typeof v === 'string') return [...v].length;
    if (v instanceof PyDict) return v.size;
    if (v instanceof PySet) return v.map.size;
    if (v instanceof PyRange) return v.length;
    const h = this.host.len(v);
    if (h !== undefined) return h;
    if (v instanceof PyInstance) {
      const l = v.cls.lookup('__len__');
      if (l !== undefined) return Number(this.call(l, [v]));
    }
    throw new PyError('TypeError', `object of type '${this.typeName(v)}' has no len()`);
  }

  // ------------------------------------------------------------------ operators

  binop(op: string, a: PyValue, b: PyValue, inplace: boolean): PyValue {
    if (isNum(a) && isNum(b)) return numBinop(op, a, b);
    const h = this.host.binop(op, a, b, inplace);
    if (h !== undefined) return h;
    if (op === '+') {
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (a instanceof PyList && b instanceof PyList) {
        if (inplace) {
          a.items.push(...b.items);
          return a;
        }
        return new PyList([...a.items, ...b.items]);
      }
      // torch.Size's concat and repeat give a torch.Size
      if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple([...a.items, ...b.items], a.tag === 'Size' ? 'Size' : null);
      if (inplace && a instanceof PyList) {
        a.items.push(...this.iterate(b));
        return a;
      }
    }
    if (a instanceof PySet && b instanceof PySet && (op === '|' || op === '&' || op === '-' || op === '^')) {
      const out = new PySet();
      for (const [k, v] of a.map) if (op === '|' || op === '^' ? !(op === '^' && b.map.has(k)) : op === '&' ? b.map.has(k) : !b.map.has(k)) out.map.set(k, v);
      if (op === '|' || op === '^') for (const [k, v] of b.map) if (!a.map.has(k)) out.map.set(k, v);
      return out;
    }
    if (op === '*') {
      const rep = (x: PyValue, n: PyValue): PyValue | undefined => {
        if (typeof n !== 'bigint' && typeof n !== 'boolean') return undefined;
        const k = Math.max(0, Number(n));
        if (typeof x === 'string') return x.repeat(k);
        if (x instanceof PyList) return new PyList(Array.from({ length: k }, () => x.items).flat());
        if (x instanceof PyTuple) return new PyTuple(Array.from({ length: k }, () => x.items).flat(), x.tag === 'Size' ? 'Size' : null);
        return undefined;
      };
      const r = rep(a, b) ?? rep(b, a);
      if (r !== undefined) return r;
      const seq = (x: PyValue) => typeof x === 'string' || x instanceof PyList || x instanceof PyTuple;
      if ((seq(a) && !(b instanceof Tensor)) || (seq(b) && !(a instanceof Tensor))) {
        throw new PyError('TypeError', `can't multiply sequence by non-int of type '${this.typeName(seq(a) ? b : a)}'`);
      }
    }
    if (op === '%' && typeof a === 'string') return this.percentFormat(a, b);
    if (a instanceof PySet && b instanceof PySet && (op === '|' || op === '&' || op === '-' || op === '^')) {
      const out = new PySet();
      const keep = (k: unknown, v: PyValue) => out.map.set(k as never, v);
      if (op === '|') {
        for (const [k, v] of a.map) keep(k, v);
        for (const [k, v] of b.map) if (!out.map.has(k)) keep(k, v);
      } else if (op === '&') {
        for (const [k, v] of a.map) if (b.map.has(k)) keep(k, v);
      } else if (op === '-') {
        for (const [k, v] of a.map) if (!b.map.has(k)) keep(k, v);
      } else {
        for (const [k, v] of a.map) if (!b.map.has(k)) keep(k, v);
        for (const [k, v] of b.map) if (!a.map.has(k)) keep(k, v);
      }
      return out;
    }
    const names: Record<string, string> = {
      '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow', '@': 'matmul',
      '&': 'and', '|': 'or', '^': 'xor', '<<': 'lshift', '>>': 'rshift',
    };
    const n = names[op];
    if (a instanceof PyInstance) {
      const m = a.cls.lookup(`__${n}__`);
      if (m !== undefined) return this.call(m, [a, b]);
    }
    if (b instanceof PyInstance) {
      const m = b.cls.lookup(`__r${n}__`);
      if (m !== undefined) return this.call(m, [b, a]);
    }
    throw new PyError('TypeError', `unsupported operand type(s) for ${op}${inplace ? '=' : ''}: '${this.typeName(a)}' and '${this.typeName(b)}'`);
  }

  percentFormat(fmt: string, arg: PyValue): string {
    const args = arg instanceof PyTuple ? arg.items : [arg];
    let i = 0;
    return fmt.replace(/%([-+ 0#]*)(\d*(?:\.\d+)?)([sdifrgeEGx%])/g, (_m, flagStr: string, rest: string, conv: string) => {
      if (conv === '%') return '%';
      const v = args[i++];
      // printf flags to a format spec: '-' left-justifies, strings are right-aligned by default
      const left = flagStr.includes('-');
      const sign = flagStr.includes('+') ? '+' : flagStr.includes(' ') ? ' ' : '';
      const zero = flagStr.includes('0') && !left ? '0' : '';
      const alt = flagStr.includes('#') ? '#' : '';
      const text = conv === 's' || conv === 'r';
      const align = left ? '<' : text && rest ? '>' : '';
      const spec = align + (text ? '' : sign + alt + zero) + rest;
      if (conv === 's') return this.format(this.str(v), spec);
      if (conv === 'r') return this.format(this.repr(v), spec);
      if (conv === 'd' || conv === 'i') return this.format(typeof v === 'number' ? BigInt(Math.trunc(v)) : v, spec + 'd');
      return this.format(v, spec + conv);
    });
  }

  unary(op: string, v: PyValue): PyValue {
    if (op === 'not') return !this.truthy(v);
    if (isNum(v)) {
      const x = typeof v === 'boolean' ? (v ? 1n : 0n) : v;
      if (op === '-') return typeof x === 'bigint' ? -x : -x;
      if (op === '+') return x;
      if (op === '~' && typeof x === 'bigint') return ~x;
    }
    const h = this.host.unary(op, v);
    if (h !== undefined) return h;
    if (v instanceof PyInstance) {
      const m = v.cls.lookup(op === '-' ? '__neg__' : op === '+' ? '__pos__' : '__invert__');
      if (m !== undefined) return this.call(m, [v]);
    }
    throw new PyError('TypeError', `bad operand type for unary ${op}: '${this.typeName(v)}'`);
  }

  compare(op: string, a: PyValue, b: PyValue): PyValue {
    switch (op) {
      case 'is':
        return this.is(a, b);
      case 'is not':
        return !this.is(a, b);
      case 'in':
        return this.contains(b, a);
      case 'not in':
        return !this.contains(b, a);
    }
    if (isNum(a) && isNum(b)) return numCompare(op, a as Num, b as Num);
    const h = this.host.compare(op, a, b);
    if (h !== undefined) return h;
    if (op === '==' || op === '!=') {
      const eq = this.equals(a, b);
      return op === '==' ? eq : !eq;
    }
    if (typeof a === 'string' && typeof b === 'string') return numCompare(op, a < b ? -1n : a > b ? 1n : 0n, 0n);
    if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
      const n = Math.min(a.items.length, b.items.length);
      for (let i = 0; i < n; i++) {
        if (!this.equals(a.items[i], b.items[i])) return this.compare(op, a.items[i], b.items[i]);
      }
      return numCompare(op, BigInt(a.items.length), BigInt(b.items.length));
    }
    if (a instanceof PySet && b instanceof PySet) {
      // subset / superset, proper with < and >
      const within = (x: PySet, y: PySet) => [...x.map.keys()].every((k) => y.map.has(k));
      if (op === '<=') return within(a, b);
      if (op === '>=') return within(b, a);
      if (op === '<') return a.map.size < b.map.size && within(a, b);
      if (op === '>') return a.map.size > b.map.size && within(b, a);
    }
    const names: Record<string, string> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' };
    if (a instanceof PyInstance) {
      const m = a.cls.lookup(`__${names[op]}__`);
      if (m !== undefined) return this.call(m, [a, b]);
    }
    throw new PyError('TypeError', `'${op}' not supported between instances of '${this.typeName(a)}' and '${this.typeName(b)}'`);
  }

  is(a: PyValue, b: PyValue): boolean {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a === b && a >= -5n && a <= 256n;
    return a === b;
  }

  equals(a: PyValue, b: PyValue): boolean {
    if (a === b) return true;
    if (isNum(a) && isNum(b)) return numCompare('==', a, b);
    if (typeof a === 'string' || typeof b === 'string') return a === b;
    if ((a instanceof PyList && b instanceof PyList) || (a instanceof PyTuple && b instanceof PyTuple)) {
      return a.items.length === b.items.length && a.items.every((x, i) => this.equals(x, b.items[i]));
    }
    if (a instanceof PyDict && b instanceof PyDict) {
      return a.size === b.size && a.entries().every(([k, v]) => b.has(k) && this.equals(v, b.get(k)!));
    }
    if (a instanceof PySet && b instanceof PySet) return a.map.size === b.map.size && [...a.map.keys()].every((k) => b.map.has(k));
    if (a instanceof Tensor || b instanceof Tensor) {
      const r = this.host.compare('==', a, b);
      if (r !== undefined) return this.truthy(r);
    }
    if (a instanceof PyInstance) {
      const m = a.cls.lookup('__eq__');
      if (m !== undefined) return this.truthy(this.call(m, [a, b]));
    }
    return false;
  }

  contains(container: PyValue, item: PyValue): boolean {
    if (typeof container === 'string') {
      if (typeof item !== 'string') throw new PyError('TypeError', `'in <string>' requires string as left operand, not ${this.typeName(item)}`);
      return container.includes(item);
    }
    if (container instanceof PyDict) return container.has(item);
    if (container instanceof PySet) return container.map.has(hashKey(item));
    for (const x of this.iterate(container)) if (this.equals(x, item)) return true;
    return false;
  }

  // ------------------------------------------------------------------ repr

  repr(v: PyValue): string {
    if (v === null) return 'None';
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'string') return pyStrRepr(v);
    const h = this.host.repr(v);
    if (h !== undefined) return h;
    if (v instanceof PyList) return (v.view ? v.view + '([' : '[') + v.items.map((x) => this.repr(x)).join(', ') + (v.view ? '])' : ']');
    if (v instanceof PyTuple) {
      if (v.tag === 'slice') return `slice(${v.items.map((x) => this.repr(x)).join(', ')})`;
      if (v.fields) return `${v.tag}(\n${v.fields.map((f, i) => `${f}=${this.repr(v.items[i])}`).join(',\n')})`;
      return '(' + v.items.map((x) => this.repr(x)).join(', ') + (v.items.length === 1 ? ',)' : ')');
    }
    if (v instanceof PyDict && v.ordered) {
      return v.size ? `OrderedDict([${v.entries().map(([k, x]) => `(${this.repr(k)}, ${this.repr(x)})`).join(', ')}])` : 'OrderedDict()';
    }
    if (v instanceof PyDict && v.defaultDict) {
      return "defaultdict(<class 'dict'>, {" + v.entries().map(([k, x]) => `${this.repr(k)}: ${this.repr(x)}`).join(', ') + '})';
    }
    if (v instanceof PyDict) return '{' + v.entries().map(([k, x]) => `${this.repr(k)}: ${this.repr(x)}`).join(', ') + '}';
    if (v instanceof PySet) return v.map.size ? '{' + [...v.map.values()].map((x) => this.repr(x)).join(', ') + '}' : 'set()';
    if (v instanceof PyRange) return `range(${v.start}, ${v.stop}${v.step !== 1n ? ', ' + v.step : ''})`;
    if (v instanceof PyFunction) return `<function ${v.qualname} at ${fakeAddress(v)}>`;
    if (v instanceof PyBuiltin) return v.typeName === 'type' ? `<class '${v.qualname ?? v.name}'>` : `<built-in function ${v.name}>`;
    if (v instanceof PyBoundMethod) return `<bound method ${v.func instanceof PyFunction ? v.func.qualname : (v.func as PyBuiltin).name ?? '?'} of ${this.repr(v.self)}>`;
    if (v instanceof PyClass) return `<class '${v.module}.${v.name}'>`;
    if (v instanceof PyModule) return `<module '${v.name}'>`;
    if (v instanceof PyExceptionValue) return `${v.pyType}(${v.args ? v.args.map((x) => this.repr(x)).join(', ') : pyStrRepr(v.message)})`;
    if (v instanceof PyIterator) return `<${v.typeName} object${v.qualname ? ' ' + v.qualname : ''} at ${fakeAddress(v)}>`;
    if (v instanceof PyInstance) {
      const r = v.cls.lookup('__repr__');
      if (r !== undefined) return this.str(this.call(r, [v]));
      return `<${v.cls.module}.${v.cls.name} object at ${fakeAddress(v)}>`;
    }
    return `<object at ${fakeAddress(v as object)}>`;
  }

  str(v: PyValue): string {
    if (typeof v === 'string') return v;
    const h = this.host.str(v);
    if (h !== undefined) return h;
    if (v instanceof PyExceptionValue) return v.message;
    if (v instanceof PyInstance) {
      const s = v.cls.lookup('__str__');
      if (s !== undefined) return this.str(this.call(s, [v]));
    }
    return this.repr(v);
  }

  typeName(v: PyValue): string {
    const plain = plainTypeName(v);
    if (plain) return plain;
    if (v instanceof PyTuple) return v.tag === 'Size' ? 'Size' : v.tag === 'slice' ? 'slice' : v.tag ? v.tag.split('.').pop()! : 'tuple';
    if (v instanceof PySet) return 'set';
    if (v instanceof PyRange) return 'range';
    if (v instanceof PyFunction) return 'function';
    if (v instanceof PyBuiltin) return v.typeName;
    if (v instanceof PyBoundMethod) return 'method';
    if (v instanceof PyClass) return 'type';
    if (v instanceof PyModule) return 'module';
    if (v instanceof PyInstance) return v.cls.name;
    if (v instanceof PyIterator) return v.typeName;
    if (v instanceof PyExceptionValue) return v.pyType;
    const h = this.host.typeName(v);
    if (h !== undefined) return h;
    if (v instanceof Node) return v.name;
    return 'object';
  }
}

/** Python's repr of a str: single quotes unless the text has ' and no ". */
export function pyStrRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += '\\' + q;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}

const addresses = new WeakMap<object, string>();
let nextAddress = 0x7f3a9c2e1d00;
/** A stable, real-looking address for `<... object at 0x...>` reprs. */
export function fakeAddress(o: object): string {
  let a = addresses.get(o);
  if (!a) {
    a = '0x' + nextAddress.toString(16);
    nextAddress += 0x40;
    addresses.set(o, a);
  }
  return a;
}

export { PyObject };
