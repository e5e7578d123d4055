"""A torch function mode under which the in-place initialisers (``nn.init``'s and the tensor
methods they call) leave their tensor as it is: for a model built on the meta device, where there
is nothing to fill, and where ``normal_``'s meta kernel, written in Python, makes torch import
``torch._dynamo`` on its first call (~1 s)."""

from __future__ import annotations

from torch.overrides import TorchFunctionMode

INITIALISERS = frozenset(
    {
        "normal_",
        "uniform_",
        "trunc_normal_",
        "xavier_uniform_",
        "xavier_normal_",
        "kaiming_uniform_",
        "kaiming_normal_",
        "orthogonal_",
    }
)


class SkipInit(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__name__", "") in INITIALISERS:
            return args[0] if args else kwargs["tensor"]
        return func(*args, **kwargs)
