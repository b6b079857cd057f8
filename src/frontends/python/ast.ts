/**
 * The typed AST of the Python subset that Autograd Lens interprets.
 *
 * Produced by `parse.ts` from the `@lezer/python` syntax tree. The shapes follow
 * CPython's `ast` module where that is convenient (so the semantics are familiar),
 * but every node is a plain object discriminated by `kind`, and constructs outside
 * the supported subset are lowered to explicit `UnsupportedStmt` / `UnsupportedExpr`
 * nodes instead of failing the whole parse: the interpreter raises
 * `NotImplementedError: <construct> is not supported (line N)` only when execution
 * actually reaches one of them.
 *
 * Conventions
 * - Every node has a `range` (see {@link Range}).
 * - Optional children are `null`, never `undefined`.
 * - Python ints are `bigint`; Python floats are `number`.
 * - Parentheses leave no node: `(a)` is the `Name` `a` (with the range of `a`).
 */

/**
 * A source range. `from`/`to` are UTF-16 offsets (what VS Code uses) into the file
 * (or into the cell, if the parser was not given a `startOffset`); `to` is exclusive.
 * `line`/`endLine` are 1-based, `col`/`endCol` are 0-based UTF-16 columns.
 */
export interface Range {
  from: number;
  to: number;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

interface NodeBase {
  range: Range;
}

// ---------------------------------------------------------------------------
// Operators

/** Binary arithmetic / bitwise operators (also the operators of `AugAssign`). */
export type BinOp = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '@' | '<<' | '>>' | '&' | '|' | '^';
export type UnaryOp = '-' | '+' | '~' | 'not';
export type BoolOpKind = 'and' | 'or';
export type CmpOp = '<' | '>' | '==' | '!=' | '<=' | '>=' | 'in' | 'not in' | 'is' | 'is not';

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | Name
  | YieldExpr
  | NamedExpr
  | IntLit
  | FloatLit
  | StrLit
  | FString
  | BoolLit
  | NoneLit
  | EllipsisLit
  | UnaryExpr
  | BinaryExpr
  | BoolOpExpr
  | CompareExpr
  | IfExpr
  | LambdaExpr
  | CallExpr
  | AttributeExpr
  | SubscriptExpr
  | SliceExpr
  | StarredExpr
  | TupleExpr
  | ListExpr
  | SetExpr
  | DictExpr
  | ListCompExpr
  | SetCompExpr
  | GeneratorExpr
  | DictCompExpr
  | UnsupportedExpr;

export type ExprKind = Expr['kind'];

export interface Name extends NodeBase {
  kind: 'Name';
  id: string;
}

/** An int literal (decimal, `0x`, `0o`, `0b`, underscores allowed). */
export interface IntLit extends NodeBase {
  kind: 'Int';
  value: bigint;
}

/** A float literal: `1.5`, `1.`, `.5`, `1e-3`. */
export interface FloatLit extends NodeBase {
  kind: 'Float';
  value: number;
}

/** A str literal, escapes decoded; implicit concatenation `"a" "b"` is already joined. */
export interface StrLit extends NodeBase {
  kind: 'Str';
  value: string;
}

/**
 * An f-string (or an implicit concatenation containing at least one f-string).
 * Adjacent literal text is merged. The `=` debugging specifier (`f"{x=}"`) is
 * already lowered: its text `x=` becomes literal text, followed by the field with
 * conversion `'r'` when neither a conversion nor a format spec was given.
 */
export interface FString extends NodeBase {
  kind: 'FString';
  parts: FStringPart[];
}

export type FStringPart = FStringText | FStringField;

export interface FStringText extends NodeBase {
  kind: 'FStringText';
  /** Decoded text (`{{` is `{`, escapes decoded). */
  value: string;
}

/** A replacement field `{value!conversion:formatSpec}`. */
export interface FStringField extends NodeBase {
  kind: 'FStringField';
  value: Expr;
  conversion: 'r' | 's' | 'a' | null;
  /** `null` when there was no `:`; otherwise the spec's parts (may contain nested fields). */
  formatSpec: FStringPart[] | null;
}

export interface BoolLit extends NodeBase {
  kind: 'Bool';
  value: boolean;
}

export interface NoneLit extends NodeBase {
  kind: 'None';
}

/** `...` */
export interface EllipsisLit extends NodeBase {
  kind: 'Ellipsis';
}

export interface UnaryExpr extends NodeBase {
  kind: 'Unary';
  op: UnaryOp;
  operand: Expr;
}

export interface BinaryExpr extends NodeBase {
  kind: 'Binary';
  op: BinOp;
  left: Expr;
  right: Expr;
}

/** `a and b and c` is one node with three values (short-circuit, left to right). */
export interface BoolOpExpr extends NodeBase {
  kind: 'BoolOp';
  op: BoolOpKind;
  /** At least two. */
  values: Expr[];
}

/** `a < b <= c` is `{ left: a, ops: ['<', '<='], comparators: [b, c] }` (chained, `b` evaluated once). */
export interface CompareExpr extends NodeBase {
  kind: 'Compare';
  left: Expr;
  ops: CmpOp[];
  comparators: Expr[];
}

/** `body if test else orelse` */
export interface IfExpr extends NodeBase {
  kind: 'IfExp';
  test: Expr;
  body: Expr;
  orelse: Expr;
}

/** `name := value` (binds in the enclosing function scope, even inside a comprehension). */
export interface NamedExpr extends NodeBase {
  kind: 'NamedExpr';
  target: string;
  value: Expr;
}

/** `yield value` / `yield from value` (only inside a def, which makes it a generator function). */
export interface YieldExpr extends NodeBase {
  kind: 'Yield';
  value: Expr | null;
  from: boolean;
}

export interface LambdaExpr extends NodeBase {
  kind: 'Lambda';
  params: Parameters;
  body: Expr;
}

export interface CallExpr extends NodeBase {
  kind: 'Call';
  func: Expr;
  /** In source order. The parser has checked Python's ordering rules and repeated keywords. */
  args: Argument[];
}

export type Argument = PositionalArg | StarArg | KeywordArg | DoubleStarArg;

/** `f(x)`; a sole generator argument `f(x for x in y)` is a positional `GeneratorExp`. */
export interface PositionalArg extends NodeBase {
  kind: 'Positional';
  value: Expr;
}

/** `f(*xs)` */
export interface StarArg extends NodeBase {
  kind: 'Star';
  value: Expr;
}

/** `f(name=value)` */
export interface KeywordArg extends NodeBase {
  kind: 'Keyword';
  name: string;
  value: Expr;
}

/** `f(**kw)` */
export interface DoubleStarArg extends NodeBase {
  kind: 'DoubleStar';
  value: Expr;
}

export interface AttributeExpr extends NodeBase {
  kind: 'Attribute';
  value: Expr;
  attr: string;
}

/**
 * `value[index]`. As in Python, `x[1:2, 3]` has a `Tuple` index containing a `Slice`,
 * and `x[(1, 2)]` and `x[1, 2]` are the same thing.
 */
export interface SubscriptExpr extends NodeBase {
  kind: 'Subscript';
  value: Expr;
  index: Expr;
}

/** `lower:upper:step`; only appears as a subscript index or an element of a subscript's index tuple. */
export interface SliceExpr extends NodeBase {
  kind: 'Slice';
  lower: Expr | null;
  upper: Expr | null;
  step: Expr | null;
}

/** `*value` inside a tuple / list / set display (`[*a, b]`, `return *a, b`). */
export interface StarredExpr extends NodeBase {
  kind: 'Starred';
  value: Expr;
}

export interface TupleExpr extends NodeBase {
  kind: 'Tuple';
  elts: Expr[];
}

export interface ListExpr extends NodeBase {
  kind: 'List';
  elts: Expr[];
}

export interface SetExpr extends NodeBase {
  kind: 'Set';
  elts: Expr[];
}

export interface DictExpr extends NodeBase {
  kind: 'Dict';
  items: DictItem[];
}

export type DictItem = DictPair | DictUnpack;

/** `key: value` */
export interface DictPair extends NodeBase {
  kind: 'DictPair';
  key: Expr;
  value: Expr;
}

/** `**mapping` */
export interface DictUnpack extends NodeBase {
  kind: 'DictUnpack';
  value: Expr;
}

/** One `for target in iter if cond1 if cond2` clause of a comprehension. */
export interface Comprehension extends NodeBase {
  target: Target;
  iter: Expr;
  ifs: Expr[];
}

export interface ListCompExpr extends NodeBase {
  kind: 'ListComp';
  elt: Expr;
  /** At least one; the first iterable is evaluated in the enclosing scope. */
  generators: Comprehension[];
}

export interface SetCompExpr extends NodeBase {
  kind: 'SetComp';
  elt: Expr;
  generators: Comprehension[];
}

export interface GeneratorExpr extends NodeBase {
  kind: 'GeneratorExp';
  elt: Expr;
  generators: Comprehension[];
}

export interface DictCompExpr extends NodeBase {
  kind: 'DictComp';
  key: Expr;
  value: Expr;
  generators: Comprehension[];
}

/**
 * A construct the grammar accepts but the interpreter does not support
 * (`await`, `yield`, walrus `:=`, bytes, complex literals, ...).
 * Evaluating it raises `NotImplementedError: <construct> is not supported (line N)`.
 */
export interface UnsupportedExpr extends NodeBase {
  kind: 'UnsupportedExpr';
  /** Human name, e.g. "yield expression", "bytes literal". */
  construct: string;
}

// ---------------------------------------------------------------------------
// Assignment targets

/**
 * Something that can be assigned to (or deleted): `x`, `obj.attr`, `obj[i]`,
 * or an unpacking `a, (b, *c)` / `[a, b]`.
 */
export type Target = Name | AttributeExpr | SubscriptExpr | UnpackTarget | StarTarget;

/** `a, b = ...`, `(a, b) = ...`, `[a, b] = ...` (all the same). At most one `StarTarget` among `elts`. */
export interface UnpackTarget extends NodeBase {
  kind: 'Unpack';
  elts: Target[];
}

/** `*rest` inside an `UnpackTarget`; receives a list. */
export interface StarTarget extends NodeBase {
  kind: 'StarTarget';
  target: Target;
}

// ---------------------------------------------------------------------------
// Function parameters

export interface Param extends NodeBase {
  name: string;
  /** Default value, evaluated once when the `def` / `lambda` is executed. Always null for `*args` / `**kwargs`. */
  default: Expr | null;
}

/** `def f(a, /, b, c=1, *args, d, e=2, **kwargs)` */
export interface Parameters {
  /** Before `/`. */
  posOnly: Param[];
  /** Positional-or-keyword. */
  args: Param[];
  vararg: Param | null;
  /** After `*` or `*args`. */
  kwOnly: Param[];
  kwarg: Param | null;
}

// ---------------------------------------------------------------------------
// Statements

export type Stmt =
  | ExprStmt
  | AssignStmt
  | AugAssignStmt
  | AnnAssignStmt
  | IfStmt
  | ForStmt
  | WhileStmt
  | BreakStmt
  | ContinueStmt
  | PassStmt
  | ReturnStmt
  | FunctionDefStmt
  | ClassDefStmt
  | WithStmt
  | ImportStmt
  | ImportFromStmt
  | GlobalStmt
  | NonlocalStmt
  | DeleteStmt
  | AssertStmt
  | RaiseStmt
  | TryStmt
  | UnsupportedStmt;

export type StmtKind = Stmt['kind'];

/**
 * A bare expression statement. When it is the last statement of a cell, Jupyter
 * displays its value (unless None).
 */
export interface ExprStmt extends NodeBase {
  kind: 'ExprStmt';
  value: Expr;
}

/** `t1 = t2 = value`: `value` is evaluated once, then assigned to each target left to right. */
export interface AssignStmt extends NodeBase {
  kind: 'Assign';
  /** At least one. */
  targets: Target[];
  value: Expr;
}

/** `target op= value` (in place when the object supports it, e.g. tensors). */
export interface AugAssignStmt extends NodeBase {
  kind: 'AugAssign';
  target: Name | AttributeExpr | SubscriptExpr;
  op: BinOp;
  value: Expr;
}

/** `target: annotation = value`; `value` is null for a bare `x: int` (which binds nothing). */
export interface AnnAssignStmt extends NodeBase {
  kind: 'AnnAssign';
  target: Name | AttributeExpr | SubscriptExpr;
  annotation: Expr;
  value: Expr | null;
}

/** `if`/`elif`/`else`; an `elif` is a nested `If` as the only statement of `orelse`. */
export interface IfStmt extends NodeBase {
  kind: 'If';
  test: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

/** `for target in iter: body else: orelse` (`orelse` runs when the loop was not broken). */
export interface ForStmt extends NodeBase {
  kind: 'For';
  target: Target;
  iter: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface WhileStmt extends NodeBase {
  kind: 'While';
  test: Expr;
  body: Stmt[];
  orelse: Stmt[];
}

export interface BreakStmt extends NodeBase {
  kind: 'Break';
}

export interface ContinueStmt extends NodeBase {
  kind: 'Continue';
}

export interface PassStmt extends NodeBase {
  kind: 'Pass';
}

export interface ReturnStmt extends NodeBase {
  kind: 'Return';
  value: Expr | null;
}

/** `def name(params): body`. Annotations are dropped. */
export interface FunctionDefStmt extends NodeBase {
  kind: 'FunctionDef';
  name: string;
  params: Parameters;
  body: Stmt[];
  /** Outermost first, as written; Python applies them bottom-up. Each is a `Name`/`Attribute`, possibly called. */
  decorators: Expr[];
  /** Its body (not a nested def) contains a yield: calling it makes a generator. */
  isGenerator?: boolean;
}

/** `class name(bases, keyword=value): body` */
export interface ClassDefStmt extends NodeBase {
  kind: 'ClassDef';
  name: string;
  bases: Expr[];
  /** e.g. `metaclass=M` */
  keywords: KeywordArg[];
  body: Stmt[];
  decorators: Expr[];
}

export interface WithItem extends NodeBase {
  context: Expr;
  target: Target | null;
}

/** `with a as x, b: body` */
export interface WithStmt extends NodeBase {
  kind: 'With';
  items: WithItem[];
  body: Stmt[];
}

export interface ImportAlias extends NodeBase {
  /** Dotted for `import a.b`; a plain name in `from m import name`. */
  name: string;
  asname: string | null;
}

/**
 * `import a.b.c` binds `a`; `import a.b as c` binds `c` to module `a.b`.
 */
export interface ImportStmt extends NodeBase {
  kind: 'Import';
  names: ImportAlias[];
}

/** `from module import a, b as c` / `from module import *` / `from .. import x`. */
export interface ImportFromStmt extends NodeBase {
  kind: 'ImportFrom';
  /** Dotted module name; null for `from . import x`. */
  module: string | null;
  /** Number of leading dots (relative import). */
  level: number;
  /** Empty when `star`. */
  names: ImportAlias[];
  star: boolean;
}

export interface GlobalStmt extends NodeBase {
  kind: 'Global';
  names: string[];
}

export interface NonlocalStmt extends NodeBase {
  kind: 'Nonlocal';
  names: string[];
}

/** `del a, b[0], c.d` */
export interface DeleteStmt extends NodeBase {
  kind: 'Delete';
  targets: Target[];
}

export interface AssertStmt extends NodeBase {
  kind: 'Assert';
  test: Expr;
  msg: Expr | null;
}

/** `raise`, `raise exc`, `raise exc from cause` */
export interface RaiseStmt extends NodeBase {
  kind: 'Raise';
  exc: Expr | null;
  cause: Expr | null;
}

export interface ExceptHandler extends NodeBase {
  /** null for a bare `except:` (always the last handler). */
  type: Expr | null;
  /** `except E as name` */
  name: string | null;
  body: Stmt[];
}

/** `try/except/else/finally`; at least one of `handlers` and `finalbody` is non-empty. */
export interface TryStmt extends NodeBase {
  kind: 'Try';
  body: Stmt[];
  handlers: ExceptHandler[];
  orelse: Stmt[];
  finalbody: Stmt[];
}

/**
 * A statement the grammar accepts but the interpreter does not support
 * (`async def`, `match`, IPython magics, ...).
 * Executing it raises `NotImplementedError: <construct> is not supported (line N)`.
 */
export interface UnsupportedStmt extends NodeBase {
  kind: 'UnsupportedStmt';
  /** Human name, e.g. "async function", "match statement". */
  construct: string;
}

// ---------------------------------------------------------------------------

export interface Module {
  body: Stmt[];
}

/** What a syntax error looks like as data (e.g. for editor diagnostics). */
export interface SyntaxErrorInfo {
  kind: 'syntax';
  /** Python's exception type. */
  errorType: 'SyntaxError' | 'IndentationError';
  /** Python-like message without the type, e.g. "invalid syntax", "unexpected indent". */
  message: string;
  range: Range;
}
