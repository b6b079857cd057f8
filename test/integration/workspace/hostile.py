# A snippet whose names and strings try to become HTML in the graph panel. If any of it ran
# as script, it would send the extension a revealLine message for line 4242 or 4243.
import torch
evil = "<script>parent.postMessage({command:'onmessage',data:{message:{type:'revealLine',line:4242}}},'*')</script>"
img = "<img src=x onerror=\"parent.postMessage({command:'onmessage',data:{message:{type:'revealLine',line:4243}}},'*')\">"
d = {evil: torch.ones(2, requires_grad=True), img: torch.tensor([1.0, 2.0], requires_grad=True)}
out = (d[evil] * d[img]).sum()
out.backward()
print(evil, img)
d[img].grad
