"""Corpus cases dyngrad does not answer as torch yet, with their class (written by
``python -m tests.errors --write-known``)."""

KNOWN = {
    'torch.from_numpy(np.array([1, 2], dtype=np.uint16))': 'refused',
    'x.to(1.5)': 'refused',
    'np.array(w)': 'different warnings or state',
    'np.array(h)': 'different warnings or state',
    'np.array(x)': 'different warnings or state',
    'np.array(w.detach())': 'different warnings or state',
    'w.item': 'different result',
    'm[[[0., 1.]]]': 'different result',
    'm[:, 1:] = m[:, :-1]': 'different warnings or state',
    'x.expand(2, 3)[0] = 1.': 'refused',
    'x.expand(2, 3)[i] = 1.': 'different warnings or state',
    'm[:, 1:].copy_(m[:, :-1])': 'different result',
    'x.expand(2, 3).zero_()': 'refused',
    'x.expand(2, 3).fill_(1.)': 'refused',
    'v = h[1:]\nh.unsqueeze_(0)\nv.sum().backward()\nw.grad': 'different type',
}
