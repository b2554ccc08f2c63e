"""Bad calls to autograd: backward, grad, hooks, grad modes, attributes; and printing."""

CASES = [
    # attributes
    'h.grad_fn = None', 'w.grad_fn = h.grad_fn', 'x.grad_fn = 1', 'w.requires_grad = "yes"',
    'x.requires_grad = 1', 'n.requires_grad = True', 'h.requires_grad = False', 'h.requires_grad = True',
    'x.requires_grad_("yes")', 'x.requires_grad_(None)', 'n.requires_grad_()', 'b.requires_grad_()',
    'z.requires_grad_()', 'w.grad = x', 'w.grad = y', 'w.grad = d', 'w.grad = [1., 2., 3.]', 'w.grad = 1.0',
    'w.grad = n', 'w.grad = w', 'del w.grad', 'x.is_leaf = False', 'x.shape = (3, 1)', 'x.dtype = torch.int64',
    'x.data = n', 'w.data = n', 'w.data = y', 'x.data = [1., 2.]', 'x.data = None', 'x.device = "cpu"',
    'x._version = 2', 'x.ndim = 2', 'x.T = x', 'x.grad_fn', 'h.grad', 'w.foo', 'x.is_cuda', 'x.device',
    # backward
    'h.backward()', 'w.backward()', 'x.backward()', 's.backward()', 'h.sum().backward(1.)',
    'h.sum().backward(torch.tensor([1.]))', 'h.sum().backward(torch.tensor(1., dtype=torch.float64))',
    'h.backward(torch.ones(2))', 'h.backward(torch.ones(3, dtype=torch.float64))', 'h.backward(x)\nw.grad',
    'h.backward(n)', 'h.backward([1., 1., 1.])', 'h.backward(None)', 'h.backward(retain_graph="a")\nw.grad',
    'h.sum().backward(inputs=[])', 'h.sum().backward(inputs=[x])', 'h.sum().backward(inputs=x)',
    'h.sum().backward(inputs=[h])\nh.grad', 'h.sum().backward(inputs=w)\nw.grad',
    'v = h.sum()\nv.backward()\nv.backward()', 'v = h.sigmoid().sum()\nv.backward()\nv.backward()',
    'v = h.sum()\nv.backward(retain_graph=True)\nv.backward()\nw.grad',
    'torch.autograd.backward(h)', 'torch.autograd.backward(h.sum(), 1.)', 'torch.autograd.backward([h.sum(), x])',
    'torch.autograd.backward(None)', 'torch.autograd.backward([])', 'torch.autograd.backward(h.sum(), grad_tensors=[1., 2.])',
    # grad
    'torch.autograd.grad(h.sum(), x)', 'torch.autograd.grad(h.sum(), [w, x])', 'torch.autograd.grad(h.sum(), h)',
    'torch.autograd.grad(h.sum(), [])', 'torch.autograd.grad(h, w)', 'torch.autograd.grad(x.sum(), x)',
    'torch.autograd.grad(h.sum(), w, torch.ones(2))', 'torch.autograd.grad(h.sum(), w, allow_unused="a")',
    'v = torch.ones(3, requires_grad=True)\ntorch.autograd.grad(h.sum(), [w, v])',
    'v = torch.ones(3, requires_grad=True)\ntorch.autograd.grad(h.sum(), [w, v], allow_unused=True)',
    'v = torch.ones(3, requires_grad=True)\ntorch.autograd.grad(h.sum(), [w, v], materialize_grads=True)',
    'torch.autograd.grad(h.sum(), w, is_grads_batched=True)', 'torch.autograd.grad(h.sum(), None)',
    'torch.autograd.grad(None, w)', 'torch.autograd.grad(h.sum(), [w, w])', 'torch.autograd.grad(h.sum(), (w,), (None,))',
    'torch.autograd.grad([h.sum(), h.sum()], w, [None])', 'torch.autograd.grad(h.sum(), w.detach())',
    # hooks and retain_grad
    'x.register_hook(lambda g: g)', 'w.register_hook(1)', 'w.register_hook(None)',
    'w.register_hook(lambda g: torch.ones(2))\nh.sum().backward()',
    'w.register_hook(lambda g: g.double())\nh.sum().backward()\nw.grad',
    'w.register_hook(lambda g: 1.0)\nh.sum().backward()', 'w.register_hook(lambda g: [g])\nh.sum().backward()',
    'h.register_hook(lambda g: torch.ones(4))\nh.sum().backward()', 'w.register_hook(lambda: None)\nh.sum().backward()',
    'x.retain_grad()', 'n.retain_grad()', 'h.register_post_accumulate_grad_hook(lambda t: None)',
    'x.register_post_accumulate_grad_hook(lambda t: None)', 'h.grad_fn.register_hook(1)',
    'h.grad_fn.register_prehook(None)', 'h.grad_fn(1)', 'h.grad_fn.next_functions = ()',
    'h.grad_fn()', 'h.grad_fn.name(x=1)', 'h.grad_fn.next_functions[0][0].name(1, 2)', 'h.grad_fn(None, None)', 'h.sort().values.grad_fn(x, x)', 'del h.grad_fn.next_functions',
    'torch.autograd.grad(h.sum(), w, allow_unused=1.5)', 'torch.autograd.grad(h.sum(), w, allow_unused=[])',
    'h.grad_fn.name(1)', 'h.grad_fn._saved_self', 'h.grad_fn._saved_foo', 'w.grad_fn',
    # grad modes
    'torch.set_grad_enabled("yes")', 'torch.set_grad_enabled()', 'torch.set_grad_enabled(None)',
    'torch.no_grad(1)', 'torch.enable_grad(True)', 'torch.inference_mode("a").__enter__()',
    'with torch.no_grad():\n    v = w * 2\nv.requires_grad',
    'with torch.no_grad():\n    v = w * 2\nv.backward(torch.ones(3))',
    'with torch.inference_mode():\n    t = torch.ones(2)\nt.requires_grad_()',
    'with torch.inference_mode():\n    t = torch.ones(2)\n(t * w[:2]).sum()',
    'with torch.inference_mode():\n    t = torch.ones(3)\nw * t',
    'with torch.inference_mode():\n    t = torch.ones(3)\nt._version',
    'with torch.inference_mode():\n    t = w * 2\nt.backward(torch.ones(3))',
    # detach, numpy, scalars of tensors that require grad
    'w.numpy(force=True)', 'h.numpy()', 'float(w[0])', 'int(w[0])', 'w[0].item()', 'bool(w[0])',
    'np.asarray(h)', 'np.sum(w)', 'np.exp(w)', 'np.add(w, 1)', 'x.numpy(force="a")',
    # printing
    'format(x, ".2f")', 'format(s, ".2f")', 'format(x, "x")', '"{:5}".format(x)', 'torch.set_printoptions(precision="a")',
    'torch.set_printoptions(foo=1)', 'torch.set_printoptions(profile="nope")', 'torch.set_printoptions(threshold=None)',
    'x.__repr__(1)', 'repr(e)', 'repr(torch.tensor([]))', 'repr(torch.ones(0, 2, dtype=torch.int64))',
    'repr(torch.tensor(float("nan")))', 'repr(torch.tensor([float("inf"), -float("inf"), float("nan")]))',
    # index tensors saved by index and index_put, written before the backward
    'g = h[i]\ni.add_(0)\ng.sum().backward()', 'g = h[b]\nb.logical_not_()\ng.sum().backward()',
    'h[i] = w[:2]\ni.zero_()\nh.sum().backward()', 'h[b] = 0.\nb.logical_not_()\nh.sum().backward()',
    'g = h.index_put((i,), w[:2], accumulate=True)\ni.add_(1)\ng.sum().backward()',
    'g = h[i.int()]\ni.add_(0)\ng.sum().backward()\nw.grad',
    'k = i.clone()\ng = h[k]\nk[0] = 1\ng.sum().backward()',
    # in-place writes through view_as_complex / view_as_real, and their backward
    'c = torch.view_as_complex(h.reshape(3, 1).expand(3, 2).contiguous())\nc.mul_(2)\nc.abs().sum().backward()\nw.grad',
    'p = torch.stack([h, h], -1)\nc = torch.view_as_complex(p)\nc.mul_(1j)\np.sum().backward()\nw.grad',
    'p = torch.stack([h, h], -1)\nc = torch.view_as_complex(p)\np.mul_(2)\n(c * c).abs().sum().backward()\nw.grad',
    'p = torch.stack([h, h], -1)\nc = torch.view_as_complex(p)\nc[0] = 1j\np.sum().backward()\nw.grad',
    'p = torch.stack([h, h], -1)\nc = torch.view_as_complex(p)\ntorch.view_as_real(c)[0].zero_()\np.sum().backward()\nw.grad',
    'p = torch.stack([w, w], -1)\ntorch.view_as_complex(p).mul_(2)\ng, = torch.autograd.grad((p * p).sum(), w, create_graph=True)\ntorch.autograd.grad(g.sum(), w)',
    'c = torch.view_as_complex(w.reshape(3, 1).expand(3, 2))\nc.mul_(2)',
    # the engine refuses a gradient its input's shape does not broadcast to (scatter_add's
    # src longer than its index)
    'torch.zeros(4).scatter_add(0, i, w).sum().backward()',
    'torch.zeros(2, 4).scatter_add(1, i.view(1, 2), w.view(1, 3)).sum().backward()',
    'sa = torch.zeros(4).scatter_add(0, i, w)\nsa.grad_fn.register_hook(lambda gi, go: None)\nsa.sum().backward()',
    # a hook with no __name__ (a callable object) is named '<unknown>' in the hook errors
    'hh = w * 1\nhh.register_hook(type("H", (), {"__call__": lambda self, g: g[:2]})())\nhh.sum().backward()',
    'hh = w * 1\nhh.register_hook(type("H", (), {"__call__": lambda self, g: g.double()})())\nhh.sum().backward()',
    # a leaf's grad_dtype under create_graph: the recorded gradient is cast, and copied
    'v = torch.tensor([1., 2.], requires_grad=True)\nv.grad_dtype = torch.float64\n(v * v).sum().backward(create_graph=True)\nv.grad',
    # a leaf's first gradient under create_graph is a copy at version 1; a second gradient
    # accumulated while a dual level is open (the engine's gradients are Tensors then)
    '(w * w).sum().backward(create_graph=True)\nw.grad._version',
    'with torch.autograd.forward_ad.dual_level():\n    (w * w).sum().backward()\n    (w * 3).sum().backward()\nw.grad',
    # a .grad of another kind (grad_dtype None allows one): the accumulation refuses the cast
    'v = torch.tensor([1., 2.], requires_grad=True)\nv.grad_dtype = None\nv.grad = torch.tensor([1, 2])\n(v * v).sum().backward()',
    'v = torch.tensor([1., 2.], requires_grad=True)\nv.grad_dtype = None\nv.grad = torch.tensor([1., 2.]).double()\n(v * v).sum().backward()\nv.grad',
    # accumulation into an existing .grad: recorded under create_graph, in place (one version
    # a pass) otherwise, within the kind of a .grad of another dtype
    'w.grad = torch.ones(3)\n(w * w).sum().backward(create_graph=True)\nw.grad',
    '(w * w).sum().backward()\n(w * w).sum().backward()\n(w * w).sum().backward()\nw.grad._version',
    'v = torch.tensor([1., 2.], requires_grad=True)\nv.grad_dtype = None\nv.grad = torch.tensor([1., 2.]).half()\n(v * v).sum().backward()\nv.grad',
]
