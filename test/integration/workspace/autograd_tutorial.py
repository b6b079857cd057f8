# Autograd: the gradient calculator built into PyTorch.
# The cells of a classic tutorial (In [1] .. In [26]), with torch.manual_seed(0)
# added so that the random numbers are the same every run.
# Run it with:  npx autograd-lens run examples/autograd_tutorial.py
# %%
import torch as tc
tc.manual_seed(0)

# %%
# randn gives a random from a normal distribution with mean 0 and sd 1
x = tc.randn(3, requires_grad=True)
x

# %%
y = x + 2
y

# %%
# PyTorch creates a gradient function and applies it during back propagation.
z = y * y * 2
z

# %%
z = z.mean()
z

# %%
# Calculate the gradient of z with respect to x: dz/dx
z.backward()

# %%
# The gradients are stored in .grad
x.grad

# %%
# Gradients can only be created implicitly for scalar outputs; otherwise pass
# backward a vector v of the same size (a vector-Jacobian product).
x = tc.randn(3, requires_grad=True)
y = x + 2
z = y * y * 2
v = tc.tensor([0.1, 1.0, 0.001], dtype=tc.float32)
z.backward(v)
x.grad

# %%
# Three ways to stop tracking: requires_grad_(False), detach(), torch.no_grad()
x = tc.randn(3, requires_grad=True)
x.requires_grad_(False)
x

# %%
x = tc.randn(3, requires_grad=True)
y = x.detach()
y

# %%
x = tc.randn(3, requires_grad=True)
with tc.no_grad():
    y = x + 2
y

# %%
# Every backward() call accumulates (sums) into .grad
weights = tc.ones(4, requires_grad=True)
for epoch in range(3):
    model_output = (weights * 3).sum()
    model_output.backward()
    print(weights.grad)

# %%
# ... so empty the gradient before the next optimization step
weights = tc.ones(4, requires_grad=True)
for epoch in range(3):
    model_output = (weights * 3).sum()
    model_output.backward()
    print(weights.grad)
    weights.grad.zero_()

# %%
# The same with PyTorch's built-in optimizer
weights = tc.ones(4, requires_grad=True)
optimizer = tc.optim.SGD([weights], lr=0.01)
optimizer.step()
optimizer.zero_grad()
weights
