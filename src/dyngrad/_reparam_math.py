"""The implicit reparameterisation gradients of Gamma and Beta draws, over float64 arrays,
as torch's CPU kernels approximate them (torch._standard_gamma_grad, torch._dirichlet_grad).

For a draw x of a distribution with CDF F(x; a), dx/da = -(dF/da) / pdf(x; a). Neither
library integrates that exactly: each regime of (x, a) has its own approximation (a
Taylor series, a saddle-point expansion, a fitted rational function), and the values
agree with torch's when the same approximation is used in the same regime, hence the
fitted coefficients below.
"""
import numpy as np  # kernels of NumPy-only ops (NOTE [The array-module seam])

from ._special_math import digamma

# exp(p(u, v) / q(u, v)) with u = log(x / a), v = log(a): rows 1, u, u^2; columns the
# powers of v in p, then in q
_GAMMA_RATIONAL = np.array([
    [0.16009398, -0.094634809, 0.025146376, -0.0030648343,
     1, 0.32668115, 0.10406089, 0.0014179084],
    [0.53487893, 0.1298071, 0.065735949, -0.0015649758,
     0.16639465, 0.020070113, -0.0035938915, -0.00058392623],
    [0.040121004, -0.0065914022, -0.0026286047, -0.0013441777,
     0.017050642, -0.0021309326, 0.00085092367, -1.5247877e-07]])


def _F(v):
    """A float literal of torch's C++ (0.8f is 0.800000011920929), compared in double."""
    return float(np.float32(v))


def standard_gamma_grad(alpha, x):
    """d x / d alpha for x ~ Gamma(alpha, 1)."""
    a, x = np.broadcast_arrays(np.asarray(alpha, np.float64), np.asarray(x, np.float64))
    with np.errstate(all="ignore"):
        return np.where(x < _F(0.8), _gamma_small_x(a, x),
                        np.where(a > 8, _gamma_large_alpha(a, x), _gamma_rational(a, x)))


def _gamma_small_x(a, x):
    # the series of the lower incomplete gamma function and of its derivative in a
    numer, denom = np.ones_like(x), a.copy()
    s1, s2 = numer / denom, numer / (denom * denom)
    for i in range(1, 6):
        numer = numer * (-x / i)
        denom = denom + 1
        s1, s2 = s1 + numer / denom, s2 + numer / (denom * denom)
    x_a = x ** a
    pdf = x ** (a - 1) * np.exp(-x)
    cdf = x_a * s1
    cdf_a = (np.log(x) - digamma(a)) * cdf - x_a * s2
    result = -cdf_a / pdf
    return np.where(np.isnan(result), 0.0, result)


def _gamma_large_alpha(a, x):
    # Rice's saddle-point expansion, with its own form near the mean (x within 10% of a)
    near = (_F(0.9) * a <= x) & (x <= _F(1.1) * a)
    n1 = 1 + 24 * a * (1 + 12 * a)
    n2 = 1440 * a * a + 6 * x * (53 - 120 * x) - 65 * x * x / a + a * (107 + 3600 * x)
    at_mean = n1 * n2 / (1244160 * a ** 4)
    den = np.sqrt(8 * a)
    t2 = den / (a - x)
    t3 = (x - a - a * np.log(x / a)) ** -1.5
    t1 = np.log(x / a) * np.where(x < a, t2 - t3, t2 + t3) - np.sqrt(2 / a) * (a + x) / (a - x) ** 2
    stirling = 1 + 1 / (12 * a) * (1 + 1 / (24 * a))
    return np.where(near, at_mean, -stirling * x * t1 / den)


def _gamma_rational(a, x):
    u, v = np.log(x / a), np.log(a)
    c = _GAMMA_RATIONAL.reshape((3, 8) + (1,) * u.ndim)
    cv = c[0] + u * (c[1] + u * c[2])  # the 8 coefficients in v, each over u's shape
    p = cv[0] + v * (cv[1] + v * (cv[2] + v * cv[3]))
    q = cv[4] + v * (cv[5] + v * (cv[6] + v * cv[7]))
    return np.exp(p / q)


# the rational correction of dirichlet_grad: [p or q][power of u][power of a][power of b]
_BETA_RATIONAL = np.array([
    [[[1.003668233, -0.01061107488, -0.0657888334, 0.01201642863],
      [0.6336835991, -0.3557432599, 0.05486251648, -0.001465281033],
      [-0.03276231906, 0.004474107445, 0.002429354597, -0.0001557569013]],
     [[0.221950385, -0.3187676331, 0.01799915743, 0.01074823814],
      [-0.2951249643, 0.06219954479, 0.01535556598, 0.001550077057],
      [0.02155310298, 0.004170831599, 0.001292462449, 6.976601077e-05]],
     [[-0.05980841433, 0.008441916499, 0.01085618172, 0.002319392565],
      [0.02911413504, 0.01400243777, -0.002721828457, 0.000751041181],
      [0.005900514878, -0.001936558688, -9.495446725e-06, 5.385558597e-05]]],
    [[[1, -0.02924021934, -0.04438342661, 0.007285809825],
      [0.6357567472, -0.3473456711, 0.05454656494, -0.002407477521],
      [-0.03301322327, 0.004845219414, 0.00231480583, -0.0002307248149]],
     [[0.5925320577, -0.1757678135, 0.01505928619, 0.000564515273],
      [0.1014815858, -0.06589186703, 0.01272886114, -0.0007316646956],
      [-0.007258481865, 0.001096195486, 0.0003934994223, -4.12701925e-05]],
     [[0.06469649321, -0.0236701437, 0.002902096474, -5.896963079e-05],
      [0.001925008108, -0.002869809258, 0.0008000589141, -6.063713228e-05],
      [-0.0003477407336, 6.959756487e-05, 1.097287507e-05, -1.650964693e-06]]]])


def dirichlet_grad(x, alpha, total):
    """The scaled gradient -(dF/d alpha) / pdf / (1 - x) of a Beta(alpha, total - alpha)
    draw x: what a Dirichlet draw's gradient is made of, coordinate by coordinate.

    As torch's kernel: the regime is chosen, and the series near 0 and 1 are summed, in the
    input's precision; the saddle point and the rational fit in double."""
    x, a, t = np.broadcast_arrays(*(np.asarray(v) for v in (x, alpha, total)))
    ft = x.dtype.type
    b = t - a
    boundary = t * x * (1 - x)
    x64, a64, t64 = (v.astype(np.float64) for v in (x, a, t))
    b64 = t64 - a64
    with np.errstate(all="ignore"):
        return np.where((x <= 0.5) & (boundary < 2.5), _beta_alpha_small(x, a, b),
                        np.where((x >= 0.5) & (boundary < 0.75), -_beta_beta_small(1 - x, b, a),
                                 np.where((a > 6) & (b > 6), _beta_alpha_mid(x64, a64, b64),
                                          _beta_rational(x64, a64, t64, b64, ft))))


_PSI_10 = 2.25175258906672110764
_PSI_SERIES = [8.33333333333333333333E-2, -2.10927960927960927961E-2,
               7.57575757575757575758E-3, -4.16666666666666666667E-3,
               3.96825396825396825397E-3, -8.33333333333333333333E-3,
               8.33333333333333333333E-2]


def _digamma(v):
    """digamma of positive v as torch's sampling kernels take it: the recurrence up to 10
    steps in v's own precision, the sum and the asymptotic series in double, the result
    rounded back to v's dtype (for float32 this differs from a double digamma, and the
    difference of two digammas below can cancel most of the digits)."""
    dt = v.dtype.type
    x = v.copy()
    acc = np.zeros(v.shape)
    for _ in range(10):
        small = x < 10
        acc = np.where(small, acc - (dt(1) / x).astype(np.float64), acc)
        x = np.where(small, x + dt(1), x)
    z = 1.0 / (x * x).astype(np.float64)
    poly = np.zeros(v.shape)
    for c in _PSI_SERIES:
        poly = poly * z + c
    series = np.where(x < dt(1e17), z * poly, 0.0)
    out = acc + np.log(x).astype(np.float64) - (dt(0.5) / x).astype(np.float64) - series
    out = np.where(x == 10, acc + _PSI_10, out)
    return np.where(v == 0, np.inf, out).astype(dt)


def _beta_alpha_small(x, a, b):
    # x near 0: Taylor series in x
    factor = _digamma(a) - _digamma(a + b) - np.log(x)
    numer = np.ones_like(x)
    series = numer / a * (factor + 1 / a)
    for i in range(1, 11):
        numer = numer * ((i - b) * x / i)
        denom = a + i
        series = series + numer / denom * (factor + 1 / denom)
    result = x * (1 - x) ** -b * series
    return np.where(np.isnan(result), 0.0, result)


def _beta_beta_small(x, a, b):
    # the same near x = 1, as the gradient in the other concentration
    factor = _digamma(a + b) - _digamma(b)
    numer, betas, dbetas, series = np.ones_like(x), np.ones_like(x), np.zeros_like(x), factor / a
    for i in range(1, 9):
        numer = numer * (-x / i)
        dbetas = dbetas * (b - i) + betas
        betas = betas * (b - i)
        series = series + numer / (a + i) * (dbetas + factor * betas)
    result = -(1 - x) ** (1 - b) * series
    return np.where(np.isnan(result), 0.0, result)


def _beta_alpha_mid(x, a, b):
    # both concentrations large: Rice's saddle point, with its own form near the mean
    t = a + b
    mean = a / t
    std = np.sqrt(a * b / (t + 1)) / t
    near = (mean - 0.1 * std <= x) & (x <= mean + 0.1 * std)
    poly = 47 * x * b ** 4 + a * (
        (43 + 20 * (16 + 27 * b) * x) * b ** 3 + a * (
            3 * (59 + 180 * b - 90 * x) * b * b + a * (
                (453 + 1620 * b * (1 - x) - 455 * x) * b + a * (8 * (1 - x) * (135 * b - 11)))))
    pre_num = (1 + 12 * a) * (1 + 12 * b) / (t * t)
    pre_den = 12960 * a ** 3 * b * b * (1 + 12 * t)
    at_mean = pre_num / (1 - x) * poly / pre_den
    prefactor = -x / np.sqrt(2 * a * b / t)
    stirling = ((1 + 1 / (12 * a) + 1 / (288 * a * a)) * (1 + 1 / (12 * b) + 1 / (288 * b * b))
                / (1 + 1 / (12 * t) + 1 / (288 * t * t)))
    axbx = a * (x - 1) + b * x
    term1 = ((2 * a * a * (x - 1) + a * b * (x - 1) - x * b * b)
             / (np.sqrt(2 * a / b) * t ** 1.5 * axbx * axbx))
    term2 = 0.5 * np.log(a / (t * x))
    term3 = np.sqrt(8 * a * b / t) / axbx
    term4 = (b * np.log(b / (t * (1 - x))) + a * np.log(a / (t * x))) ** -1.5
    away = stirling * prefactor * (term1 + term2 * (term3 + np.where(x < mean, term4, -term4)))
    return np.where(near, at_mean, away)


def _beta_rational(x, a, t, b, ft):
    # an analytic approximation corrected by a fitted rational function of
    # u = log x, log(a / x) and log(t) - log(a / x)
    u = np.log(x)
    la = np.log(a) - u
    lb = np.log(t) - la
    c = _BETA_RATIONAL
    p = q = 0.0
    for i, pu in enumerate((1.0, u, u * u)):
        for j, pa in enumerate((1.0, la, la * la)):
            ua = pu * pa
            p = p + ua * (c[0, i, j, 0] + lb * (c[0, i, j, 1] + lb * (c[0, i, j, 2] + lb * c[0, i, j, 3])))
            q = q + ua * (c[1, i, j, 0] + lb * (c[1, i, j, 1] + lb * (c[1, i, j, 2] + lb * c[1, i, j, 3])))
    # (the digammas of the concentrations in the input's precision, as torch takes them)
    psi = _digamma(t.astype(ft)) - _digamma(a.astype(ft))
    return p / q * (x * psi.astype(np.float64) / b)
