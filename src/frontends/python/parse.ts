/**
 * Python front end: parses source with `@lezer/python` and lowers the concrete
 * syntax tree to the typed AST of `./ast`.
 *
 * Lezer is error tolerant: it always produces a tree, with error nodes (`⚠`) where
 * the input did not fit the grammar. `parseModule` turns the first problem into a
 * Python-like `PySyntaxError`; `parseModuleTolerant` returns all of them.
 *
 * Besides lezer's own error nodes, the lowering reproduces several checks that
 * CPython performs and lezer does not: indentation (unexpected indent, unindent
 * mismatch, missing indented block), unterminated strings, malformed numbers,
 * invalid assignment targets, argument ordering, `return`/`break`/`continue`
 * outside of a function/loop, etc.
 *
 * Known gaps of the lezer grammar that are worked around:
 * - floats with a trailing dot (`1.`, `[1., 2.]`, `1.e-3`) are lexed by lezer as
 *   `1` followed by `.`. The parser is reconfigured with a wrapped external tokenizer
 *   that emits a `Number` token for them (see `patchedParser`). Should that not be
 *   possible (another lezer version), a "shadow" copy of the source of the same length
 *   with the dot replaced by `0` is re-parsed instead (all offsets stay valid, and the
 *   literal's value is read from the original text).
 * - `not` binds less tightly than `and`/`or` in the grammar; boolean expressions are
 *   re-associated with Python's precedence while lowering.
 * - IPython magics / shell commands (`%matplotlib inline`, `!pip ...`) at the
 *   start of a top-level line are blanked out (same-length shadow copy) and become
 *   `UnsupportedStmt`s.
 */
import { parser as baseParser } from '@lezer/python';
import { ExternalTokenizer } from '@lezer/lr';
import type { InputStream, LRParser, Stack } from '@lezer/lr';
import type { SyntaxNode, Tree } from '@lezer/common';
import type * as A from './ast';

export type { Range, SyntaxErrorInfo } from './ast';

export type SyntaxErrorType = 'SyntaxError' | 'IndentationError';

/** A Python `SyntaxError` / `IndentationError` found while parsing. `String(err)` is `"SyntaxError: invalid syntax"`. */
export class PySyntaxError extends Error implements A.SyntaxErrorInfo {
  readonly kind = 'syntax' as const;
  constructor(
    message: string,
    readonly range: A.Range,
    readonly errorType: SyntaxErrorType = 'SyntaxError',
  ) {
    super(message);
    this.name = errorType;
  }
  /** 1-based line of the error. */
  get line(): number {
    return this.range.line;
  }
  toInfo(): A.SyntaxErrorInfo {
    return { kind: 'syntax', errorType: this.errorType, message: this.message, range: this.range };
  }
}

export interface ParseOptions {
  /** 1-based line number of the source's first line in its file (e.g. a cell's `startLine`). Default 1. */
  startLine?: number;
  /** Offset of the source's first character in its file (e.g. a cell's `startOffset`). Default 0. */
  startOffset?: number;
  /**
   * Treat lines starting with `%` / `!` at column 0 (IPython magics and shell commands)
   * as `UnsupportedStmt`s instead of syntax errors; a cell starting with `%%` (a cell magic)
   * becomes a single `UnsupportedStmt`. Default true.
   */
  magics?: boolean;
}

export interface TolerantParseResult {
  /** The statements that lowered cleanly (top-level statements containing errors are left out). */
  body: A.Stmt[];
  /** All errors found, sorted by position; parser-level errors before compile-level ones. */
  errors: PySyntaxError[];
}

/** Parses a module (a file or a notebook cell). Throws a `PySyntaxError` for the first error, like CPython's `compile`. */
export function parseModule(source: string, options: ParseOptions = {}): A.Module {
  const result = parseInternal(source, options);
  if (result.parseErrors.length > 0) throw result.parseErrors[0];
  if (result.compileErrors.length > 0) throw result.compileErrors[0];
  return { body: result.body };
}

/** Parses a module and returns every error instead of throwing (for editor diagnostics). */
export function parseModuleTolerant(source: string, options: ParseOptions = {}): TolerantParseResult {
  const result = parseInternal(source, options);
  return { body: result.body, errors: [...result.parseErrors, ...result.compileErrors] };
}

/** Parses a single expression (e.g. a watch expression). Throws `PySyntaxError`. */
export function parseExpression(source: string, options: ParseOptions = {}): A.Expr {
  const mod = parseModule(source, { ...options, magics: false });
  const only = mod.body.length === 1 ? mod.body[0] : undefined;
  if (only === undefined || only.kind !== 'ExprStmt') {
    const l = new LineIndex(source, options.startLine ?? 1, options.startOffset ?? 0);
    const at = only ? only.range : l.range(0, source.length);
    throw new PySyntaxError('invalid syntax', at);
  }
  return only.value;
}

// ---------------------------------------------------------------------------
// Positions

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(
    readonly src: string,
    private readonly firstLine: number,
    private readonly baseOffset: number,
  ) {
    for (let i = 0; i < src.length; i++) {
      const c = src.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (src.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  /** 0-based line index of a local offset. */
  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  lineStart(lineIdx: number): number {
    return this.starts[lineIdx];
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** Python-style (1-based) line number in the file of a local offset. */
  lineNumber(pos: number): number {
    return this.lineOf(pos) + this.firstLine;
  }
  range(from: number, to: number): A.Range {
    const l1 = this.lineOf(from);
    const l2 = to === from ? l1 : this.lineOf(to);
    return {
      from: from + this.baseOffset,
      to: to + this.baseOffset,
      line: l1 + this.firstLine,
      col: from - this.starts[l1],
      endLine: l2 + this.firstLine,
      endCol: to - this.starts[l2],
    };
  }
}

// ---------------------------------------------------------------------------
// The parser, with trailing-dot floats fixed

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** At a token start: `123.` not followed by a digit, with an optional exponent / `j` suffix. Returns its length or 0. */
function trailingDotFloatLength(input: InputStream): number {
  if (!isDigitCode(input.next)) return 0;
  let i = 0;
  while (isDigitCode(input.peek(i)) || input.peek(i) === 95 /* _ */) i++;
  if (input.peek(i) !== 46 /* . */ || isDigitCode(input.peek(i + 1))) return 0;
  i++;
  const e = input.peek(i);
  if (e === 101 || e === 69) {
    let j = i + 1;
    if (input.peek(j) === 43 || input.peek(j) === 45) j++;
    if (isDigitCode(input.peek(j))) {
      while (isDigitCode(input.peek(j)) || input.peek(j) === 95) j++;
      i = j;
    }
  }
  const suffix = input.peek(i);
  if (suffix === 106 || suffix === 74) i++; // j / J
  return i;
}

interface TokenizerInternals {
  contextual: boolean;
  token(input: InputStream, stack: Stack): void;
}

/**
 * `@lezer/python` with its one contextual external tokenizer (`newlines`, which runs in
 * every parse state because its tokens are skip tokens) wrapped so that it first
 * recognises trailing-dot floats, which the grammar's own Number token misses.
 */
function makePatchedParser(): LRParser | null {
  const numberType = baseParser.nodeSet.types.find((t) => t.name === 'Number');
  const tokenizers = (baseParser as unknown as { tokenizers?: readonly unknown[] }).tokenizers;
  if (!numberType || !Array.isArray(tokenizers)) return null;
  const contextual = tokenizers.filter(
    (t): t is ExternalTokenizer => t instanceof ExternalTokenizer && (t as unknown as TokenizerInternals).contextual,
  );
  if (contextual.length !== 1) return null;
  const original = contextual[0];
  const inner = original as unknown as TokenizerInternals;
  const wrapped = new ExternalTokenizer(
    (input, stack) => {
      const len = trailingDotFloatLength(input);
      if (len > 0) input.acceptToken(numberType.id, len);
      else inner.token(input, stack);
    },
    { contextual: true },
  );
  const patched = baseParser.configure({ tokenizers: [{ from: original, to: wrapped }] });
  // self-check: `1.` must come out as a single Number
  const probe = patched.parse('x = 1.\n').topNode.firstChild?.lastChild;
  return probe && probe.name === 'Number' && probe.from === 4 && probe.to === 6 ? patched : null;
}

const patchedParser = makePatchedParser();
const parser: LRParser = patchedParser ?? baseParser;

// ---------------------------------------------------------------------------
// Driver

interface InternalResult {
  body: A.Stmt[];
  parseErrors: PySyntaxError[];
  compileErrors: PySyntaxError[];
}

const BRACKETED = new Set([
  'ParenthesizedExpression',
  'TupleExpression',
  'ComprehensionExpression',
  'ArrayExpression',
  'ArrayComprehensionExpression',
  'DictionaryExpression',
  'DictionaryComprehensionExpression',
  'SetExpression',
  'SetComprehensionExpression',
  'ArgList',
  'ParamList',
  'String',
  'FormatString',
  'FormatReplacement',
]);

interface Magic {
  from: number;
  to: number;
  text: string;
}

function parseInternal(source: string, options: ParseOptions): InternalResult {
  const lines = new LineIndex(source, options.startLine ?? 1, options.startOffset ?? 0);
  const magicsEnabled = options.magics ?? true;

  // A cell magic (`%%time`) on the first line turns the whole cell into something else.
  if (magicsEnabled && source.startsWith('%%')) {
    const eol = lineEnd(source, 0);
    const text = source.slice(0, eol);
    return {
      body: [{ kind: 'UnsupportedStmt', construct: `IPython cell magic '${text.trim()}'`, range: lines.range(0, eol) }],
      parseErrors: [],
      compileErrors: [],
    };
  }

  let shadow = source;
  let tree = parser.parse(shadow);
  const magics: Magic[] = [];

  if (magicsEnabled) {
    const chars = shadow.split('');
    for (let li = 0; li < lines.lineCount; li++) {
      const start = lines.lineStart(li);
      const c = source[start];
      if (c !== '%' && c !== '!') continue;
      if (start >= 2 && source[start - 2] === '\\') continue; // backslash continuation
      if (insideBracketOrString(tree, start)) continue;
      const end = lineEnd(source, start);
      magics.push({ from: start, to: end, text: source.slice(start, end) });
      for (let i = start; i < end; i++) chars[i] = ' ';
    }
    if (magics.length > 0) {
      shadow = chars.join('');
      tree = parser.parse(shadow);
    }
  }

  // Trailing-dot floats: `1.` is lexed by lezer as Number `1` + `.` (fallback when the tokenizer could not be patched).
  for (let round = 0; patchedParser === null && round < 20; round++) {
    const dots: number[] = [];
    tree.iterate({
      enter(n) {
        if (n.name !== 'MemberExpression') return;
        const num = n.node.firstChild;
        if (!num || num.name !== 'Number') return;
        const dot = num.nextSibling;
        if (!dot || dot.name !== '.' || dot.from !== num.to) return;
        const text = source.slice(num.from, num.to);
        if (!isDecimalDigits(text)) return;
        dots.push(dot.from);
      },
    });
    if (dots.length === 0) break;
    const chars = shadow.split('');
    for (const d of dots) chars[d] = '0';
    shadow = chars.join('');
    tree = parser.parse(shadow);
  }

  const lowerer = new Lowerer(source, lines, tree);
  lowerer.collectTreeErrors();
  lowerer.checkIndentation();
  const body = lowerer.lowerModule(magics);

  // By line; on one line an indentation error comes first (CPython's tokenizer reports it before the parser sees the line).
  const byPos = (a: PySyntaxError, b: PySyntaxError) =>
    a.range.line - b.range.line ||
    (a.errorType === 'IndentationError' ? 0 : 1) - (b.errorType === 'IndentationError' ? 0 : 1) ||
    a.range.from - b.range.from ||
    a.range.to - b.range.to;
  return {
    body,
    parseErrors: dedupe(lowerer.parseErrors.sort(byPos)),
    compileErrors: dedupe(lowerer.compileErrors.sort(byPos)),
  };
}

function dedupe(errors: PySyntaxError[]): PySyntaxError[] {
  const out: PySyntaxError[] = [];
  for (const e of errors) {
    const prev = out[out.length - 1];
    if (prev && prev.range.from === e.range.from && prev.message === e.message) continue;
    out.push(e);
  }
  return out;
}

function lineEnd(src: string, pos: number): number {
  let i = pos;
  while (i < src.length && src[i] !== '\n' && src[i] !== '\r') i++;
  return i;
}

function isDecimalDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) if (!((ch >= '0' && ch <= '9') || ch === '_')) return false;
  return true;
}

function insideBracketOrString(tree: Tree, pos: number): boolean {
  for (let n: SyntaxNode | null = tree.resolveInner(pos, 1); n; n = n.parent) {
    if (n.from < pos && BRACKETED.has(n.name)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Lowering

interface Ctx {
  inFunction: boolean;
  inLoop: boolean;
}

/** Internal: abort lowering of the current statement; the error has already been recorded. */
class Abort extends Error {}

interface Segment {
  nodes: SyntaxNode[];
  from: number;
  to: number;
}

interface CommaSplit {
  segs: Segment[];
  /** True if there was at least one comma (so `x,` is a tuple). */
  hasComma: boolean;
}

interface StrPiece {
  /** 'str' / 'f' pieces carry parts; 'bytes' and 'unsupported' do not. */
  kind: 'str' | 'f' | 'bytes' | 'unsupported';
  parts: A.FStringPart[];
  construct?: string;
}

const BLOCK_OWNER: Record<string, string> = {
  if: "'if' statement",
  elif: "'elif' statement",
  else: "'else' statement",
  for: "'for' statement",
  while: "'while' statement",
  try: "'try' statement",
  except: "'except' statement",
  finally: "'finally' statement",
  with: "'with' statement",
  FunctionDefinition: 'function definition',
  ClassDefinition: 'class definition',
};

const BIN_OPS = new Set<string>(['+', '-', '*', '/', '//', '%', '**', '@', '<<', '>>', '&', '|', '^']);
const CMP_OPS = new Set<string>(['<', '>', '==', '!=', '<=', '>=', 'in', 'not in', 'is', 'is not']);

class Lowerer {
  readonly parseErrors: PySyntaxError[] = [];
  readonly compileErrors: PySyntaxError[] = [];
  private ctx: Ctx = { inFunction: false, inLoop: false };

  constructor(
    private readonly src: string,
    private readonly lines: LineIndex,
    private readonly tree: Tree,
  ) {}

  // ----- helpers

  private text(n: { from: number; to: number }): string {
    return this.src.slice(n.from, n.to);
  }

  private r(from: number, to: number): A.Range {
    return this.lines.range(from, to);
  }

  private rn(n: { from: number; to: number }): A.Range {
    return this.lines.range(n.from, n.to);
  }

  private kids(n: SyntaxNode): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let c = n.firstChild; c; c = c.nextSibling) if (c.name !== 'Comment') out.push(c);
    return out;
  }

  /** Records a parser-level error and aborts the current statement. */
  private fail(message: string, from: number, to: number, type: SyntaxErrorType = 'SyntaxError'): never {
    this.parseErrors.push(new PySyntaxError(message, this.r(from, to), type));
    throw new Abort();
  }

  /** Records a compile-level error (reported only if there is no parser-level error); lowering continues. */
  private compileError(message: string, from: number, to: number): void {
    this.compileErrors.push(new PySyntaxError(message, this.r(from, to)));
  }

  /** Like `fail`, at an AST range. */
  private failAt(message: string, r: A.Range, type: SyntaxErrorType = 'SyntaxError'): never {
    return this.fail(message, r.from - this.base(), r.to - this.base(), type);
  }

  private invalid(n: { from: number; to: number } | SyntaxNode): never {
    // lezer's error nodes were all recorded (with a better message) by collectTreeErrors
    if ('type' in n && n.type.isError) throw new Abort();
    return this.fail('invalid syntax', n.from, n.to);
  }

  private splitComma(nodes: SyntaxNode[]): CommaSplit {
    const segs: Segment[] = [];
    let cur: SyntaxNode[] = [];
    let hasComma = false;
    let segStart = nodes.length > 0 ? nodes[0].from : 0;
    for (const n of nodes) {
      if (n.name === ',') {
        hasComma = true;
        segs.push({ nodes: cur, from: segStart, to: n.from });
        cur = [];
        segStart = n.to;
      } else {
        cur.push(n);
      }
    }
    if (cur.length > 0) segs.push({ nodes: cur, from: segStart, to: cur[cur.length - 1].to });
    return { segs, hasComma };
  }

  private withCtx<T>(ctx: Ctx, f: () => T): T {
    const saved = this.ctx;
    this.ctx = ctx;
    try {
      return f();
    } finally {
      this.ctx = saved;
    }
  }

  // ----- error scan

  /** Records every lezer error node, with a Python-like message where one can be guessed. */
  collectTreeErrors(): void {
    const errs: SyntaxNode[] = [];
    this.tree.iterate({
      enter: (n) => {
        if (n.type.isError) {
          errs.push(n.node);
          return false;
        }
        return undefined;
      },
    });
    for (const e of errs) {
      try {
        this.describeTreeError(e);
      } catch (x) {
        if (!(x instanceof Abort)) throw x;
      }
    }
  }

  private describeTreeError(e: SyntaxNode): never {
    const parent = e.parent;
    // A bare `yield` is valid Python, but the grammar wants an operand; it lowers to an unsupported yield anyway.
    if (parent && (parent.name === 'YieldExpression' || parent.name === 'YieldStatement') && e.from === e.to && e.prevSibling?.name === 'yield') {
      throw new Abort();
    }
    // A number immediately followed by letters: `1.real`, `0x`, `1abc`.
    const before = e.from > 0 ? this.tree.resolveInner(e.from, -1) : null;
    if (before && before.name === 'Number' && before.to === e.from && isIdentChar(this.src[e.from])) {
      const t = this.text(before);
      const next = this.src[e.from].toLowerCase();
      const kind = t === '0' && (next === 'x' || next === 'o' || next === 'b')
        ? { x: 'hexadecimal', o: 'octal', b: 'binary' }[next]
        : 'decimal';
      this.fail(`invalid ${kind} literal`, before.from, e.from);
    }
    // `f"{}"`
    if (parent && parent.name === 'FormatReplacement' && this.kids(parent).every((k) => k.type.isError || k.name === '{' || k.name === '}')) {
      this.fail('f-string: empty expression not allowed', parent.from, parent.to);
    }
    // A closing bracket without an opening one: `x = )`.
    if (parent) {
      const ks = this.kids(parent);
      const close = ks.find((k) => k.name === ')' || k.name === ']' || k.name === '}');
      if (close && !ks.some((k) => k.from < close.from && CLOSERS[k.name] === close.name)) {
        const other = ks.find((k) => k.from < close.from && CLOSERS[k.name] !== undefined);
        if (other) {
          this.fail(`closing parenthesis '${close.name}' does not match opening parenthesis '${other.name}'`, close.from, close.to);
        }
        this.fail(`unmatched '${close.name}'`, close.from, close.to);
      }
    }
    // An empty block: `if x:` followed by a line that is not indented.
    if (parent && parent.name === 'Body' && this.kids(parent).every((k) => k.name === ':' || k.type.isError)) {
      const owner = parent.parent;
      let kw = parent.prevSibling;
      while (kw && !BLOCK_OWNER[kw.name]) kw = kw.prevSibling;
      let desc: string | undefined;
      let line = 0;
      if (owner && (owner.name === 'FunctionDefinition' || owner.name === 'ClassDefinition')) {
        desc = BLOCK_OWNER[owner.name];
        const defKw = this.kids(owner).find((k) => k.name === 'def' || k.name === 'class');
        line = this.lines.lineNumber((defKw ?? owner).from);
      } else if (kw) {
        desc = BLOCK_OWNER[kw.name];
        line = this.lines.lineNumber(kw.from);
      }
      if (desc) {
        const at = this.nextTokenStart(e.from);
        this.fail(`expected an indented block after ${desc} on line ${line}`, at, lineEnd(this.src, at), 'IndentationError');
      }
    }
    // An error node that swallowed a closing bracket: `x = )`.
    const first = e.firstChild;
    if (first && (first.name === ')' || first.name === ']' || first.name === '}')) {
      const open = parent ? this.kids(parent).find((k) => k.from < e.from && CLOSERS[k.name] !== undefined) : undefined;
      if (open && CLOSERS[open.name] !== first.name) {
        this.fail(`closing parenthesis '${first.name}' does not match opening parenthesis '${open.name}'`, first.from, first.to);
      }
      this.fail(`unmatched '${first.name}'`, first.from, first.to);
    }
    // An unclosed bracket: the enclosing bracketed node has no closing bracket.
    for (let p: SyntaxNode | null = parent; p; p = p.parent) {
      if (p.name === 'String' || p.name === 'FormatString' || p.name === 'Body' || p.name === 'Script') break;
      if (p.name === 'FormatReplacement') continue;
      let open = p.firstChild;
      if (p.name === 'MemberExpression') {
        open = this.kids(p).find((k) => k.name === '[') ?? null;
      }
      const pair = open ? CLOSERS[open.name] : undefined;
      if (open && pair && !this.kids(p).some((k) => k.name === pair && k.from > open!.from)) {
        this.fail(`'${open.name}' was never closed`, open.from, open.to);
      }
    }
    // Missing ':' after a compound statement header.
    if (parent && COLON_OWNERS.has(parent.name) && this.kids(parent).every((k) => k.name !== 'Body')) {
      this.fail("expected ':'", e.from, e.from);
    }
    this.fail('invalid syntax', e.from, e.to);
  }

  private nextTokenStart(pos: number): number {
    let i = pos;
    while (i < this.src.length && (this.src[i] === ' ' || this.src[i] === '\t' || this.src[i] === '\n' || this.src[i] === '\r')) i++;
    return i;
  }

  // ----- indentation

  /**
   * Simulates CPython's tokenizer indentation stack over the logical lines found in
   * the tree (statement starts, clause keywords, decorators), which lezer does not
   * fully check (it silently accepts unexpected indents and mismatched dedents).
   */
  checkIndentation(): void {
    interface LogicalLine {
      pos: number;
      opensBlock: boolean;
    }
    const found: LogicalLine[] = [];
    const add = (pos: number, opensBlock: boolean) => found.push({ pos, opensBlock });
    const visitCompound = (s: SyntaxNode) => {
      for (const c of this.kids(s)) {
        switch (c.name) {
          case 'Body':
            visitBody(c);
            break;
          case 'MatchBody':
            visitBody(c);
            break;
          case 'elif':
          case 'else':
          case 'except':
          case 'finally':
          case 'Decorator':
            add(c.from, false);
            break;
          case 'FunctionDefinition':
          case 'ClassDefinition':
            add(c.from, false);
            visitCompound(c);
            break;
          case 'MatchClause':
            add(c.from, false);
            visitCompound(c);
            break;
        }
      }
    };
    const visitBody = (b: SyntaxNode) => {
      const stmts = this.kids(b).filter((k) => k.name !== ':' && !k.type.isError);
      const colon = b.firstChild;
      stmts.forEach((s, i) => {
        const block = i === 0 && colon !== null && this.lines.lineOf(s.from) !== this.lines.lineOf(colon.from);
        add(s.from, block);
        visitCompound(s);
      });
    };
    for (const s of this.kids(this.tree.topNode)) {
      if (s.type.isError) continue;
      add(s.from, false);
      visitCompound(s);
    }
    // lines where lezer gave up still count for the tokenizer's indentation check
    this.tree.iterate({
      enter: (n) => {
        if (!n.type.isError) return undefined;
        const start = n.to > n.from ? n.from : n.from;
        if (start < this.src.length && !/\s/.test(this.src[start])) add(start, false);
        return false;
      },
    });
    found.sort((a, b) => a.pos - b.pos);

    const stack = [0];
    let lastLine = -1;
    for (const l of found) {
      const li = this.lines.lineOf(l.pos);
      if (li === lastLine) continue;
      const start = this.lines.lineStart(li);
      let indent = 0;
      let onlySpace = true;
      for (let i = start; i < l.pos; i++) {
        const ch = this.src[i];
        if (ch === ' ') indent++;
        else if (ch === '\t') indent += 8 - (indent % 8);
        else if (ch === '\f') indent = 0;
        else {
          onlySpace = false;
          break;
        }
      }
      if (!onlySpace) continue; // not the first token of its line (e.g. after `;` or a continuation)
      lastLine = li;
      const top = stack[stack.length - 1];
      const eol = lineEnd(this.src, l.pos);
      if (indent > top) {
        if (l.opensBlock) stack.push(indent);
        else {
          this.parseErrors.push(new PySyntaxError('unexpected indent', this.r(l.pos, eol), 'IndentationError'));
          return;
        }
      } else if (indent < top) {
        while (stack.length > 1 && indent < stack[stack.length - 1]) stack.pop();
        if (indent !== stack[stack.length - 1]) {
          this.parseErrors.push(
            new PySyntaxError('unindent does not match any outer indentation level', this.r(l.pos, eol), 'IndentationError'),
          );
          return;
        }
        // a block opener at a lower level is reported by lezer as an empty Body
      }
    }
  }

  // ----- module / statements

  lowerModule(magics: Magic[]): A.Stmt[] {
    const out: { pos: number; stmts: A.Stmt[] }[] = [];
    for (const s of this.kids(this.tree.topNode)) {
      if (s.type.isError) continue; // already recorded
      try {
        out.push({ pos: s.from, stmts: this.stmt(s) });
      } catch (x) {
        if (!(x instanceof Abort)) throw x;
      }
    }
    for (const m of magics) {
      const construct = m.text.startsWith('!')
        ? `IPython shell command '${m.text.trim()}'`
        : `IPython magic '${m.text.trim()}'`;
      out.push({ pos: m.from, stmts: [{ kind: 'UnsupportedStmt', construct, range: this.r(m.from, m.to) }] });
    }
    if (magics.length > 0) out.sort((a, b) => a.pos - b.pos);
    return out.flatMap((o) => o.stmts);
  }

  private stmt(n: SyntaxNode): A.Stmt[] {
    const range = this.rn(n);
    switch (n.name) {
      case 'ExpressionStatement':
        return [this.exprStmt(n)];
      case 'AssignStatement':
        return [this.assign(n)];
      case 'UpdateStatement':
        return [this.augAssign(n)];
      case 'StatementGroup': {
        const out: A.Stmt[] = [];
        for (const k of this.kids(n)) {
          if (k.name === ';') continue;
          if (k.type.isError) this.invalid(k);
          out.push(...this.stmt(k));
        }
        return out;
      }
      case 'PassStatement':
        return [{ kind: 'Pass', range }];
      case 'BreakStatement':
        if (!this.ctx.inLoop) this.compileError("'break' outside loop", n.from, n.to);
        return [{ kind: 'Break', range }];
      case 'ContinueStatement':
        if (!this.ctx.inLoop) this.compileError("'continue' not properly in loop", n.from, n.to);
        return [{ kind: 'Continue', range }];
      case 'ReturnStatement': {
        if (!this.ctx.inFunction) this.compileError("'return' outside function", n.from, n.to);
        const items = this.kids(n).slice(1);
        return [{ kind: 'Return', value: items.length ? this.exprList(items) : null, range }];
      }
      case 'DeleteStatement':
        return [this.del(n)];
      case 'YieldStatement':
        if (!this.ctx.inFunction) this.compileError("'yield' outside function", n.from, n.to);
        return [{ kind: 'ExprStmt', value: this.yieldExpr(n, range), range }];
      case 'PrintStatement':
        return this.fail("Missing parentheses in call to 'print'. Did you mean print(...)?", n.from, n.to);
      case 'RaiseStatement':
        return [this.raise(n)];
      case 'ImportStatement':
        return [this.importStmt(n)];
      case 'ScopeStatement': {
        const ks = this.kids(n);
        const names = ks.filter((k) => k.name === 'VariableName').map((k) => this.text(k));
        if (ks[0].name === 'nonlocal') {
          if (!this.ctx.inFunction) this.compileError('nonlocal declaration not allowed at module level', n.from, n.to);
          return [{ kind: 'Nonlocal', names, range }];
        }
        return [{ kind: 'Global', names, range }];
      }
      case 'AssertStatement': {
        const { segs } = this.splitComma(this.kids(n).slice(1));
        if (segs.length < 1 || segs.length > 2) this.invalid(n);
        return [
          {
            kind: 'Assert',
            test: this.segExpr(segs[0]),
            msg: segs.length === 2 ? this.segExpr(segs[1]) : null,
            range,
          },
        ];
      }
      case 'TypeDefinition':
        return [{ kind: 'UnsupportedStmt', construct: 'type alias statement', range }];
      case 'IfStatement':
        return [this.ifStmt(n)];
      case 'WhileStatement':
        return [this.whileStmt(n)];
      case 'ForStatement':
        return [this.forStmt(n)];
      case 'TryStatement':
        return [this.tryStmt(n)];
      case 'WithStatement':
        return [this.withStmt(n)];
      case 'FunctionDefinition':
        return [this.funcDef(n, [])];
      case 'ClassDefinition':
        return [this.classDef(n, [])];
      case 'DecoratedStatement':
        return [this.decorated(n)];
      case 'MatchStatement':
        // still check the subject and clauses for errors? lezer has done that; just mark unsupported
        return [{ kind: 'UnsupportedStmt', construct: 'match statement', range: this.trimmedRange(n) }];
      default:
        return this.invalid(n);
    }
  }

  /** A compound statement's range without the trailing newline / comments the Body absorbed. */
  private trimmedRange(n: SyntaxNode): A.Range {
    let to = n.to;
    for (;;) {
      while (to > n.from && /\s/.test(this.src[to - 1])) to--;
      const c = this.tree.resolveInner(to, -1);
      if (c.name === 'Comment' && c.from >= n.from && c.from < to) to = c.from;
      else break;
    }
    return this.r(n.from, to);
  }

  private block(body: SyntaxNode | undefined, ctx: Ctx = this.ctx): A.Stmt[] {
    if (!body || body.name !== 'Body') return this.invalid(body ?? this.tree.topNode);
    return this.withCtx(ctx, () => {
      const out: A.Stmt[] = [];
      for (const k of this.kids(body)) {
        if (k.name === ':') continue;
        if (k.type.isError) this.invalid(k);
        out.push(...this.stmt(k));
      }
      if (out.length === 0) this.invalid(body);
      return out;
    });
  }

  private exprStmt(n: SyntaxNode): A.ExprStmt {
    const ks = this.kids(n);
    const { segs, hasComma } = this.splitComma(ks);
    if (!hasComma && segs.length === 1 && segs[0].nodes[0].name === '*') {
      this.fail("can't use starred expression here", segs[0].from, segs[0].to);
    }
    return { kind: 'ExprStmt', value: this.exprList(ks), range: this.rn(n) };
  }

  /** A comma-separated list of (possibly starred) expressions: a single one, or a tuple. */
  private exprList(nodes: SyntaxNode[]): A.Expr {
    const { segs, hasComma } = this.splitComma(nodes);
    if (segs.length === 0) return this.invalid(nodes[0] ?? this.tree.topNode);
    if (!hasComma && segs.length === 1) return this.segExpr(segs[0]);
    const from = nodes[0].from;
    const to = nodes[nodes.length - 1].to;
    return { kind: 'Tuple', elts: segs.map((s) => this.segExpr(s, true)), range: this.r(from, to) };
  }

  /** One comma segment: `expr` or (if allowed) `*expr`. */
  private segExpr(seg: Segment, allowStar = false): A.Expr {
    const ns = seg.nodes;
    if (ns.length === 1) return this.expr(ns[0]);
    if (ns.length === 2 && ns[0].name === '*') {
      if (!allowStar) this.fail("can't use starred expression here", ns[0].from, ns[1].to);
      return { kind: 'Starred', value: this.expr(ns[1]), range: this.r(ns[0].from, ns[1].to) };
    }
    if (ns.length === 0) return this.fail('invalid syntax', seg.from, seg.to);
    const bad = ns.find((k) => k.type.isError) ?? ns[1];
    return this.invalid(bad);
  }

  private assign(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    const range = this.rn(n);
    const groups: SyntaxNode[][] = [[]];
    let annotation: SyntaxNode | null = null;
    for (const k of ks) {
      if (k.type.isError) this.invalid(k);
      if (k.name === 'AssignOp') {
        if (this.text(k) !== '=') this.invalid(k);
        groups.push([]);
      } else if (k.name === 'TypeDef') {
        if (groups.length !== 1 || annotation) this.invalid(k);
        annotation = k;
      } else groups[groups.length - 1].push(k);
    }
    for (const g of groups) if (g.length === 0) this.invalid(n);

    if (annotation) {
      if (groups.length > 2) this.invalid(n);
      const { segs, hasComma } = this.splitComma(groups[0]);
      if (hasComma || segs.length !== 1) {
        this.fail('only single target (not tuple) can be annotated', groups[0][0].from, groups[0][groups[0].length - 1].to);
      }
      const target = this.expr(segs[0].nodes[0]);
      if (target.kind === 'Tuple' || target.kind === 'List') {
        this.failAt(`only single target (not ${target.kind.toLowerCase()}) can be annotated`, target.range);
      }
      const t = this.toTarget(target, 'assign', true);
      if (t.kind !== 'Name' && t.kind !== 'Attribute' && t.kind !== 'Subscript') return this.invalid(n);
      const annNodes = this.kids(annotation).filter((k) => k.name !== ':');
      if (annNodes.length !== 1) this.invalid(annotation);
      return {
        kind: 'AnnAssign',
        target: t,
        annotation: this.expr(annNodes[0]),
        value: groups.length === 2 ? this.valueGroup(groups[1]) : null,
        range,
      };
    }
    if (groups.length < 2) return this.invalid(n);
    const targets = groups.slice(0, -1).map((g) => this.targetList(g, 'assign'));
    return { kind: 'Assign', targets, value: this.valueGroup(groups[groups.length - 1]), range };
  }

  private base(): number {
    return this.lines.range(0, 0).from;
  }

  private valueGroup(nodes: SyntaxNode[]): A.Expr {
    if (nodes.length === 1 && nodes[0].name === 'YieldExpression') return this.expr(nodes[0]);
    return this.exprList(nodes);
  }

  /** A comma list used as a target (`a, *b = ...`, `for a, b in ...`). */
  private targetList(nodes: SyntaxNode[], use: TargetUse): A.Target {
    const { segs, hasComma } = this.splitComma(nodes);
    if (!hasComma && segs.length === 1) {
      const e = this.segExprForTarget(segs[0]);
      return this.toTarget(e, use, true);
    }
    const elts = segs.map((s) => this.segExprForTarget(s));
    const tuple: A.TupleExpr = { kind: 'Tuple', elts, range: this.r(nodes[0].from, nodes[nodes.length - 1].to) };
    return this.toTarget(tuple, use, true);
  }

  private segExprForTarget(seg: Segment): A.Expr {
    const ns = seg.nodes;
    if (ns.length === 2 && ns[0].name === '*') {
      return { kind: 'Starred', value: this.expr(ns[1]), range: this.r(ns[0].from, ns[1].to) };
    }
    return this.segExpr(seg);
  }

  /** Converts an expression to an assignment / deletion target, with CPython's error messages. */
  private toTarget(e: A.Expr, use: TargetUse, topLevel: boolean): A.Target {
    const from = e.range.from - this.base();
    const to = e.range.to - this.base();
    switch (e.kind) {
      case 'Name':
      case 'Attribute':
      case 'Subscript':
        return e;
      case 'Tuple':
      case 'List': {
        if (use === 'del') {
          return { kind: 'Unpack', elts: e.elts.map((x) => this.toTarget(x, use, false)), range: e.range };
        }
        const stars = e.elts.filter((x) => x.kind === 'Starred');
        if (stars.length > 1) this.fail('multiple starred expressions in assignment', from, to);
        const elts = e.elts.map((x): A.Target => {
          if (x.kind === 'Starred') {
            return { kind: 'StarTarget', target: this.toTarget(x.value, use, false), range: x.range };
          }
          return this.toTarget(x, use, false);
        });
        return { kind: 'Unpack', elts, range: e.range };
      }
      case 'Starred':
        if (use === 'del') return this.fail('cannot delete starred', from, to);
        return this.fail('starred assignment target must be in a list or tuple', from, to);
      default: {
        const what = describeForTarget(e);
        if (use === 'del') return this.fail(`cannot delete ${what}`, from, to);
        const hint = topLevel && use === 'assign' ? " here. Maybe you meant '==' instead of '='?" : '';
        return this.fail(`cannot assign to ${what}${hint}`, from, to);
      }
    }
  }

  private augAssign(n: SyntaxNode): A.AugAssignStmt {
    const ks = this.kids(n);
    const opIdx = ks.findIndex((k) => k.name === 'UpdateOp');
    if (opIdx <= 0 || opIdx === ks.length - 1) return this.invalid(n);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    const targetExpr = this.exprList(ks.slice(0, opIdx));
    if (targetExpr.kind !== 'Name' && targetExpr.kind !== 'Attribute' && targetExpr.kind !== 'Subscript') {
      const what = targetExpr.kind === 'Tuple' ? 'tuple' : targetExpr.kind === 'List' ? 'list' : describeForTarget(targetExpr);
      this.failAt(`'${what}' is an illegal expression for augmented assignment`, targetExpr.range);
    }
    const opText = this.text(ks[opIdx]).slice(0, -1);
    if (!BIN_OPS.has(opText)) this.invalid(ks[opIdx]);
    return {
      kind: 'AugAssign',
      target: targetExpr,
      op: opText as A.BinOp,
      value: this.valueGroup(ks.slice(opIdx + 1)),
      range: this.rn(n),
    };
  }

  private del(n: SyntaxNode): A.DeleteStmt {
    const { segs } = this.splitComma(this.kids(n).slice(1));
    if (segs.length === 0) this.invalid(n);
    const targets = segs.map((s) => this.toTarget(this.segExprForTarget(s), 'del', true));
    return { kind: 'Delete', targets, range: this.rn(n) };
  }

  private raise(n: SyntaxNode): A.RaiseStmt {
    const ks = this.kids(n).slice(1);
    if (ks.length === 0) return { kind: 'Raise', exc: null, cause: null, range: this.rn(n) };
    if (ks.length === 1) return { kind: 'Raise', exc: this.expr(ks[0]), cause: null, range: this.rn(n) };
    if (ks.length === 3 && ks[1].name === 'from') {
      return { kind: 'Raise', exc: this.expr(ks[0]), cause: this.expr(ks[2]), range: this.rn(n) };
    }
    return this.invalid(ks[1]);
  }

  private importStmt(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    const range = this.rn(n);
    if (ks[0].name === 'import') {
      const rest = ks.slice(1);
      if (rest.some((k) => k.name === '(')) this.invalid(rest.find((k) => k.name === '(')!);
      return { kind: 'Import', names: this.importNames(rest, true), range };
    }
    // from
    let i = 1;
    let level = 0;
    for (; i < ks.length; i++) {
      if (ks[i].name === '.') level += 1;
      else if (ks[i].name === 'Ellipsis') level += 3;
      else break;
    }
    const modParts: string[] = [];
    while (i < ks.length && ks[i].name !== 'import') {
      if (ks[i].name === 'VariableName') modParts.push(this.text(ks[i]));
      else if (ks[i].name !== '.') this.invalid(ks[i]);
      i++;
    }
    if (i >= ks.length) return this.invalid(n);
    i++; // 'import'
    const rest = ks.slice(i);
    if (rest.length === 1 && rest[0].name === '*') {
      return { kind: 'ImportFrom', module: modParts.length ? modParts.join('.') : null, level, names: [], star: true, range };
    }
    const inner = rest.length > 0 && rest[0].name === '(' ? rest.slice(1, rest[rest.length - 1].name === ')' ? -1 : undefined) : rest;
    return {
      kind: 'ImportFrom',
      module: modParts.length ? modParts.join('.') : null,
      level,
      names: this.importNames(inner, false),
      star: false,
      range,
    };
  }

  private importNames(nodes: SyntaxNode[], dotted: boolean): A.ImportAlias[] {
    const { segs } = this.splitComma(nodes);
    if (segs.length === 0) return this.invalid(nodes[0] ?? this.tree.topNode);
    return segs.map((s) => {
      const ns = s.nodes;
      const asIdx = ns.findIndex((k) => k.name === 'as');
      const nameNodes = asIdx >= 0 ? ns.slice(0, asIdx) : ns;
      const parts: string[] = [];
      for (const k of nameNodes) {
        if (k.name === 'VariableName') parts.push(this.text(k));
        else if (k.name !== '.' || !dotted) this.invalid(k);
      }
      if (parts.length === 0) this.invalid(ns[0] ?? this.tree.topNode);
      let asname: string | null = null;
      if (asIdx >= 0) {
        const a = ns[asIdx + 1];
        if (!a || a.name !== 'VariableName' || ns.length !== asIdx + 2) this.invalid(ns[asIdx]);
        asname = this.text(a);
      }
      return { name: parts.join('.'), asname, range: this.r(ns[0].from, ns[ns.length - 1].to) };
    });
  }

  private ifStmt(n: SyntaxNode): A.IfStmt {
    const ks = this.kids(n);
    interface Clause {
      kw: SyntaxNode;
      test: A.Expr;
      body: A.Stmt[];
    }
    const clauses: Clause[] = [];
    let orelse: A.Stmt[] = [];
    let i = 0;
    while (i < ks.length) {
      const kw = ks[i];
      if (kw.name === 'if' || kw.name === 'elif') {
        const testNode = ks[i + 1];
        if (!testNode || testNode.name === 'Body') return this.invalid(kw);
        const test = this.expr(testNode);
        const body = this.block(ks[i + 2]);
        clauses.push({ kw, test, body });
        i += 3;
      } else if (kw.name === 'else') {
        orelse = this.block(ks[i + 1]);
        i += 2;
        if (i < ks.length) this.invalid(ks[i]);
      } else return this.invalid(kw);
    }
    const end = this.trimmedRange(n);
    let result: A.IfStmt | null = null;
    for (let c = clauses.length - 1; c >= 0; c--) {
      const cl = clauses[c];
      const range = this.r(cl.kw.from, end.to - this.base());
      result = { kind: 'If', test: cl.test, body: cl.body, orelse: result ? [result] : orelse, range };
    }
    if (!result) return this.invalid(n);
    return result;
  }

  private whileStmt(n: SyntaxNode): A.WhileStmt {
    const ks = this.kids(n);
    if (ks.length < 3) return this.invalid(n);
    const test = this.expr(ks[1]);
    const body = this.block(ks[2], { ...this.ctx, inLoop: true });
    let orelse: A.Stmt[] = [];
    if (ks.length > 3) {
      if (ks[3].name !== 'else' || ks.length !== 5) this.invalid(ks[3]);
      orelse = this.block(ks[4]);
    }
    return { kind: 'While', test, body, orelse, range: this.trimmedRange(n) };
  }

  private forStmt(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    if (ks[0].name === 'async') return { kind: 'UnsupportedStmt', construct: 'async for loop', range: this.trimmedRange(n) };
    const inIdx = ks.findIndex((k) => k.name === 'in');
    const bodyIdx = ks.findIndex((k) => k.name === 'Body');
    if (inIdx < 2 || bodyIdx < inIdx + 2) return this.invalid(n);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    const target = this.targetList(ks.slice(1, inIdx), 'for');
    const iter = this.exprList(ks.slice(inIdx + 1, bodyIdx));
    const body = this.block(ks[bodyIdx], { ...this.ctx, inLoop: true });
    let orelse: A.Stmt[] = [];
    if (ks.length > bodyIdx + 1) {
      if (ks[bodyIdx + 1].name !== 'else' || ks.length !== bodyIdx + 3) this.invalid(ks[bodyIdx + 1]);
      orelse = this.block(ks[bodyIdx + 2]);
    }
    return { kind: 'For', target, iter, body, orelse, range: this.trimmedRange(n) };
  }

  private tryStmt(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    const range = this.trimmedRange(n);
    const body = this.block(ks[1]);
    const handlers: A.ExceptHandler[] = [];
    let orelse: A.Stmt[] = [];
    let finalbody: A.Stmt[] = [];
    let sawFinally = false;
    let i = 2;
    while (i < ks.length) {
      const kw = ks[i];
      if (kw.name === 'except') {
        let j = i + 1;
        while (j < ks.length && ks[j].name !== 'Body') j++;
        const header = ks.slice(i + 1, j);
        if (header.length > 0 && header[0].name === '*') {
          return { kind: 'UnsupportedStmt', construct: 'except* clause', range };
        }
        if (handlers.length > 0 && handlers[handlers.length - 1].type === null) {
          this.failAt("default 'except:' must be last", handlers[handlers.length - 1].range);
        }
        let type: A.Expr | null = null;
        let name: string | null = null;
        if (header.length >= 1) type = this.expr(header[0]);
        if (header.length >= 2) {
          if (header[1].name === ',') this.fail('multiple exception types must be parenthesized', header[0].from, header[header.length - 1].to);
          if (header[1].name !== 'as' || header.length !== 3 || header[2].name !== 'VariableName') this.invalid(header[1]);
          name = this.text(header[2]);
        }
        const hbody = this.block(ks[j]);
        const last = hbody[hbody.length - 1];
        handlers.push({ type, name, body: hbody, range: this.r(kw.from, last.range.to - this.base()) });
        i = j + 1;
      } else if (kw.name === 'else') {
        if (handlers.length === 0) this.fail("expected 'except' or 'finally' block", kw.from, kw.to);
        orelse = this.block(ks[i + 1]);
        i += 2;
      } else if (kw.name === 'finally') {
        finalbody = this.block(ks[i + 1]);
        sawFinally = true;
        i += 2;
      } else return this.invalid(kw);
    }
    if (handlers.length === 0 && !sawFinally) {
      const at = ks[ks.length - 1];
      const pos = this.nextTokenStart(at.to);
      this.fail("expected 'except' or 'finally' block", pos, lineEnd(this.src, pos));
    }
    return { kind: 'Try', body, handlers, orelse, finalbody, range };
  }

  private withStmt(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    const range = this.trimmedRange(n);
    if (ks[0].name === 'async') return { kind: 'UnsupportedStmt', construct: 'async with statement', range };
    const bodyIdx = ks.findIndex((k) => k.name === 'Body');
    if (bodyIdx < 2) return this.invalid(n);
    const { segs } = this.splitComma(ks.slice(1, bodyIdx));
    const items: A.WithItem[] = segs.map((s) => {
      const ns = s.nodes;
      for (const k of ns) if (k.type.isError) this.invalid(k);
      const context = this.expr(ns[0]);
      let target: A.Target | null = null;
      if (ns.length === 3 && ns[1].name === 'as') target = this.toTarget(this.expr(ns[2]), 'with', false);
      else if (ns.length !== 1) this.invalid(ns[1]);
      return { context, target, range: this.r(ns[0].from, ns[ns.length - 1].to) };
    });
    if (items.length === 0) this.invalid(n);
    return { kind: 'With', items, body: this.block(ks[bodyIdx]), range };
  }

  private funcDef(n: SyntaxNode, decorators: A.Expr[]): A.Stmt {
    const ks = this.kids(n);
    const range = this.trimmedRange(n);
    if (ks[0].name === 'async') return { kind: 'UnsupportedStmt', construct: 'async function', range };
    if (ks.some((k) => k.name === 'TypeParamList')) return { kind: 'UnsupportedStmt', construct: 'type parameter list', range };
    const nameNode = ks[1];
    const paramNode = ks[2];
    const bodyNode = ks[ks.length - 1];
    if (!nameNode || nameNode.name !== 'VariableName' || !paramNode || paramNode.name !== 'ParamList') return this.invalid(n);
    const params = this.params(paramNode, true);
    const outerYields = this.yields;
    this.yields = 0;
    const body = this.block(bodyNode, { inFunction: true, inLoop: false });
    const isGenerator = this.yields > 0;
    this.yields = outerYields;
    return { kind: 'FunctionDef', name: this.text(nameNode), params, body, decorators, range, isGenerator };
  }

  /** Yields seen in the body of the def being parsed (they make it a generator function). */
  private yields = 0;

  /** `yield`, `yield a, b`, `yield from it` (statement or parenthesised expression). */
  private yieldExpr(n: SyntaxNode, range: A.Range): A.Expr {
    this.yields++;
    const ks = this.kids(n).slice(1).filter((k) => !k.type.isError && k.from !== k.to);
    if (ks[0]?.name === 'from') return { kind: 'Yield', value: ks[1] ? this.expr(ks[1]) : this.invalid(n), from: true, range };
    return { kind: 'Yield', value: ks.length ? this.exprList(ks) : null, from: false, range };
  }

  private classDef(n: SyntaxNode, decorators: A.Expr[]): A.Stmt {
    const ks = this.kids(n);
    const range = this.trimmedRange(n);
    if (ks.some((k) => k.name === 'TypeParamList')) return { kind: 'UnsupportedStmt', construct: 'type parameter list', range };
    const nameNode = ks[1];
    if (!nameNode || nameNode.name !== 'VariableName') return this.invalid(n);
    const bases: A.Expr[] = [];
    const keywords: A.KeywordArg[] = [];
    const argList = ks.find((k) => k.name === 'ArgList');
    if (argList) {
      for (const a of this.args(argList)) {
        if (a.kind === 'Positional') bases.push(a.value);
        else if (a.kind === 'Keyword') keywords.push(a);
        else return { kind: 'UnsupportedStmt', construct: 'star arguments in class bases', range };
      }
    }
    const body = this.block(ks[ks.length - 1], { inFunction: false, inLoop: false });
    return { kind: 'ClassDef', name: this.text(nameNode), bases, keywords, body, decorators, range };
  }

  private decorated(n: SyntaxNode): A.Stmt {
    const ks = this.kids(n);
    const decorators: A.Expr[] = [];
    for (const k of ks) {
      if (k.name === 'Decorator') decorators.push(this.decorator(k));
      else if (k.name === 'FunctionDefinition') return this.withRangeFrom(this.funcDef(k, decorators), n.from);
      else if (k.name === 'ClassDefinition') return this.withRangeFrom(this.classDef(k, decorators), n.from);
      else this.invalid(k);
    }
    return this.invalid(n);
  }

  private withRangeFrom(s: A.Stmt, from: number): A.Stmt {
    const to = s.range.to - this.base();
    return { ...s, range: this.r(from, to) };
  }

  private decorator(n: SyntaxNode): A.Expr {
    const ks = this.kids(n).filter((k) => k.name !== 'At');
    let e: A.Expr | null = null;
    let start = 0;
    for (const k of ks) {
      if (k.name === 'VariableName') {
        if (!e) {
          e = { kind: 'Name', id: this.text(k), range: this.rn(k) };
          start = k.from;
        } else {
          e = { kind: 'Attribute', value: e, attr: this.text(k), range: this.r(start, k.to) };
        }
      } else if (k.name === 'ArgList') {
        if (!e) return this.invalid(k);
        e = { kind: 'Call', func: e, args: this.args(k), range: this.r(start, k.to) };
      } else if (k.name !== '.') this.invalid(k);
    }
    if (!e) return this.invalid(n);
    return e;
  }

  /** Parameters of a `def` (ParamList with parentheses) or a `lambda` (without). */
  private params(n: SyntaxNode, isDef: boolean): A.Parameters {
    let ks = this.kids(n);
    if (isDef) {
      if (ks[0]?.name !== '(' || ks[ks.length - 1]?.name !== ')') return this.invalid(n);
      ks = ks.slice(1, -1);
    }
    const result: A.Parameters = { posOnly: [], args: [], vararg: null, kwOnly: [], kwarg: null };
    let phase: 'pos' | 'kw' | 'done' = 'pos';
    let sawDefault = false;
    let bareStar: SyntaxNode | null = null;
    let sawSlash = false;
    const seen = new Set<string>();
    // `/` is an anonymous token (it is not in the tree): it shows up as an empty segment between commas
    const allSegs: Segment[] = [];
    {
      let cur: SyntaxNode[] = [];
      let segFrom = isDef ? n.from + 1 : n.from;
      for (const k of ks) {
        if (k.name === ',') {
          allSegs.push({ nodes: cur, from: segFrom, to: k.from });
          cur = [];
          segFrom = k.to;
        } else cur.push(k);
      }
      allSegs.push({ nodes: cur, from: segFrom, to: isDef ? n.to - 1 : n.to });
    }
    for (const seg of allSegs) {
      const ns = seg.nodes;
      if (ns.length === 0) {
        const t = this.src.slice(seg.from, seg.to).trim();
        if (t === '') {
          if (seg === allSegs[allSegs.length - 1]) continue; // trailing comma, or no parameters at all
          this.fail('invalid syntax', seg.from, seg.to);
        }
        if (t !== '/') this.fail('invalid syntax', seg.from, seg.to);
        const at = seg.from + this.src.slice(seg.from, seg.to).indexOf('/');
        if (sawSlash) this.fail('/ may appear only once', at, at + 1);
        if (phase !== 'pos') this.fail('/ must be ahead of *', at, at + 1);
        if (result.args.length === 0) this.fail('at least one argument must precede /', at, at + 1);
        sawSlash = true;
        result.posOnly = result.args;
        result.args = [];
        continue;
      }
      for (const k of ns) if (k.type.isError) this.invalid(k);
      if (phase === 'done') this.fail('arguments cannot follow var-keyword argument', ns[0].from, ns[ns.length - 1].to);
      const head = ns[0];
      const check = (nameNode: SyntaxNode) => {
        const name = this.text(nameNode);
        if (seen.has(name)) this.compileError(`duplicate argument '${name}' in function definition`, nameNode.from, nameNode.to);
        seen.add(name);
        return name;
      };
      if (head.name === '*') {
        if (phase !== 'pos') this.fail('* argument may appear only once', head.from, head.to);
        phase = 'kw';
        const nm = ns[1];
        if (nm && nm.name === 'VariableName') {
          result.vararg = { name: check(nm), default: null, range: this.r(head.from, nm.to) };
        } else if (ns.length === 1) {
          bareStar = head;
        } else this.invalid(ns[1]);
        continue;
      }
      if (head.name === '**') {
        const nm = ns[1];
        if (!nm || nm.name !== 'VariableName') return this.invalid(head);
        result.kwarg = { name: check(nm), default: null, range: this.r(head.from, nm.to) };
        phase = 'done';
        continue;
      }
      if (head.name !== 'VariableName') return this.invalid(head);
      const eq = ns.findIndex((k) => k.name === 'AssignOp');
      let def: A.Expr | null = null;
      if (eq >= 0) {
        if (this.text(ns[eq]) !== '=' || eq !== ns.length - 2) this.invalid(ns[eq]);
        def = this.expr(ns[eq + 1]);
      }
      const p: A.Param = { name: check(head), default: def, range: this.r(head.from, ns[ns.length - 1].to) };
      if (phase === 'pos') {
        if (def) sawDefault = true;
        else if (sawDefault) this.failAt('non-default argument follows default argument', p.range);
        result.args.push(p);
      } else {
        result.kwOnly.push(p);
        bareStar = null;
      }
    }
    if (bareStar) this.fail('named arguments must follow bare *', bareStar.from, bareStar.to);
    return result;
  }

  // ----- expressions

  private expr(n: SyntaxNode): A.Expr {
    const range = this.rn(n);
    switch (n.name) {
      case 'VariableName':
        return { kind: 'Name', id: this.text(n), range };
      case 'Number':
        return this.number(n);
      case 'Boolean':
        return { kind: 'Bool', value: this.text(n) === 'True', range };
      case 'None':
        return { kind: 'None', range };
      case 'Ellipsis':
        return { kind: 'Ellipsis', range };
      case 'String':
      case 'FormatString':
      case 'ContinuedString':
        return this.stringExpr(n);
      case 'ParenthesizedExpression': {
        const ks = this.kids(n);
        if (ks.length === 3) return this.expr(ks[1]);
        if (ks.length === 4 && ks[1].name === '*') return this.fail('cannot use starred expression here', ks[1].from, ks[2].to);
        return this.invalid(n);
      }
      case 'TupleExpression': {
        const ks = this.bracketInner(n, '(', ')');
        const { segs } = this.splitComma(ks);
        return { kind: 'Tuple', elts: segs.map((s) => this.segExpr(s, true)), range };
      }
      case 'ArrayExpression': {
        const { segs } = this.splitComma(this.bracketInner(n, '[', ']'));
        return { kind: 'List', elts: segs.map((s) => this.segExpr(s, true)), range };
      }
      case 'SetExpression': {
        const { segs } = this.splitComma(this.bracketInner(n, '{', '}'));
        return { kind: 'Set', elts: segs.map((s) => this.segExpr(s, true)), range };
      }
      case 'DictionaryExpression':
        return this.dict(n);
      case 'ComprehensionExpression':
      case 'ArrayComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression':
        return this.comprehensionExpr(n);
      case 'CallExpression': {
        const ks = this.kids(n);
        if (ks.length !== 2 || ks[1].name !== 'ArgList') return this.invalid(n);
        return { kind: 'Call', func: this.expr(ks[0]), args: this.args(ks[1]), range };
      }
      case 'MemberExpression':
        return this.member(n);
      case 'BinaryExpression':
        return this.binary(n);
      case 'UnaryExpression': {
        const ks = this.kids(n);
        if (ks.length !== 2) return this.invalid(n);
        const op = this.text(ks[0]);
        if (op === 'not') return this.boolRegion(n);
        if (op !== '-' && op !== '+' && op !== '~') return this.invalid(ks[0]);
        return { kind: 'Unary', op, operand: this.expr(ks[1]), range };
      }
      case 'ConditionalExpression': {
        const ks = this.kids(n);
        if (ks.length !== 5 || ks[1].name !== 'if' || ks[3].name !== 'else') return this.invalid(n);
        return { kind: 'IfExp', body: this.expr(ks[0]), test: this.expr(ks[2]), orelse: this.expr(ks[4]), range };
      }
      case 'LambdaExpression': {
        const ks = this.kids(n);
        const pl = ks.find((k) => k.name === 'ParamList');
        const colon = ks.findIndex((k) => k.name === ':');
        if (!pl || colon < 0 || colon !== ks.length - 2) return this.invalid(n);
        const params = this.params(pl, false);
        const lambdaBody = this.withCtx({ inFunction: true, inLoop: false }, () => this.expr(ks[colon + 1]));
        return { kind: 'Lambda', params, body: lambdaBody, range };
      }
      case 'AwaitExpression':
        return { kind: 'UnsupportedExpr', construct: 'await expression', range };
      case 'YieldExpression':
        if (!this.ctx.inFunction) this.compileError("'yield' outside function", n.from, n.to);
        return this.yieldExpr(n, range);
      case 'NamedExpression': {
        const ks = this.kids(n);
        if (ks.length !== 3 || ks[0].name !== 'VariableName') return this.invalid(n);
        return { kind: 'NamedExpr', target: this.text(ks[0]), value: this.expr(ks[2]), range };
      }
      default:
        return this.invalid(n);
    }
  }

  /** Children of a bracketed node without the brackets (errors abort). */
  private bracketInner(n: SyntaxNode, open: string, close: string): SyntaxNode[] {
    const ks = this.kids(n);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    if (ks[0]?.name !== open || ks[ks.length - 1]?.name !== close) return this.invalid(n);
    return ks.slice(1, -1);
  }

  private number(n: SyntaxNode): A.Expr {
    const t = this.text(n);
    const range = this.rn(n);
    const last = t[t.length - 1];
    if (last === 'j' || last === 'J') return { kind: 'UnsupportedExpr', construct: 'complex literal', range };
    const lower = t.toLowerCase();
    if (lower.length > 2 && lower[0] === '0' && (lower[1] === 'x' || lower[1] === 'o' || lower[1] === 'b')) {
      const base = lower[1];
      const digits = lower.slice(2);
      const name = base === 'x' ? 'hexadecimal' : base === 'o' ? 'octal' : 'binary';
      const ok = (c: string) => (base === 'x' ? /[0-9a-f]/.test(c) : base === 'o' ? c >= '0' && c <= '7' : c === '0' || c === '1');
      for (let i = 0; i < digits.length; i++) {
        const c = digits[i];
        if (c === '_') {
          if (!(i + 1 < digits.length && ok(digits[i + 1]))) this.fail(`invalid ${name} literal`, n.from, n.to);
        } else if (!ok(c)) this.fail(`invalid ${name} literal`, n.from, n.to);
      }
      return { kind: 'Int', value: BigInt('0' + base + digits.replaceAll('_', '')), range };
    }
    // decimal int or float: every '_' must sit between two digits
    for (let i = 0; i < t.length; i++) {
      if (t[i] === '_' && !(isDigit(t[i - 1]) && isDigit(t[i + 1]))) this.fail('invalid decimal literal', n.from, n.to);
    }
    const clean = t.replaceAll('_', '');
    if (clean.includes('.') || clean.includes('e') || clean.includes('E')) {
      return { kind: 'Float', value: Number(clean), range };
    }
    if (clean.length > 1 && clean[0] === '0' && [...clean].some((c) => c !== '0')) {
      this.fail(
        'leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers',
        n.from,
        n.to,
      );
    }
    return { kind: 'Int', value: BigInt(clean), range };
  }

  private dict(n: SyntaxNode): A.DictExpr {
    const { segs } = this.splitComma(this.bracketInner(n, '{', '}'));
    const items: A.DictItem[] = segs.map((s): A.DictItem => {
      const ns = s.nodes;
      const range = this.r(ns[0].from, ns[ns.length - 1].to);
      if (ns.length === 2 && ns[0].name === '**') return { kind: 'DictUnpack', value: this.expr(ns[1]), range };
      if (ns.length === 3 && ns[1].name === ':') return { kind: 'DictPair', key: this.expr(ns[0]), value: this.expr(ns[2]), range };
      return this.invalid(ns[0]);
    });
    return { kind: 'Dict', items, range: this.rn(n) };
  }

  private comprehensionExpr(n: SyntaxNode): A.Expr {
    const range = this.rn(n);
    const close = n.name === 'ComprehensionExpression' ? ')' : n.name === 'ArrayComprehensionExpression' ? ']' : '}';
    const open = close === ')' ? '(' : close === ']' ? '[' : '{';
    const ks = this.bracketInner(n, open, close);
    const forIdx = ks.findIndex((k) => k.name === 'for' || k.name === 'async');
    if (forIdx < 1) return this.invalid(n);
    const head = ks.slice(0, forIdx);
    const gens = this.compClauses(ks, forIdx);
    if (gens === null) return { kind: 'UnsupportedExpr', construct: 'asynchronous comprehension', range };
    if (n.name === 'DictionaryComprehensionExpression') {
      if (head.length === 2 && head[0].name === '**') {
        return this.fail('dict unpacking cannot be used in dict comprehension', head[0].from, head[1].to);
      }
      if (head.length !== 3 || head[1].name !== ':') return this.invalid(head[0]);
      return { kind: 'DictComp', key: this.expr(head[0]), value: this.expr(head[2]), generators: gens, range };
    }
    if (head.length === 2 && head[0].name === '*') {
      return this.fail('iterable unpacking cannot be used in comprehension', head[0].from, head[1].to);
    }
    if (head.length !== 1) return this.invalid(head[1]);
    const elt = this.expr(head[0]);
    const kind = n.name === 'ComprehensionExpression' ? 'GeneratorExp' : n.name === 'ArrayComprehensionExpression' ? 'ListComp' : 'SetComp';
    return { kind, elt, generators: gens, range };
  }

  /** `for t in it if c ... for ...` clauses starting at `ks[i]`; null if asynchronous. */
  private compClauses(ks: SyntaxNode[], i: number): A.Comprehension[] | null {
    const gens: A.Comprehension[] = [];
    while (i < ks.length) {
      const k = ks[i];
      if (k.type.isError) this.invalid(k);
      if (k.name === 'async') return null;
      if (k.name === 'for') {
        const inIdx = ks.findIndex((x, j) => j > i && x.name === 'in');
        if (inIdx < 0 || inIdx === i + 1 || inIdx + 1 >= ks.length) return this.invalid(k);
        const target = this.targetList(ks.slice(i + 1, inIdx), 'for');
        const iterNode = ks[inIdx + 1];
        const iter = this.expr(iterNode);
        gens.push({ target, iter, ifs: [], range: this.r(k.from, iterNode.to) });
        i = inIdx + 2;
      } else if (k.name === 'if') {
        const c = ks[i + 1];
        const g = gens[gens.length - 1];
        if (!c || !g) return this.invalid(k);
        g.ifs.push(this.expr(c));
        g.range = this.r(g.range.from - this.base(), c.to);
        i += 2;
      } else return this.invalid(k);
    }
    return gens;
  }

  private args(n: SyntaxNode): A.Argument[] {
    const ks = this.bracketInner(n, '(', ')');
    const { segs } = this.splitComma(ks);
    const out: A.Argument[] = [];
    let sawKeyword = false;
    let sawDoubleStar = false;
    const names = new Set<string>();
    segs.forEach((s) => {
      const ns = s.nodes;
      const range = this.r(ns[0].from, ns[ns.length - 1].to);
      if (ns.length >= 2 && (ns[1].name === 'for' || ns[1].name === 'async')) {
        if (segs.length > 1) this.fail('Generator expression must be parenthesized', ns[0].from, ns[ns.length - 1].to);
        const gens = this.compClauses(ns, 1);
        const value: A.Expr =
          gens === null
            ? { kind: 'UnsupportedExpr', construct: 'asynchronous comprehension', range }
            : { kind: 'GeneratorExp', elt: this.expr(ns[0]), generators: gens, range };
        out.push({ kind: 'Positional', value, range });
        return;
      }
      if (ns.length === 2 && ns[0].name === '*') {
        if (sawDoubleStar) this.fail('iterable argument unpacking follows keyword argument unpacking', ns[0].from, ns[1].to);
        out.push({ kind: 'Star', value: this.expr(ns[1]), range });
        return;
      }
      if (ns.length === 2 && ns[0].name === '**') {
        sawDoubleStar = true;
        out.push({ kind: 'DoubleStar', value: this.expr(ns[1]), range });
        return;
      }
      if (ns.length >= 3 && ns[0].name === 'VariableName' && ns[1].name === 'AssignOp') {
        if (this.text(ns[1]) === ':=') {
          if (ns.length > 3) this.invalid(ns[3]);
          out.push({ kind: 'Positional', value: { kind: 'NamedExpr', target: this.text(ns[0]), value: this.expr(ns[2]), range }, range });
          return;
        }
        if (ns.length > 3) {
          if (ns[3].name === 'for') this.fail('Generator expression must be parenthesized', ns[2].from, ns[ns.length - 1].to);
          this.invalid(ns[3]);
        }
        const name = this.text(ns[0]);
        if (names.has(name)) this.fail(`keyword argument repeated: ${name}`, ns[0].from, ns[2].to);
        names.add(name);
        sawKeyword = true;
        out.push({ kind: 'Keyword', name, value: this.expr(ns[2]), range });
        return;
      }
      if (ns.length !== 1) return this.invalid(ns[1]);
      if (sawDoubleStar) this.fail('positional argument follows keyword argument unpacking', ns[0].from, ns[0].to);
      if (sawKeyword) this.fail('positional argument follows keyword argument', ns[0].from, ns[0].to);
      out.push({ kind: 'Positional', value: this.expr(ns[0]), range });
    });
    return out;
  }

  private member(n: SyntaxNode): A.Expr {
    const ks = this.kids(n);
    const range = this.rn(n);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    if (ks.length === 3 && ks[1].name === '.' && ks[2].name === 'PropertyName') {
      return { kind: 'Attribute', value: this.expr(ks[0]), attr: this.text(ks[2]), range };
    }
    if (ks.length >= 3 && ks[1].name === '[' && ks[ks.length - 1].name === ']') {
      const value = this.expr(ks[0]);
      const inner = ks.slice(2, -1);
      const { segs, hasComma } = this.splitComma(inner);
      if (segs.length === 0) return this.fail('invalid syntax', ks[1].from, ks[ks.length - 1].to);
      const items = segs.map((s) => this.subscriptItem(s));
      const index: A.Expr =
        !hasComma && items.length === 1
          ? items[0]
          : { kind: 'Tuple', elts: items, range: this.r(inner[0].from, inner[inner.length - 1].to) };
      return { kind: 'Subscript', value, index, range };
    }
    return this.invalid(n);
  }

  private subscriptItem(s: Segment): A.Expr {
    const ns = s.nodes;
    if (!ns.some((k) => k.name === ':')) return this.segExpr(s, true);
    const parts: (SyntaxNode | null)[] = [null];
    for (const k of ns) {
      if (k.name === ':') {
        parts.push(null);
        if (parts.length > 3) this.invalid(k);
      } else {
        if (parts[parts.length - 1] !== null) this.invalid(k);
        parts[parts.length - 1] = k;
      }
    }
    const ex = (k: SyntaxNode | null | undefined) => (k ? this.expr(k) : null);
    return {
      kind: 'Slice',
      lower: ex(parts[0]),
      upper: ex(parts[1]),
      step: ex(parts[2]),
      range: this.r(ns[0].from, ns[ns.length - 1].to),
    };
  }

  private binary(n: SyntaxNode): A.Expr {
    const ks = this.kids(n);
    const range = this.rn(n);
    if (ks.length < 3) return this.invalid(n);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    const op = this.binaryOp(ks);
    if (op === 'and' || op === 'or') return this.boolRegion(n);
    if (CMP_OPS.has(op) || op === '<>') {
      if (op === '<>') this.invalid(ks[1]);
      const left = ks[0];
      const right = this.expr(ks[ks.length - 1]);
      if (left.name === 'BinaryExpression' && CMP_OPS.has(this.binaryOp(this.kids(left)))) {
        const l = this.binary(left) as A.CompareExpr;
        return { kind: 'Compare', left: l.left, ops: [...l.ops, op as A.CmpOp], comparators: [...l.comparators, right], range };
      }
      return { kind: 'Compare', left: this.expr(left), ops: [op as A.CmpOp], comparators: [right], range };
    }
    if (BIN_OPS.has(op)) {
      return { kind: 'Binary', op: op as A.BinOp, left: this.expr(ks[0]), right: this.expr(ks[ks.length - 1]), range };
    }
    return this.invalid(ks[1]);
  }

  /**
   * `and` / `or` / `not`. The lezer grammar gives `not` a lower precedence than Python does
   * (`a and not b or c` comes out as `a and not (b or c)`), so the whole unparenthesised
   * boolean region is flattened to its token sequence and re-parsed with Python's
   * precedence (`or` < `and` < `not`).
   */
  private boolRegion(n: SyntaxNode): A.Expr {
    const toks: BoolTok[] = [];
    const flat = (m: SyntaxNode): void => {
      if (m.type.isError) this.invalid(m);
      if (m.name === 'BinaryExpression') {
        const ks = this.kids(m);
        const op = this.binaryOp(ks);
        if (op === 'and' || op === 'or') {
          flat(ks[0]);
          toks.push({ op, node: ks[1] });
          flat(ks[ks.length - 1]);
          return;
        }
      } else if (m.name === 'UnaryExpression') {
        const ks = this.kids(m);
        if (ks.length === 2 && ks[0].name === 'not') {
          toks.push({ op: 'not', node: ks[0] });
          flat(ks[1]);
          return;
        }
      }
      toks.push({ op: null, node: m });
    };
    flat(n);
    let i = 0;
    const local = (e: A.Expr) => e.range.from - this.base();
    const localTo = (e: A.Expr) => e.range.to - this.base();
    const parseNot = (): A.Expr => {
      const t = toks[i];
      if (!t) return this.invalid(n);
      i++;
      if (t.op === 'not') {
        const operand = parseNot();
        return { kind: 'Unary', op: 'not', operand, range: this.r(t.node.from, localTo(operand)) };
      }
      if (t.op !== null) return this.invalid(t.node);
      return this.expr(t.node);
    };
    const parseLevel = (op: 'and' | 'or'): A.Expr => {
      const first = op === 'or' ? parseLevel('and') : parseNot();
      const values = [first];
      while (i < toks.length && toks[i].op === op) {
        i++;
        values.push(op === 'or' ? parseLevel('and') : parseNot());
      }
      if (values.length === 1) return first;
      return { kind: 'BoolOp', op, values, range: this.r(local(values[0]), localTo(values[values.length - 1])) };
    };
    const result = parseLevel('or');
    if (i !== toks.length) return this.invalid(toks[i].node);
    return result;
  }

  private binaryOp(ks: SyntaxNode[]): string {
    return ks
      .slice(1, -1)
      .map((k) => this.text(k))
      .join(' ');
  }

  // ----- strings

  private stringExpr(n: SyntaxNode): A.Expr {
    const range = this.rn(n);
    const nodes = n.name === 'ContinuedString' ? this.kids(n) : [n];
    const pieces = nodes.map((k) => this.stringPiece(k));
    const bytes = pieces.filter((p) => p.kind === 'bytes').length;
    if (bytes > 0 && bytes < pieces.length) this.fail('cannot mix bytes and nonbytes literals', n.from, n.to);
    if (bytes > 0) return { kind: 'UnsupportedExpr', construct: 'bytes literal', range };
    const unsup = pieces.find((p) => p.kind === 'unsupported');
    if (unsup) return { kind: 'UnsupportedExpr', construct: unsup.construct ?? 'string literal', range };
    const parts = mergeText(pieces.flatMap((p) => p.parts));
    if (pieces.some((p) => p.kind === 'f')) return { kind: 'FString', parts, range };
    return { kind: 'Str', value: parts.map((p) => (p.kind === 'FStringText' ? p.value : '')).join(''), range };
  }

  private stringPiece(n: SyntaxNode): StrPiece {
    if (n.name !== 'String' && n.name !== 'FormatString') return this.invalid(n);
    const t = this.text(n);
    let pre = 0;
    while (pre < t.length && t[pre] !== "'" && t[pre] !== '"') pre++;
    const prefix = t.slice(0, pre).toLowerCase();
    const q = t[pre];
    const long = t.startsWith(q + q + q, pre);
    const qlen = long ? 3 : 1;
    const raw = prefix.includes('r');
    const isF = prefix.includes('f');
    const contentFrom = n.from + pre + qlen;
    const closeOk = t.length >= pre + 2 * qlen && t.endsWith(q.repeat(qlen));
    const contentTo = closeOk ? n.to - qlen : n.to;
    const unterminated = () =>
      this.fail(
        `unterminated ${long ? 'triple-quoted ' : ''}string literal (detected at line ${this.lines.lineNumber(n.to)})`,
        n.from,
        n.from + pre + qlen,
      );
    if (!closeOk) unterminated();
    if (prefix.includes('b')) {
      // still check termination
      if (this.danglingBackslash(contentFrom, contentTo)) unterminated();
      return { kind: 'bytes', parts: [] };
    }
    const parts: A.FStringPart[] = [];
    let pos = contentFrom;
    const fields = isF ? this.kids(n).filter((k) => k.name === 'FormatReplacement' || k.type.isError) : [];
    let unsupported: string | undefined;
    const text = (from: number, to: number) => {
      const tp = this.textPart(from, to, raw, isF);
      if (tp.value === null) unsupported = tp.construct;
      else parts.push({ kind: 'FStringText', value: tp.value, range: tp.range });
    };
    for (const f of fields) {
      if (f.type.isError) this.invalid(f);
      if (f.from > pos) text(pos, f.from);
      parts.push(...this.field(f));
      pos = f.to;
    }
    if (this.danglingBackslash(pos, contentTo)) unterminated();
    if (contentTo > pos) text(pos, contentTo);
    if (unsupported !== undefined) return { kind: 'unsupported', parts: [], construct: unsupported };
    return { kind: isF ? 'f' : 'str', parts };
  }

  /** True if the text in [from, to) ends with an odd number of backslashes (the closing quote was escaped). */
  private danglingBackslash(from: number, to: number): boolean {
    let k = 0;
    for (let i = to - 1; i >= from && this.src[i] === '\\'; i--) k++;
    return k % 2 === 1;
  }

  /** Decodes literal text in [from, to): escapes (unless raw), newline normalisation, and `{{`/`}}` in f-strings. */
  private textPart(from: number, to: number, raw: boolean, isF: boolean): TextPartResult {
    const s = this.src;
    let out = '';
    let i = from;
    let construct: string | undefined;
    while (i < to) {
      const c = s[i];
      if (c === '\r') {
        out += '\n';
        i += s[i + 1] === '\n' ? 2 : 1;
        continue;
      }
      if (isF && (c === '{' || c === '}')) {
        if (s[i + 1] === c && i + 1 < to) {
          out += c;
          i += 2;
          continue;
        }
        if (c === '}') this.fail("f-string: single '}' is not allowed", i, i + 1);
        this.invalid({ from: i, to: i + 1 });
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      if (raw) {
        out += c;
        if (i + 1 < to) {
          const d = s[i + 1];
          if (d === '\r') {
            out += '\n';
            i += s[i + 2] === '\n' ? 3 : 2;
          } else {
            out += d;
            i += 2;
          }
        } else i++;
        continue;
      }
      const d = s[i + 1];
      const escStart = i;
      i += 2;
      switch (d) {
        case '\n':
          break;
        case '\r':
          if (s[i] === '\n') i++;
          break;
        case '\\':
        case "'":
        case '"':
          out += d;
          break;
        case 'a':
          out += '\x07';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          const len = d === 'x' ? 2 : d === 'u' ? 4 : 8;
          const hex = s.slice(i, Math.min(i + len, to));
          let valid = 0;
          while (valid < hex.length && isHexDigit(hex[valid])) valid++;
          if (valid < len) {
            const what = d === 'x' ? '\\xXX' : d === 'u' ? '\\uXXXX' : '\\UXXXXXXXX';
            this.fail(
              `(unicode error) 'unicodeescape' codec can't decode bytes in position ${escStart - from}-${escStart - from + 1 + valid}: truncated ${what} escape`,
              escStart,
              i + valid,
            );
          }
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) {
            this.fail(
              `(unicode error) 'unicodeescape' codec can't decode bytes in position ${escStart - from}-${i - from + len - 1}: illegal Unicode character`,
              escStart,
              i + len,
            );
          }
          out += String.fromCodePoint(code);
          i += len;
          break;
        }
        case 'N':
          construct = '\\N{...} escape in a string';
          out += '\\N';
          break;
        default:
          if (d !== undefined && d >= '0' && d <= '7') {
            let j = i - 1;
            let v = 0;
            let k = 0;
            while (k < 3 && j < to && s[j] >= '0' && s[j] <= '7') {
              v = v * 8 + (s.charCodeAt(j) - 48);
              j++;
              k++;
            }
            out += String.fromCharCode(v);
            i = j;
          } else if (d === undefined) {
            out += '\\';
            i = to;
          } else {
            // unknown escape: kept verbatim (a DeprecationWarning in CPython 3.11)
            out += '\\' + d;
          }
      }
    }
    if (construct) return { value: null, construct, range: this.r(from, to) };
    return { value: out, range: this.r(from, to) };
  }

  /** One replacement field; with `=` it is preceded by its debug text. */
  private field(f: SyntaxNode): A.FStringPart[] {
    const ks = this.kids(f);
    for (const k of ks) if (k.type.isError) this.invalid(k);
    let i = 1;
    const exprNodes: SyntaxNode[] = [];
    while (i < ks.length && !['FormatSelfDoc', 'FormatConversion', 'FormatSpec', '}'].includes(ks[i].name)) {
      exprNodes.push(ks[i]);
      i++;
    }
    if (exprNodes.length === 0) this.fail('f-string: empty expression not allowed', f.from, f.to);
    const value =
      exprNodes.length === 1 && exprNodes[0].name === 'YieldExpression' ? this.expr(exprNodes[0]) : this.exprList(exprNodes);
    const out: A.FStringPart[] = [];
    let selfDoc = false;
    if (ks[i]?.name === 'FormatSelfDoc') {
      selfDoc = true;
      const next = ks[i + 1];
      const debugEnd = next ? next.from : ks[i].to;
      const debugText = this.src.slice(ks[0].to, debugEnd);
      out.push({ kind: 'FStringText', value: debugText, range: this.r(ks[0].to, debugEnd) });
      i++;
    }
    let conversion: 'r' | 's' | 'a' | null = null;
    if (ks[i]?.name === 'FormatConversion') {
      const c = this.text(ks[i])[1];
      if (c !== 'r' && c !== 's' && c !== 'a') this.invalid(ks[i]);
      conversion = c;
      i++;
    }
    let formatSpec: A.FStringPart[] | null = null;
    if (ks[i]?.name === 'FormatSpec') {
      formatSpec = this.formatSpec(ks[i]);
      i++;
    }
    if (ks[i]?.name !== '}' || i !== ks.length - 1) this.invalid(f);
    if (selfDoc && conversion === null && formatSpec === null) conversion = 'r';
    out.push({ kind: 'FStringField', value, conversion, formatSpec, range: this.rn(f) });
    return out;
  }

  private formatSpec(spec: SyntaxNode): A.FStringPart[] {
    const ks = this.kids(spec);
    const parts: A.FStringPart[] = [];
    let pos = ks[0]?.name === ':' ? ks[0].to : spec.from;
    for (const k of ks.slice(1)) {
      if (k.name !== 'FormatReplacement') this.invalid(k);
      if (k.from > pos) parts.push(this.plainText(pos, k.from));
      parts.push(...this.field(k));
      pos = k.to;
    }
    if (spec.to > pos) parts.push(this.plainText(pos, spec.to));
    return mergeText(parts);
  }

  private plainText(from: number, to: number): A.FStringText {
    const p = this.textPart(from, to, true, false);
    return { kind: 'FStringText', value: p.value ?? '', range: p.range };
  }
}

type TargetUse = 'assign' | 'del' | 'for' | 'with';

interface BoolTok {
  op: 'and' | 'or' | 'not' | null;
  node: SyntaxNode;
}

interface TextPartResult {
  /** null if the text contains an unsupported escape (see `construct`). */
  value: string | null;
  range: A.Range;
  construct?: string;
}

const CLOSERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

const COLON_OWNERS = new Set([
  'IfStatement',
  'WhileStatement',
  'ForStatement',
  'TryStatement',
  'WithStatement',
  'FunctionDefinition',
  'ClassDefinition',
]);

function isIdentChar(c: string | undefined): boolean {
  if (c === undefined) return false;
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c > '\x7f';
}

function isHexDigit(c: string): boolean {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function mergeText(parts: A.FStringPart[]): A.FStringPart[] {
  const out: A.FStringPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (p.kind === 'FStringText' && prev && prev.kind === 'FStringText') {
      out[out.length - 1] = {
        kind: 'FStringText',
        value: prev.value + p.value,
        range: { ...prev.range, to: p.range.to, endLine: p.range.endLine, endCol: p.range.endCol },
      };
    } else if (p.kind === 'FStringText' && p.value === '') {
      continue;
    } else out.push(p);
  }
  return out;
}

function describeForTarget(e: A.Expr): string {
  switch (e.kind) {
    case 'Call':
      return 'function call';
    case 'Int':
    case 'Float':
    case 'Str':
    case 'Bool':
    case 'None':
    case 'Ellipsis':
      return e.kind === 'Bool' ? String(e.value) : e.kind === 'None' ? 'None' : e.kind === 'Ellipsis' ? 'ellipsis' : 'literal';
    case 'FString':
      return 'f-string expression';
    case 'Compare':
      return 'comparison';
    case 'IfExp':
      return 'conditional expression';
    case 'Lambda':
      return 'lambda';
    case 'ListComp':
      return 'list comprehension';
    case 'SetComp':
      return 'set comprehension';
    case 'DictComp':
      return 'dict comprehension';
    case 'GeneratorExp':
      return 'generator expression';
    case 'Dict':
      return 'dict literal';
    case 'Set':
      return 'set display';
    case 'Slice':
      return 'slice';
    case 'UnsupportedExpr':
      return e.construct;
    default:
      return 'expression';
  }
}
