/**
 * PyTorch 1.13's tensor repr (torch/_tensor_str.py), character for character, for dense CPU
 * tensors of the dtypes the engine knows.
 *
 * One formatter per tensor decides between int mode ('3.'), fixed ('2.5000') and scientific
 * ('1.0000e-05') from the nonzero finite values (in double), and pads every element to a common
 * width; 1-D rows wrap at the line width, higher dimensions nest with blank lines between blocks,
 * big tensors are summarised with '...', and the suffixes (dtype, grad_fn / requires_grad) go on a
 * new line when they would overflow it. Numbers are printed from their exact binary value with
 * Python's rounding (see numfmt.ts), so a float32 0.1 prints as 0.1000 and 0.03125 as 0.0312.
 */
import { torchName, type DType } from '../dtype';
import { formatExp, formatFixed } from './numfmt';

export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  sciMode: boolean | null;
}

/** torch's PRINT_OPTS defaults: precision 4, threshold 1000, edgeitems 3, linewidth 80, sci_mode None. */
export function defaultPrintOptions(): PrintOptions {
  return { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80, sciMode: null };
}

/**
 * torch.set_printoptions semantics of 1.13, including profile= and that sci_mode is reset to
 * null unless passed. Arguments not given keep their value, except sci_mode.
 */
export function applySetPrintOptions(
  current: PrintOptions,
  args: {
    precision?: number;
    threshold?: number;
    edgeitems?: number;
    linewidth?: number;
    profile?: 'default' | 'short' | 'full';
    sciMode?: boolean | null;
  },
): PrintOptions {
  const next: PrintOptions = { ...current };
  switch (args.profile) {
    case 'default':
      Object.assign(next, { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 });
      break;
    case 'short':
      Object.assign(next, { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 });
      break;
    case 'full':
      Object.assign(next, { precision: 4, threshold: Infinity, edgeitems: 3, linewidth: 80 });
      break;
  }
  if (args.precision !== undefined) next.precision = args.precision;
  if (args.threshold !== undefined) next.threshold = args.threshold;
  if (args.edgeitems !== undefined) next.edgeitems = args.edgeitems;
  if (args.linewidth !== undefined) next.linewidth = args.linewidth;
  next.sciMode = args.sciMode ?? null;
  return next;
}

export interface ReprInput {
  shape: readonly number[];
  dtype: DType;
  /** the elements in row-major (logical) order, length = product(shape); float32 values as JS doubles; bool as 0/1 */
  data: ArrayLike<number>;
  /** e.g. 'MulBackward0' → suffix grad_fn=<MulBackward0> */
  gradFn?: string;
  /** leaf that requires grad → requires_grad=True (only when gradFn is absent) */
  requiresGrad?: boolean;
  /** torch.set_default_dtype; default 'float32' (the dtype suffix is omitted for it, int64 and bool) */
  defaultFloatDtype?: DType;
}

const isFloatDtype = (d: DType): boolean => d === 'float32' || d === 'float64';

/** str(int) for an integral double, without JS's exponent notation for huge values. */
function intString(v: number): string {
  if (Math.abs(v) <= Number.MAX_SAFE_INTEGER) return String(v);
  return Number.isFinite(v) ? BigInt(v).toString() : String(v);
}

/** torch._tensor_str._Formatter. */
export class TensorFormatter {
  readonly floating: boolean;
  private readonly isBool: boolean;
  intMode = true;
  sciMode = false;
  maxWidth = 1;
  private readonly precision: number;

  /** values: every element the repr shows (after summarisation), in any order. */
  constructor(values: ArrayLike<number>, dtype: DType, opts: PrintOptions) {
    this.floating = isFloatDtype(dtype);
    this.isBool = dtype === 'bool';
    this.precision = opts.precision;
    const n = values.length;
    if (!this.floating) {
      for (let i = 0; i < n; i++) {
        const len = this.isBool ? (values[i] ? 4 : 5) : intString(values[i]).length;
        if (len > this.maxWidth) this.maxWidth = len;
      }
    } else {
      let count = 0;
      let min = Infinity;
      let max = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === 0 || !Number.isFinite(v)) continue;
        count++;
        const a = Math.abs(v);
        if (a < min) min = a;
        if (a > max) max = a;
        if (this.intMode && v !== Math.ceil(v)) this.intMode = false;
      }
      // no valid number: int mode with width 1 (and sci_mode is not even looked at)
      if (count === 0) return;
      const p = this.precision;
      const widthOf = (f: (v: number) => number): void => {
        for (let i = 0; i < n; i++) {
          const v = values[i];
          if (v === 0 || !Number.isFinite(v)) continue;
          const w = f(v);
          if (w > this.maxWidth) this.maxWidth = w;
        }
      };
      if (this.intMode) {
        if (max / min > 1000.0 || max > 1.0e8) {
          this.sciMode = true;
          widthOf((v) => formatExp(v, p).length);
        } else {
          widthOf((v) => formatFixed(v, 0).length + 1);
        }
      } else if (max / min > 1000.0 || max > 1.0e8 || min < 1.0e-4) {
        this.sciMode = true;
        widthOf((v) => formatExp(v, p).length);
      } else {
        widthOf((v) => formatFixed(v, p).length);
      }
    }
    if (opts.sciMode !== null) this.sciMode = opts.sciMode;
  }

  width(): number {
    return this.maxWidth;
  }

  /** One element, left-padded to the common width. */
  format(v: number): string {
    let ret: string;
    if (this.floating) {
      if (this.sciMode) ret = formatExp(v, this.precision);
      else if (this.intMode) {
        ret = formatFixed(v, 0);
        if (Number.isFinite(v)) ret += '.';
      } else ret = formatFixed(v, this.precision);
    } else if (this.isBool) {
      ret = v ? 'True' : 'False';
    } else {
      ret = intString(v);
    }
    return ret.length < this.maxWidth ? ' '.repeat(this.maxWidth - ret.length) + ret : ret;
  }
}

/** Which indices of one dimension are shown: leading ones, then (if summarised) '...', then trailing ones. */
interface DimView {
  lead: number[];
  trail: number[];
  summarized: boolean;
}

function range(a: number, b: number): number[] {
  const r: number[] = [];
  for (let i = a; i < b; i++) r.push(i);
  return r;
}

function dimViews(shape: readonly number[], summarize: boolean, edge: number): DimView[] {
  return shape.map((size, d) => {
    if (!summarize || size <= 2 * edge) return { lead: range(0, size), trail: [], summarized: false };
    // Python slices: self[-0:] is the whole vector, range(len - 0, len) is empty
    const last = d === shape.length - 1;
    const trail = edge === 0 ? (last ? range(0, size) : []) : range(size - edge, size);
    return { lead: range(0, edge), trail, summarized: true };
  });
}

/**
 * The bracketed body of a tensor repr (torch._tensor_str._tensor_str), without 'tensor(' and
 * suffixes: '[1., 2.]', '[[1., 2.],\n        [3., 4.]]', or the bare element of a 0-d tensor.
 * indent is the column where the body starts (len('tensor(') = 7 for a plain tensor).
 */
export function formatTensorBody(
  t: Pick<ReprInput, 'shape' | 'dtype' | 'data'>,
  opts: PrintOptions,
  indent = 7,
): string {
  const shape = t.shape;
  const ndim = shape.length;
  let numel = 1;
  for (const s of shape) numel *= s;
  if (numel === 0) return '[]';
  const summarize = numel > opts.threshold;
  const views = dimViews(shape, summarize, opts.edgeitems);
  const strides: number[] = new Array(ndim);
  let acc = 1;
  for (let d = ndim - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d];
  }
  const data = t.data;

  // the formatter sees only the shown elements (get_summarized_data)
  let shownValues: ArrayLike<number> = data;
  if (summarize) {
    const vals: number[] = [];
    const collect = (d: number, off: number): void => {
      if (d === ndim) {
        vals.push(data[off]);
        return;
      }
      for (const i of views[d].lead) collect(d + 1, off + i * strides[d]);
      for (const i of views[d].trail) collect(d + 1, off + i * strides[d]);
    };
    collect(0, 0);
    shownValues = vals;
  }
  const fmt = new TensorFormatter(shownValues, t.dtype, opts);
  if (ndim === 0) return fmt.format(data[0]);

  const render = (d: number, off: number, ind: number): string => {
    const v = views[d];
    if (d === ndim - 1) {
      const perLine = Math.max(1, Math.floor((opts.linewidth - ind) / (fmt.width() + 2)));
      const items: string[] = [];
      for (const i of v.lead) items.push(fmt.format(data[off + i]));
      if (v.summarized) items.push(' ...');
      for (const i of v.trail) items.push(fmt.format(data[off + i]));
      const lines: string[] = [];
      for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
      return '[' + lines.join(',\n' + ' '.repeat(ind + 1)) + ']';
    }
    const slices: string[] = [];
    for (const i of v.lead) slices.push(render(d + 1, off + i * strides[d], ind + 1));
    if (v.summarized) slices.push('...');
    for (const i of v.trail) slices.push(render(d + 1, off + i * strides[d], ind + 1));
    return '[' + slices.join(',' + '\n'.repeat(ndim - d - 1) + ' '.repeat(ind + 1)) + ']';
  };
  return render(0, 0, indent);
}

/** Python's str(tuple(shape)): '(2, 0)', '(0,)', '()'. */
export function pyShapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return '(' + shape.join(', ') + ')';
}

/** torch._tensor_str._add_suffixes (closing parenthesis included). */
export function addSuffixes(tensorStr: string, suffixes: readonly string[], indent: number, linewidth: number): string {
  let out = tensorStr;
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf('\n') + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > linewidth) {
      out += ',\n' + ' '.repeat(indent) + suffix;
      lastLineLen = indent + suffix.length;
    } else {
      out += ', ' + suffix;
      lastLineLen += suffix.length + 2;
    }
  }
  return out + ')';
}

/** The full `tensor(...)` repr (== str(t)) of a plain tensor. */
export function formatTensor(t: ReprInput, opts: PrintOptions): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const defaultFloat = t.defaultFloatDtype ?? 'float32';
  let numel = 1;
  for (const s of t.shape) numel *= s;
  const suffixes: string[] = [];
  let body: string;
  if (numel === 0) {
    // the shape is shown unless it is (0,); an empty tensor shows any non-default-float dtype
    if (t.shape.length !== 1) suffixes.push('size=' + pyShapeTuple(t.shape));
    if (t.dtype !== defaultFloat) suffixes.push('dtype=' + torchName(t.dtype));
    body = '[]';
  } else {
    if (t.dtype !== defaultFloat && t.dtype !== 'int64' && t.dtype !== 'bool') {
      suffixes.push('dtype=' + torchName(t.dtype));
    }
    body = formatTensorBody(t, opts, indent);
  }
  if (t.gradFn !== undefined) suffixes.push(`grad_fn=<${t.gradFn}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  return addSuffixes(prefix + body, suffixes, indent, opts.linewidth);
}
