"""Run by mpiexec (see test_collectives.py): every collective and point-to-point operation
checked against NumPy. Every rank can make every rank's input (``data(r)``), so each
computes the expected result itself."""
import sys
import warnings

import numpy as np

import dyngrad as torch
import dyngrad.distributed as dist

dist.init_process_group("mpi")
rank, W = dist.get_rank(), dist.get_world_size()
Op = dist.ReduceOp
torch.set_default_dtype(torch.float64)


def data(r, dtype=np.float64, shape=(2, 3)):
    rng = np.random.default_rng(r)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.integers(1, 4, shape).astype(dtype)
    v = rng.standard_normal(shape)
    v[0, 0] = 0.0  # a tie: zero on every rank
    if np.dtype(dtype).kind == "c":
        v = v + 1j * rng.standard_normal(shape)
    return v.astype(dtype)


def same(t, expected, exact=True):
    got = t.numpy()
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    if exact:
        assert np.array_equal(got, expected), (got, expected)
    else:
        assert np.allclose(got, expected, rtol=1e-6, atol=1e-12), (got, expected)


everyone = lambda dtype=np.float64, shape=(2, 3): np.stack([data(r, dtype, shape)  # noqa: E731
                                                            for r in range(W)])
REDUCE = {Op.SUM: lambda a: a.sum(0), Op.AVG: lambda a: a.sum(0) / W,
          Op.PRODUCT: lambda a: a.prod(0), Op.MIN: lambda a: a.min(0), Op.MAX: lambda a: a.max(0)}

# all_reduce: every op and dtype; in place, on a tensor that requires grad too
for dtype in (np.float64, np.float32, np.int64, np.int32, np.uint8, np.float16):
    for op, fn in REDUCE.items():
        if op is Op.AVG and np.dtype(dtype).kind in "iu":
            continue
        t = torch.tensor(data(rank, dtype))
        before = t._version
        dist.all_reduce(t, op=op)
        expected = fn(everyone(dtype).astype(np.float64)).astype(dtype)
        same(t, expected, exact=dtype not in (np.float32, np.float16) and op is not Op.AVG)
        assert t._version == before + (op is Op.AVG)  # AVG divides with div_, as gloo
for op, combine in ((Op.SUM, np.logical_or), (Op.MAX, np.logical_or), (Op.MIN, np.logical_and),
                    (Op.PRODUCT, np.logical_and)):
    t = torch.tensor(data(rank, np.bool_))
    dist.all_reduce(t, op=op)
    same(t, combine.reduce(everyone(np.bool_)))
for op in (Op.SUM, Op.AVG):
    t = torch.tensor(data(rank, np.complex128))
    dist.all_reduce(t, op=op)
    same(t, REDUCE[op](everyone(np.complex128)), exact=False)
for op in (Op.BAND, Op.BOR, Op.BXOR):
    t = torch.tensor(data(rank, np.int64))
    dist.all_reduce(t, op=op)
    ufunc = {Op.BAND: np.bitwise_and, Op.BOR: np.bitwise_or, Op.BXOR: np.bitwise_xor}[op]
    same(t, ufunc.reduce(everyone(np.int64)))
leaf = torch.tensor(data(rank), requires_grad=True)
dist.all_reduce(leaf)
assert leaf.requires_grad and leaf.grad_fn is None
same(leaf.detach(), everyone().sum(0), exact=False)
made = torch.tensor(data(rank), requires_grad=True) * 1
dist.all_reduce(made, op=Op.AVG)
assert type(made.grad_fn).__name__ == "DivBackward1"
# a view that is not contiguous is reduced in place through its base
base = torch.tensor(data(rank, shape=(3, 2)))
dist.all_reduce(base.t())
same(base, everyone(shape=(3, 2)).sum(0), exact=False)
# AVG of integers: the sum is written, then torch's error
t = torch.tensor(data(rank, np.int64))
try:
    dist.all_reduce(t, op=Op.AVG)
except RuntimeError as e:
    assert str(e) == "result type Double can't be cast to the desired output type Long"
    same(t, everyone(np.int64).sum(0))
else:
    raise AssertionError("AVG of int64")
# async: a Work to wait on
t = torch.tensor(data(rank))
work = dist.all_reduce(t, op=Op.MAX, async_op=True)
assert work.wait() is True and work.is_completed()
same(t, everyone().max(0))
assert work.result()[0] is t

# broadcast from every root, 0-d and empty tensors too
for src in range(W):
    for shape in ((2, 3), (), (0, 4)):
        t = torch.tensor(data(rank, shape=shape) if shape == (2, 3) else
                         np.full(shape, float(rank)))
        dist.broadcast(t, src=src)
        same(t, data(src, shape=shape) if shape == (2, 3) else np.full(shape, float(src)))

# all_gather, all_gather_into_tensor (concatenated and stacked)
outs = [torch.zeros(2, 3, dtype=torch.int32) for _ in range(W)]
dist.all_gather(outs, torch.tensor(data(rank, np.int32)))
for r in range(W):
    same(outs[r], data(r, np.int32))
out = torch.zeros(W * 2, 3)
dist.all_gather_into_tensor(out, torch.tensor(data(rank)))
same(out, everyone().reshape(W * 2, 3))
try:  # stacked rather than concatenated: gloo refuses it
    dist.all_gather_into_tensor(torch.zeros(W, 2, 3), torch.tensor(data(rank)))
except RuntimeError as e:
    assert str(e) == ("ProcessGroupMPI::allgather: invalid tensor size at index 0 "
                      "(expected (2, 3), got (1, 2, 3))")

# reduce_scatter (a list of W inputs per rank) and reduce_scatter_tensor
for op in (Op.SUM, Op.MAX, Op.AVG):
    out = torch.zeros(2, 3)
    dist.reduce_scatter(out, [torch.tensor(data(rank * W + i)) for i in range(W)], op=op)
    same(out, REDUCE[op](np.stack([data(r * W + rank) for r in range(W)])), exact=False)
    out = torch.zeros(2, 3)
    dist.reduce_scatter_tensor(out, torch.tensor(data(rank, shape=(2 * W, 3))), op=op)
    blocks = np.stack([data(r, shape=(2 * W, 3))[2 * rank:2 * rank + 2] for r in range(W)])
    same(out, REDUCE[op](blocks), exact=False)

# reduce, gather, scatter to and from every rank
for root in range(W):
    t = torch.tensor(data(rank))
    dist.reduce(t, dst=root, op=Op.MIN)
    same(t, everyone().min(0) if rank == root else data(rank))
    bucket = [torch.zeros(2, 3) for _ in range(W)] if rank == root else None
    dist.gather(torch.tensor(data(rank)), bucket, dst=root)
    if rank == root:
        for r in range(W):
            same(bucket[r], data(r))
    t = torch.zeros(2, 3)
    pieces = [torch.tensor(data(10 + r)) for r in range(W)] if rank == root else None
    dist.scatter(t, pieces, src=root)
    same(t, data(10 + rank))
try:
    dist.gather(torch.zeros(1), [torch.zeros(1)] * W, dst=(rank + 1) % W)
except ValueError as e:
    assert str(e) == "Argument ``gather_list`` must NOT be specified on non-destination ranks."

# all_to_all_single: equal blocks, then rank r sends j + 1 rows to rank j
inp = torch.tensor(data(rank, shape=(2 * W, 3)))
out = torch.zeros(2 * W, 3)
dist.all_to_all_single(out, inp)
same(out, np.concatenate([data(r, shape=(2 * W, 3))[2 * rank:2 * rank + 2] for r in range(W)]))
sizes = [j + 1 for j in range(W)]
inp = torch.tensor(data(rank, shape=(sum(sizes), 3)))
out = torch.zeros(W * (rank + 1), 3)
dist.all_to_all_single(out, inp, [rank + 1] * W, sizes)
start = sum(sizes[:rank])
same(out, np.concatenate([data(r, shape=(sum(sizes), 3))[start:start + rank + 1]
                          for r in range(W)]))
outs = [torch.zeros(r + 1, dtype=torch.int64) for r in range(W)]
dist.all_to_all(outs, [torch.full((rank + 1,), 10 * rank + j) for j in range(W)])
for r in range(W):
    same(outs[r], np.full(r + 1, 10 * r + rank))

# point to point: a ring, blocking and not, and a receive from any source
right, left = (rank + 1) % W, (rank - 1) % W
send = dist.isend(torch.tensor(data(rank)), right)
t = torch.zeros(2, 3)
recv = dist.irecv(t, left)
send.wait()
recv.wait()
same(t, data(left))
if rank == 0:
    for _ in range(W - 1):
        t = torch.zeros(2)
        who = dist.recv(t)
        same(t, np.array([who, 2.0 * who]))
else:
    dist.send(torch.tensor([float(rank), 2.0 * rank]), 0)
try:
    dist.send(torch.zeros(1), rank)
except ValueError as e:
    assert "destination rank should not be the same as the rank" in str(e)

# groups: the even ranks, and the warning on the others
evens = list(range(0, W, 2))
g = dist.new_group(evens)
if rank in evens:
    assert dist.get_rank(g) == evens.index(rank) and dist.get_world_size(g) == len(evens)
    t = torch.tensor([float(rank)])
    dist.all_reduce(t, group=g)
    same(t, np.array([float(sum(evens))]))
    t = torch.tensor([float(rank)])
    dist.broadcast(t, src=evens[-1], group=g)
    same(t, np.array([float(evens[-1])]))
else:
    assert g is dist.GroupMember.NON_GROUP_MEMBER and dist.get_rank(g) == -1
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert dist.all_reduce(torch.zeros(1), group=g) is None
    assert str(seen[0].message) == (f"Running all_reduce on global rank {rank} which does not "
                                    f"belong to the given group.")
t = torch.zeros(2, 3)
works = dist.batch_isend_irecv([dist.P2POp(dist.isend, torch.tensor(data(rank)), right),
                                dist.P2POp(dist.irecv, t, left)])
for w in works:
    w.wait()
same(t, data(left))
dist.barrier()
gathered = [None] * W if rank == W - 1 else None
dist.gather_object(("rank", rank), gathered, dst=W - 1)
if rank == W - 1:
    assert gathered == [("rank", r) for r in range(W)]
got = [None]
dist.scatter_object_list(got, [{"to": r} for r in range(W)] if rank == 0 else None, src=0)
assert got == [{"to": rank}]
objects = [None, None]
if rank == 1:
    objects = [{"a": 1}, "two"]
dist.broadcast_object_list(objects, src=1)
assert objects == [{"a": 1}, "two"]
sys.stdout.write(f"ok collectives {rank}\n")  # one write: ranks share the pipe
dist.destroy_process_group()
assert not dist.is_initialized()
