import * as assert from 'assert';
import { run } from './snippet';

/** torch/utils/data/{dataset,dataloader,sampler,_utils/collate}.py of 1.13. */
describe('coverage: torch.utils.data', () => {
  it('TensorDataset items are tuples; DataLoader batches are lists collated by stacking', () => {
    assert.strictEqual(
      run(`import torch
from torch.utils.data import DataLoader, TensorDataset
ds = TensorDataset(torch.arange(10.).reshape(5, 2), torch.tensor([0, 1, 0, 1, 1]))
print(len(ds), ds[0])
loader = DataLoader(ds, batch_size=2)
print(len(loader))
for i, (xb, yb) in enumerate(loader):
    print(i, xb.shape, yb)
print(next(iter(DataLoader(ds, batch_size=3))))`),
      '5 (tensor([0., 1.]), tensor(0))\n3\n0 torch.Size([2, 2]) tensor([0, 1])\n1 torch.Size([2, 2]) tensor([0, 1])\n2 torch.Size([1, 2]) tensor([1])\n' +
        '[tensor([[0., 1.],\n        [2., 3.],\n        [4., 5.]]), tensor([0, 1, 0])]\n',
    );
  });

  it('a Dataset subclass of Python numbers collates floats to float64 and ints to int64; drop_last', () => {
    assert.strictEqual(
      run(`import torch
from torch.utils.data import Dataset, DataLoader
class MyData(Dataset):
    def __init__(self):
        self.x = [1.0, 2.0, 3.0]
        self.y = [1, 0, 1]
    def __len__(self):
        return len(self.x)
    def __getitem__(self, i):
        return self.x[i], self.y[i]
loader = DataLoader(MyData(), batch_size=2, drop_last=True)
print(len(loader))
for batch in loader:
    print(batch)`),
      '1\n[tensor([1., 2.], dtype=torch.float64), tensor([1, 0])]\n',
    );
  });

  it('iterating a DataLoader draws one random64 for its base seed, shuffled or not', () => {
    assert.strictEqual(
      run(`import torch
from torch.utils.data import DataLoader
torch.manual_seed(0)
for _ in DataLoader([1, 2, 3]):
    pass
a = torch.rand(1)
torch.manual_seed(0)
torch.empty((), dtype=torch.float64).uniform_()
print(torch.equal(a, torch.rand(1)))`),
      'True\n',
    );
  });
});
