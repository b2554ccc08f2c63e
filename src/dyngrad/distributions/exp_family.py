"""ExponentialFamily: densities p(x; theta) = exp(<t(x), theta> - F(theta) + k(x)). From
the natural parameters theta and the log normalizer F alone come the entropy and the KL
divergence between two members of one family (a Bregman divergence of F), with F's
gradient taken by autograd."""
from ..autograd import grad
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    _abstract = True
    @property
    def _natural_params(self):
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError

    def _normalizer_and_gradients(self):
        """F at detached natural parameters, and dF (= the mean of t(x)) with a graph."""
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = grad(lg_normal.sum(), nparams, create_graph=True)
        return nparams, lg_normal, gradients

    def entropy(self):
        # H = F(theta) - <theta, dF(theta)> - E[k(x)]
        result = -self._mean_carrier_measure
        nparams, lg_normal, gradients = self._normalizer_and_gradients()
        result += lg_normal
        for np_, g in zip(nparams, gradients):
            result -= (np_ * g).reshape(self._batch_shape + (-1,)).sum(-1)
        return result
