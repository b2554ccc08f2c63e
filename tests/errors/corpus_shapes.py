"""Bad calls to views, shape ops, joining and flips."""

CASES = [
    # view and reshape
    'm.view(2.0, 3)', 'm.view(3, 2.0)', 'm.view("a")', 'm.view(None)', 'm.view(-1, -1)', 'm.view(4, 2)',
    'm.view((2, 3), 1)', 'm.view([6])', 'm.view(-2, 3)', 'm.view(torch.float64)', 'm.view(torch.int32)',
    'm.t().view(6)', 'm.view()', 'm.reshape(2.0, 3)', 'm.reshape("a")', 'm.reshape(-1, -1)',
    'm.reshape(5)', 'm.reshape(None)', 'm.reshape()', 'm.reshape((2, 3), 1)', 'torch.reshape(m, 6)',
    'torch.reshape(m, (6.0,))', 'm.view_as(x)', 'm.view_as(None)', 'm.reshape_as(y)', 'e.view(-1, 0)',
    'e.reshape(-1)', 'e.view(0, -1)',
    # permute, transpose, t
    'm.permute(0)', 'm.permute(0, 0)', 'm.permute(0, 2)', 'm.permute(1.0, 0)', 'm.permute((1, 0), 0)',
    'm.permute(None)', 'm.permute()', 'torch.permute(m, 1, 0)', 'torch.permute(m, (1, 0))',
    'm.transpose(0, 2)', 'm.transpose(0)', 'm.transpose(0.0, 1)', 'm.transpose(0, None)',
    'm.transpose("a", "b")', 'torch.transpose(m, 0, 0)', 'm.swapaxes(0, 2)', 'm.unsqueeze(0).t()',
    'torch.t(None)', 'm.mT', 'x.mT', 's.T',
    # squeeze, unsqueeze, expand, flatten
    'm.squeeze(2)', 'm.squeeze(1.0)', 'm.squeeze((0, 0))', 'm.squeeze((0, 5))', 'm.squeeze("a")',
    'm.unsqueeze(3)', 'm.unsqueeze(-4)', 'm.unsqueeze(1.0)', 'm.unsqueeze()', 'm.unsqueeze(None)',
    'm.unsqueeze((0, 1))', 'x.expand(2, 4)', 'x.expand(2)', 'x.expand(2.0, 3)', 'x.expand(-1, 3)',
    'x.expand(3, -1)', 'x.expand(-2)', 'x.expand("a")', 'x.expand(None)', 'x.expand()',
    'x.expand_as(y)', 'x.expand((2, 3), 1)', 'm.flatten(1, 0)', 'm.flatten(0, 2)', 'm.flatten(0.0)',
    'm.flatten("a")', 'm.flatten(start_dim=None)', 'torch.flatten(m, 0, 1, 2)', 's.flatten(0, 1)',
    # narrow, select, split, chunk, unbind
    'm.narrow(1, 2, 2)', 'm.narrow(1, -4, 1)', 'm.narrow(1, 0, -1)', 'm.narrow(2, 0, 1)',
    'm.narrow(1, 0.0, 1)', 'm.narrow(1, 0, 1.5)', 'm.narrow(1, 0)', 'm.select(1, 3)', 'm.select(2, 0)',
    'm.select(1, 1.0)', 'm.select(1)', 'm.select(1, None)', 'x.split(0)', 'x.split(-1)',
    'x.split(1.5)', 'x.split([1, 1])', 'x.split([1, 3])', 'x.split([1, -1, 3])', 'x.split([1.0, 2.0])',
    'x.split((1, 2), 1)', 'x.split(None)', 'x.split("a")', 'x.split(1, 1)', 'torch.split(x, 0)',
    'torch.split(x, [2])', 'm.split(1, 2)', 'x.chunk(0)', 'x.chunk(-1)', 'x.chunk(1.5)',
    'x.chunk(2, 1)', 'x.chunk("a")', 'x.chunk(None)', 'm.unbind(2)', 'm.unbind(1.0)', 's.unbind()',
    'm.unbind(None)', 'torch.unbind(m, 0, 1)', 'x.tensor_split(0)',
    # joining
    'torch.cat(x)', 'torch.cat(x, 0)', 'torch.cat([x, None])', 'torch.cat([x, 1.0])', 'torch.cat([x, [1.]])',
    'torch.cat([x, y], 1)', 'torch.cat([x, m])', 'torch.cat([m, m], 2)', 'torch.cat([m, m], 1.0)',
    'torch.cat([m, m], "a")', 'torch.cat([])', 'torch.cat(())', 'torch.cat([s, s])', 'torch.cat(x, y)',
    'torch.cat([x, d])', 'torch.cat([x, n])', 'torch.cat([x, b])', 'torch.cat([z, x])', 'torch.cat([x], dim=None)',
    'torch.cat([m, m], axis=1)', 'torch.cat((m, m.t()))', 'torch.cat([e, x])', 'torch.cat([e, m])',
    'torch.cat([x, x], out=x)', 'torch.concat(x)', 'torch.concatenate([x, y], 1)',
    'torch.stack(x)', 'torch.stack([x, y])', 'torch.stack([x, None])', 'torch.stack([])', 'torch.stack([x, x], 2)',
    'torch.stack([x, x], -3)', 'torch.stack([x, x], 1.0)', 'torch.stack([x, d])', 'torch.stack([x, n])',
    'torch.stack([x, x], axis=1)', 'torch.stack((s, x))', 'torch.stack([x, [1., 2., 3.]])',
    'torch.hstack([x, m])', 'torch.vstack([x, y])',
    # flip, repeat, tril, triu
    'm.flip(0, 0)', 'm.flip((1, -1))', 'm.flip(2)', 'm.flip(1.0)', 'm.flip()', 'm.flip(None)',
    'torch.flip(m, 0)', 'torch.flip(m, (0, 0))', 'torch.flip(m, [])', 'torch.flip(m)', 'x.flip((0,), 0)',
    'm.repeat(2)', 'm.repeat(2, -1)', 'm.repeat(2.0, 1)', 'm.repeat()', 'm.repeat(None)', 'm.repeat("a")',
    'x.repeat(0)', 'torch.tril(x)', 'torch.triu(x)', 'torch.tril(m, 1.5)', 'torch.tril(m, "a")', 'torch.tril(s)',
    'm.roll(1, 2)', 'torch.roll(m, (1, 2), 0)',
    # sizes and dims
    'm.size(2)', 'm.size(1.0)', 'm.size("a")', 'm.size(None)', 'm.stride(2)', 'm.stride(1.0)', 's.size(0)',
    's.size(1)', 'm.dim(0)', 'm.numel(0)', 'len(s)', 'iter(s)', 'm.shape[2]', 'm.shape["a"]',
    'torch.Size([2, 3.0])', 'torch.Size([2, -1])', 'torch.Size("ab")', 'torch.Size(2)', 'torch.Size([2]) + [3]',
    # clone, contiguous, detach, conversions
    'm.clone(1)', 'm.clone(memory_format="a")', 'm.contiguous(1)', 'm.detach(1)', 'torch.clone(None)',
    'x.item()', 'e.item()', 'int(x)', 'float(x)', 'float(e)', 'bool(x)', 'bool(e)', 'complex(x)',
    'x.tolist(1)', 'm[0].numpy(1)', 'w.numpy()', 'np.array(w)', 'np.asarray(w)', 'np.array(h)',
    'np.array(x)', 'np.array(w.detach())', 'w.tolist()', 'w.item', 'x.__index__()', 'range(n)', 'range(s)',
    '[1, 2, 3, 4][torch.tensor(1)]', '[1, 2, 3, 4][torch.tensor(1.)]', '[1, 2, 3, 4][torch.tensor([1])]',
    'hash(x) == id(x)', 'x.float(1)', 'x.long(memory_format=None)', 'x.double("a")', 'x.int().float()',
    # broadcast_shapes: ints and sequences of ints only
    'torch.broadcast_shapes(m, m)', 'torch.broadcast_shapes((2,), m)', 'torch.broadcast_shapes(2.5)',
    'torch.broadcast_shapes((2,), (3,))', 'torch.broadcast_shapes((2,), [3])',
    'torch.broadcast_shapes((-1,))', 'torch.broadcast_shapes((1,), (-1,))',
    'torch.broadcast_shapes((2.0,))', 'torch.broadcast_shapes()', 'torch.broadcast_shapes(None, (2,))',
    'torch.broadcast_shapes((2, 3), (4, 1, 3))',
]
