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
    # gather's and scatter's shapes: the index no larger than self (and src) apart from dim;
    # an empty index is not checked; a 0-d input's result has the index's shape
    'm.gather(1, torch.zeros(3, 1, dtype=torch.int64))', 'm.gather(1, torch.zeros(3, 0, dtype=torch.int64))',
    'm.gather(0, torch.zeros(1, 4, dtype=torch.int64))', 's.gather(0, torch.tensor([0, 0]))',
    'm.scatter(1, torch.zeros(3, 1, dtype=torch.int64), 1.)', 'x.scatter(0, i, torch.ones(1))',
    'm.scatter(0, torch.zeros(1, 2, dtype=torch.int64), torch.ones(1, 1))',
    'm.scatter(0, torch.zeros(1, 2, dtype=torch.int64), torch.ones(1, 1).double())',
    'm.scatter(0, torch.zeros(1, 2, 1, dtype=torch.int64), torch.ones(1, 1).double())',
    'm.scatter_add(0, torch.zeros(2, 2, dtype=torch.int64), torch.ones(2, 1))',
    'm.scatter_reduce(0, torch.zeros(2, 2, dtype=torch.int64), torch.ones(1, 2), "sum")',
    'm.scatter_(0, torch.zeros(3, 2, dtype=torch.int64) + 5, torch.ones(3, 2))',
    # index_fill counts a negative index from the end
    'm.index_fill(1, torch.tensor([-1]), 5.)', 'm.index_fill(1, torch.tensor([-4]), 5.)',
    'm.index_fill(1, torch.tensor([3]), 5.)', 's.index_fill(0, torch.tensor([1]), 3.)',
    's.index_fill(0, torch.tensor([-1]), 3.)',
    # put's source (put_'s messages, out of place too); index_add's source shape; the
    # masked ops' broadcast message names the mask first
    'm.put(torch.tensor([0, 1]), torch.ones(3))', 'm.put_(torch.tensor([0, 1]), torch.ones(3))',
    'm.put(torch.tensor([0, 13]), torch.ones(3))', 'm.put(torch.tensor([0, 1]), torch.ones(3).double())',
    'm.put(torch.tensor([0, 1]).float(), torch.ones(2))', 'm.put(torch.tensor([0, 1]), torch.ones(1, 2))',
    'm.masked_select(torch.ones(3, 3, dtype=torch.bool))', 'm.masked_scatter(torch.ones(3, 3, dtype=torch.bool), torch.ones(9))',
    'torch.ones(2, 1).masked_select(torch.ones(3, dtype=torch.bool))',
    's.index_add(0, torch.tensor([0, 0]), torch.ones(2))', 's.index_add(0, torch.tensor([0]), torch.ones(1))',
    'm.index_add(0, torch.tensor([0, 1]), torch.ones(2, 5))', 'm.index_add(0, torch.tensor([0, 1]), torch.ones(3, 3))',
    'm.index_add(1, torch.tensor([0]), torch.ones(2))', 'm.index_add(0, torch.tensor([0]), torch.tensor(1.))',
    'x.index_add(0, torch.tensor([0]), torch.tensor(1.))', 'x.index_add(0, torch.tensor([0, 1]), torch.tensor(1.))',
    'm.index_add_(0, torch.tensor([0, 1]), torch.ones(2, 5))', 'm.index_add(0, torch.tensor([0, 1]), torch.ones(2, 3, 1))',
]
