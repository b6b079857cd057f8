/** Python programs for the trace-level workloads. */

/** 100 epochs of a 2-layer network with SGD, as the training-pipeline lesson writes it. */
export const TRAIN_100 = `# %%
import torch
import torch.nn as nn

torch.manual_seed(0)
X = torch.randn(64, 4)
Y = torch.randn(64, 1)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for epoch in range(100):
    optimizer.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    optimizer.step()
print(loss)
`;
