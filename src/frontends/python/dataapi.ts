import { ops, Tensor } from '../../core';
import * as rng from '../../core/random/distributions';
import { Generator } from '../../core/random/generator';
import { Args } from './args';
import { Interpreter } from './interp';
import type { TorchRuntime } from './torchapi';
import { PyBuiltin, PyClass, PyDict, PyError, PyInstance, PyIterator, PyList, PyModule, PyTuple, PyValue } from './values';

interface LoaderState {
  dataset: PyValue;
  batchSize: number | null;
  shuffle: boolean;
  dropLast: boolean;
  generator: Generator | null;
}

/**
 * torch.utils.data: Dataset, TensorDataset and a single-process DataLoader with 1.13's
 * default_collate and RandomSampler (a fresh generator seeded from the default one's
 * random64(), then randperm). Every iteration first draws the iterator's base seed, so it
 * advances the generator even without shuffling, as PyTorch does.
 */
export function installData(ip: Interpreter, rt: TorchRuntime, torch: PyModule, generatorOf: (v: PyValue) => Generator | null): void {
  const data = new PyModule('torch.utils.data');
  const native = (cls: PyClass, name: string, fn: (self: PyInstance, a: Args) => PyValue) =>
    cls.dict.set(name, new PyBuiltin(name, (args, kw) => fn(args[0] as PyInstance, new Args(name, args.slice(1), kw, true, cls.name))));

  const Dataset = new PyClass('Dataset', [], 'torch.utils.data.dataset');
  native(Dataset, '__getitem__', (self) => {
    throw new PyError('NotImplementedError', `Subclasses of Dataset should implement __getitem__.`);
  });
  data.attrs.set('Dataset', Dataset);

  const TensorDataset = new PyClass('TensorDataset', [Dataset], 'torch.utils.data.dataset');
  native(TensorDataset, '__init__', (self, a) => {
    const ts = a.args as Tensor[];
    if (ts.some((t) => !(t instanceof Tensor))) throw new PyError('TypeError', 'TensorDataset expects tensors');
    if (ts.some((t) => t.shape[0] !== ts[0].shape[0])) throw new PyError('AssertionError', 'Size mismatch between tensors');
    self.dict.set('tensors', new PyTuple(ts));
    return null;
  });
  native(TensorDataset, '__getitem__', (self, a) => {
    const ts = (self.dict.get('tensors') as PyTuple).items;
    const idx = a.get(0, 'index');
    return new PyTuple(ts.map((t) => ip.getitem(t, idx)));
  });
  native(TensorDataset, '__len__', (self) => BigInt(((self.dict.get('tensors') as PyTuple).items[0] as Tensor).shape[0]));
  data.attrs.set('TensorDataset', TensorDataset);

  /** default_collate: tensors are stacked, numbers become tensors, tuples/lists collate per field (a list), dicts per key. */
  const collate = (batch: PyValue[]): PyValue => {
    const e = batch[0];
    if (e instanceof Tensor) return ops.stack(batch as Tensor[], 0);
    if (typeof e === 'number') return rt.tensorFromData(new PyList(batch), 'float64');
    if (typeof e === 'bigint' || typeof e === 'boolean') return rt.tensorFromData(new PyList(batch));
    if (typeof e === 'string') return new PyList(batch);
    if (e instanceof PyDict) {
      const d = new PyDict();
      for (const k of e.keys()) d.set(k, collate(batch.map((b) => (b as PyDict).get(k)!)));
      return d;
    }
    if (e instanceof PyTuple || e instanceof PyList) {
      const n = e.items.length;
      if (batch.some((b) => (b as PyTuple).items.length !== n)) throw new PyError('RuntimeError', 'each element in list of batch should be of equal size');
      return new PyList(e.items.map((_, i) => collate(batch.map((b) => (b as PyTuple).items[i]))));
    }
    throw new PyError('TypeError', `default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found ${ip.typeName(e)}`);
  };

  const DataLoader = new PyClass('DataLoader', [], 'torch.utils.data.dataloader');
  const st = (self: PyInstance) => self.native as LoaderState;
  native(DataLoader, '__init__', (self, a) => {
    const bs = a.get(1, 'batch_size', 1n);
    for (const k of ['sampler', 'batch_sampler', 'collate_fn']) {
      if (a.kw.has(k) && a.kw.get(k) !== null) throw new PyError('NotImplementedError', `DataLoader(${k}=...) is not supported by Autograd Lens yet`);
    }
    const workers = a.kw.get('num_workers');
    if (workers !== undefined && Number(workers) !== 0) throw new PyError('NotImplementedError', 'DataLoader(num_workers>0) is not supported by Autograd Lens (it runs in one process)');
    const gen = a.kw.get('generator');
    self.native = {
      dataset: a.get(0, 'dataset'),
      batchSize: bs === null ? null : Number(bs),
      shuffle: a.bool(2, 'shuffle', false),
      dropLast: a.kw.get('drop_last') === true,
      generator: gen === undefined || gen === null ? null : generatorOf(gen),
    } satisfies LoaderState;
    self.dict.set('dataset', st(self).dataset);
    self.dict.set('batch_size', bs);
    self.dict.set('drop_last', st(self).dropLast);
    return null;
  });
  const order = (s: LoaderState): number[] => {
    const n = ip.len(s.dataset);
    if (!s.shuffle) return [...Array(n).keys()];
    let g = s.generator;
    if (!g) {
      // RandomSampler: seed = int(torch.empty((), dtype=torch.int64).random_().item())
      const seed = rt.gen.random64() % (1n << 63n);
      g = new Generator(seed);
    }
    return Array.from(rng.randperm(g, n));
  };
  native(DataLoader, '__iter__', (self) => {
    const s = st(self);
    // 1.13's _BaseDataLoaderIter draws its _base_seed first: torch.empty((), dtype=torch.int64).random_(generator=loader.generator)
    (s.generator ?? rt.gen).random64();
    const idx = order(s);
    function* batches(): Generator_<PyValue> {
      if (s.batchSize === null) {
        for (const i of idx) yield ip.getitem(s.dataset, BigInt(i));
        return;
      }
      for (let k = 0; k < idx.length; k += s.batchSize) {
        const part = idx.slice(k, k + s.batchSize);
        if (part.length < s.batchSize && s.dropLast) return;
        yield collate(part.map((i) => ip.getitem(s.dataset, BigInt(i))));
      }
    }
    return new PyIterator(batches(), '_SingleProcessDataLoaderIter');
  });
  native(DataLoader, '__len__', (self) => {
    const s = st(self);
    const n = ip.len(s.dataset);
    if (s.batchSize === null) return BigInt(n);
    return BigInt(s.dropLast ? Math.floor(n / s.batchSize) : Math.ceil(n / s.batchSize));
  });
  data.attrs.set('DataLoader', DataLoader);

  const utils = (torch.attrs.get('utils') as PyModule | undefined) ?? new PyModule('torch.utils');
  utils.attrs.set('data', data);
  torch.attrs.set('utils', utils);
  ip.modules.set('torch.utils', utils);
  ip.modules.set('torch.utils.data', data);
}

type Generator_<T> = globalThis.Generator<T, void, unknown>;
