"""In-place writes through view_as_complex / view_as_real against torch: the base's
CopySlices, the views' rebuilt grad_fn chains (NOTE [Replayed views]), first and second
order gradients."""
import pytest

from _oracle import check, graph, params


def _pairs(torch):
    return torch.tensor([[0., 1.], [2., 3.], [4., 5.]], requires_grad=True)


def case_mul_then_backward_of_base(torch):
    x0 = _pairs(torch)
    x = x0.clone()
    c = torch.view_as_complex(x)
    c.mul_(2)
    (x ** 2).sum().backward()
    return x0.grad, graph(x), graph(c)


def case_mul_complex_factor(torch):
    x0 = _pairs(torch)
    x = x0.clone()
    c = torch.view_as_complex(x)
    c.mul_(torch.tensor([1 + 1j, 2j, 3.]))
    c.abs().sum().backward()
    return x0.grad, graph(c)


def case_double_backward_through_copyslices(torch):
    x0 = _pairs(torch)
    x = x0.clone()
    c = torch.view_as_complex(x)
    c.mul_(2)
    (g,) = torch.autograd.grad((x ** 2).sum(), x0, create_graph=True)
    (gg,) = torch.autograd.grad((g * g).sum(), x0)
    return g, gg, graph(g)


def case_stale_view_read_after_write(torch):
    x0 = _pairs(torch)
    x = x0.clone()
    c = torch.view_as_complex(x)
    x.mul_(3)  # c's grad_fn is rebuilt from x's new node
    (c * c).abs().sum().backward()
    return x0.grad, graph(c)


def case_strided_views_around(torch):
    x0 = torch.arange(12.).reshape(3, 2, 2).requires_grad_()
    x = x0.clone()
    c = torch.view_as_complex(x[1:])[:, 1]
    c.mul_(1j)
    r = torch.view_as_real(c)
    (x.sin().sum() + r.sum()).backward()
    return x0.grad, graph(c), graph(r), graph(x)


def case_view_as_real_of_complex_written(torch):
    z0 = torch.tensor([1 + 1j, 2 - 1j], requires_grad=True)
    z = z0.clone()
    r = torch.view_as_real(z)
    r[0].mul_(3)
    (g,) = torch.autograd.grad((z.abs() ** 2).sum(), z0, create_graph=True)
    (gg,) = torch.autograd.grad(g.abs().sum(), z0)
    return z0.grad, g, gg, graph(r), graph(z)


def case_round_trip_view_written(torch):
    x0 = _pairs(torch)
    x = x0.clone()
    r = torch.view_as_real(torch.view_as_complex(x))
    r[0, 0] = 5
    (x * x).sum().backward()
    return x0.grad, graph(r)


def case_real_and_imag_views(torch):
    z0 = torch.tensor([1 + 1j, 2 - 1j], requires_grad=True)
    z = z0.clone()
    r, i = z.real, z.imag
    r.mul_(2)
    z.mul_(2)
    (z.abs().sum() + i.sum()).backward()
    return z0.grad, graph(r), graph(i)


@pytest.mark.parametrize("case", params(globals()))
def test_complex_view_inplace(case):
    check(case)
