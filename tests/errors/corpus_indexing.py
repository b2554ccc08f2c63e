"""Bad indices, and index assignment: dtypes, shapes, overlaps."""

CASES = [
    # reads
    'x[1.0]', 'x[1.5]', 'x[torch.tensor(1.)]', 'x[torch.tensor([1.])]', 'x[[0., 1.]]', 'x[[0.5]]',
    'x[[0, 1.]]', 'x[[1, 2.5]]', 'm[[0., 1.], [1., 2.]]', 'm[[[0., 1.]]]', 'x["a"]', 'x[None, "a"]',
    'x[{}]', 'x[object()]', 'x[3]', 'x[-4]', 'x[[3]]', 'x[[-4]]', 'x[torch.tensor([3])]', 'x[i + 3]',
    'x[torch.tensor([True, False])]', 'x[torch.tensor([[True, False, True]])]', 'm[b]', 'm[:, b[:2]]',
    'x[0, 0]', 'm[0, 0, 0]', 'm[..., ...]', 'x[::0]', 'x[::-1]', 'x[::-2]', 'x[::1.0]', 'x[0.:2.]',
    'x[:torch.tensor(2)]', 'x[:torch.tensor(2.)]', 'x[torch.tensor([[0], [1]])]', 'x[n]', 'x[[True, False]]',
    'x[[True, False, True]]', 'x[(True, False, True)]', 'x[i.float()]', 'x[i.int()]', 'x[i.to(torch.uint8)]',
    'x[i.to(torch.int8)]', 'x[i.to(torch.int16)]', 'x[b.to(torch.uint8)]', 'x[n.to(torch.uint8) - 1]',
    'm[i, i]', 'm[i, [0, 1, 2]]', 'm[[0, 1], [0]]', 'm[[0, 1], [0, 1, 2]]', 'm[0, [0, 3]]', 'x[None][1, 0]',
    's[0]', 's[None, 1]', 's[True]', 's[False]', 'x[True, True]', 'e[0]', 'e[:, 5]', 'e[[0]]', 'x[[]]',
    'x[torch.tensor([], dtype=torch.float32)]', 'x[torch.tensor([])]', 'x[np.array([0.5])]', 'x[np.float64(1.0)]',
    'x[np.int64(1)]', 'x[np.array([1, 2])]', 'x[np.array([True, False, True])]', 'x[slice(0, 2, 0)]',
    'x[z]', 'x[d]',
    # writes: dtypes
    'x[i] = d[:2]', 'x[i] = n[:2]', 'x[i] = b[:2]', 'x[i] = z', 'n[i] = x[:2]', 'n[i] = 1.5', 'b[i] = x[:2]',
    'x[b] = d[:2]', 'x[b] = torch.tensor([1., 2.], dtype=torch.float64)', 'x[b] = torch.tensor([1, 2])',
    'x[[0, 1]] = torch.tensor([1., 2.], dtype=torch.float64)', 'x[0] = d[0]', 'x[0:2] = d[:2]', 'x[:] = d',
    'x[...] = d', 'x[0] = z[0]', 'x[0:2] = z', 'n[0] = 1.5', 'n[:] = x', 'n[0] = x[0]', 'b[:] = x', 'x[:] = n',
    'x[0] = "a"', 'x[0] = None', 'x[0] = [1., 2.]', 'x[:] = [1., 2., 3.]', 'x[:] = [1., 2.]', 'x[i] = [1., 2.]',
    'x[i] = [1., 2., 3.]', 'x[i] = None', 'x[i] = "a"', 'x[:2] = torch.tensor(1., dtype=torch.float64)',
    'x[i] = torch.tensor(1., dtype=torch.float64)', 'x[i] = 1e40', 'n[0] = 2**70', 'n[i] = 2**70',
    'torch.tensor([1], dtype=torch.uint8)[0] = 300', 'torch.tensor([1], dtype=torch.int8)[0] = -200',
    'x[i] = s.double()', 'x[b] = 5', 'x[b] = torch.tensor([1., 2., 3.])', 'x[b] = torch.tensor([1., 2.]).double()',
    # writes: shapes and indices
    'x[i] = torch.tensor([1., 2., 3.])', 'x[:2] = y', 'x[0] = x', 'm[0] = y', 'm[:, 0] = x', 'm[i[:1]] = y',
    'x[5] = 1.', 'x[[5]] = 1.', 'x[1.0] = 2.', 'x[[0.]] = 2.', 'x["a"] = 1.', 'x[::0] = 1.', 'x[::-1] = 1.',
    'x[0, 0] = 1.', 'x[i.float()] = 1.', 'x[torch.tensor([True, False])] = 1.', 'x[i] = torch.ones(1, 2)',
    'x[i] = torch.ones(2, 1)', 'x[i] = torch.ones(1, 1, 2)', 'm[i[:1]] = torch.ones(1, 1, 3)', 's[0] = 1.',
    's[...] = x', 's[None] = 3.', 'e[0] = 1.',
    # writes: overlap and aliasing
    'x[1:] = x[:-1]', 'x[:2] = x[1:]', 'x[i] = x[[1, 2]]', 'm[0] = m[1]', 'x[:] = x', 'x[:] = x.flip(0)',
    'x[...] = x[0]', 'x[i] = x[i]', 'm[:, 1:] = m[:, :-1]', 'm[:] = m.t().t()',
    'x.expand(2, 3)[0] = 1.', 'x.expand(2, 3)[:] = y[:3]', 'x.expand(2, 3)[i] = 1.',
    # writes and autograd
    'w[0] = 5.', 'w[i] = 5.', 'w[b] = 5.', 'h[0] = 5.', 'h[0] = w[0]', 'x[0] = w[0]', 'x[i] = w[:2]',
    'x[0] = h[0]', 'x[:] = w', 'w.detach()[0] = 5.', 'w[0]', 'w[i]', 'w[1.0]', 'w[[0.]]', 'h[i] = d[:2]',
    'h[:] = n', 'h[0] = "a"',
    # 0-dim boolean and byte indices: an unsqueeze and a [0] or [] index (a CopySlices when
    # written), with the shape checks of the index tensors beside them
    'h[torch.tensor(True)] = 5.', 'h[torch.tensor(False)] = 5.', 'h[torch.tensor(True)] = w',
    'h[torch.tensor(True)] += 1', 'h[torch.tensor(False), i] = 5.', 'h[torch.tensor(True), i] = 5.',
    'h[torch.tensor(True), 5] = 1.', 'm[1, torch.tensor(True)]', 'm[torch.tensor(True), :, torch.tensor(False)]',
    's[torch.tensor(True)]', 's[torch.tensor(False)] = 1.', 'x[torch.tensor(1, dtype=torch.uint8)]',
    'x[torch.tensor(True), torch.tensor(True), torch.tensor(True)]', 'h[torch.tensor([True])] = 5.',
    'w[torch.tensor(True)] = 5.', 'h.index_put_((torch.tensor(True),), torch.tensor(1.))',
    'torch.index_put(h, (torch.tensor(False),), torch.tensor([1., 2.]))',
    # index_select's bounds: the matrix kernel's dim-1 loop has its own message; a 0-d
    # input takes one index
    'm.index_select(1, torch.tensor([-1]))', 'm.index_select(1, torch.tensor([0, 3, -1]))',
    'm.index_select(0, torch.tensor([-1]))', 'x.index_select(0, torch.tensor([-1]))',
    'x.index_select(0, torch.tensor([3]))', 'e.index_select(0, torch.tensor([0]))',
    'torch.zeros(2, 0).index_select(1, torch.tensor([0]))', 's.index_select(0, torch.tensor([0, 0]))',
    's.index_select(0, torch.tensor([], dtype=torch.int64))', 's.index_select(0, torch.tensor([-1]))',
    's.index_select(0, torch.tensor([0]))', 'torch.index_select(s, 0, torch.tensor(0))',
]
