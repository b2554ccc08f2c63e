"""torch.lobpcg: the k extreme eigenpairs of a symmetric (generalised) eigenproblem by
locally optimal block preconditioned conjugate gradients, as torch runs them (the same
steps, so the same iterates and eigenvector signs), and its gradient.

Each step projects A onto the search basis S = [X, P, W] (current vectors, previous
search directions, preconditioned residuals) and keeps the Ritz pairs (Rayleigh-Ritz):
'basic' orthonormalises that basis by a Cholesky factor of S^T B S [Knyazev 2001],
'ortho' keeps S B-orthonormal as it grows [Stathopoulos and Wu 2002; Duersch et al.
2018]. Eigenpairs converge in order; iteration stops when the first k have converged.

The gradient (torch's LOBPCGAutogradFunction) is the eigh gradient restricted to the k
computed pairs; when they are not the whole eigenspace, the rest of the space enters
through the characteristic polynomial of the computed eigenvalues evaluated at A, as
torch writes it. It needs B = None and real inputs, as torch's does.
"""
from . import creation, linalg
from ._dtype import bool as bool_, float16, float32, float64
from .autograd.function import Function
from .linalg.triangular import cholesky_solve
from .random import Generator, randn

# the machine epsilons torch's default tol is the square root of (float16 has none: a
# KeyError, as torch's)
_FEPS = {float32: 1.2e-07, float64: 2.23e-16}


def _mm(A, X):
    """A X, A None standing for the identity."""
    return X if A is None else A.matmul(X)


def _qform(A, S):
    return S.mT.matmul(_mm(A, S))


def _symeig(A, largest=False):
    E, Z = linalg.eigh(A, UPLO="U")
    return (E.flip(-1), Z.flip(-1)) if largest else (E, Z)


class _Worker:
    """One eigenproblem's iteration state, under torch's attribute names (a tracker reads
    them): iparams/fparams/bparams the settings, ivars/fvars/bvars/tvars the counters and
    measures, E, X the current eigenpairs, R the residuals, S the search basis."""

    def __init__(self, A, B, X, iK, iparams, fparams, bparams, method, tracker):
        self.A, self.B, self.iK, self.X = A, B, iK, X
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        m, n = iparams["m"], iparams["n"]
        self.E = creation.zeros((n,), dtype=X.dtype)
        self.R = creation.zeros((m, n), dtype=X.dtype)
        self.S = creation.zeros((m, 3 * n), dtype=X.dtype)
        self.tvars, self.ivars = {}, {"istep": 0}
        self.fvars, self.bvars = {"_": 0.0}, {"_": False}

    def run(self):
        self.update()
        while not self.stop_iteration():
            self.update()

    def stop_iteration(self):
        return (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                or self.ivars["converged_count"] >= self.iparams["k"])

    def update(self):
        if self.ivars["istep"] == 0:
            x_norm = float(self.X.norm())
            self.fvars["X_norm"] = x_norm
            self.fvars["A_norm"] = float(_mm(self.A, self.X).norm()) * x_norm ** -1
            self.fvars["B_norm"] = float(_mm(self.B, self.X).norm()) * x_norm ** -1
            self.ivars.update(iterations_left=self.iparams["niter"], converged_count=0,
                              converged_end=0)
        (self._step_ortho if self.method == "ortho" else self._step_basic)()
        self.ivars["iterations_left"] -= 1
        self.ivars["istep"] += 1
        if self.tracker is not None:
            self.tracker(self)

    def update_residual(self):
        self.R = _mm(self.A, self.X) - _mm(self.B, self.X) * self.E

    def update_converged_count(self):
        """How many leading pairs meet the backward-stable criterion |R| / (|X| (|A| +
        |E| |B|)) < tol (Duersch et al. 2018, 4.3): a later pair counts only after all
        earlier ones, so the pairs stay in order."""
        E, X, R = self.E, self.X, self.R
        rerr = R.norm(2, (0,)) / (X.norm(2, (0,)) * (self.fvars["A_norm"] + E[:X.shape[-1]].abs()
                                                    * self.fvars["B_norm"]))
        count = 0
        for ok in (rerr < self.fparams["tol"]).tolist():
            if not ok:
                break
            count += 1
        if count < self.ivars["converged_count"]:
            raise AssertionError(f"the number of converged eigenpairs (was "
                                 f"{self.ivars['converged_count']}, got {count}) cannot decrease")
        self.ivars["converged_count"] = count
        self.tvars["rerr"] = rerr
        return count

    def _rayleigh_ritz_transform(self, S):
        """Ri with Ri^T S^T B S Ri = I: the inverse Cholesky factor of S^T B S with its
        diagonal scaled to one first (D R^-1, D = diag(S^T B S)^-1/2)."""
        SBS = _qform(self.B, S)
        d = SBS.diagonal(0, -2, -1) ** -0.5
        R = linalg.cholesky((SBS * d) * d.reshape(-1, 1), upper=True)
        return linalg.solve_triangular(R, d.diag_embed(), upper=True, left=False)

    def _first_step(self, keep_E):
        Ri = self._rayleigh_ritz_transform(self.X)
        E, Z = _symeig(_qform(_qform(self.A, self.X), Ri), self.bparams["largest"])
        n = self.iparams["n"]
        if keep_E:  # ('basic' writes into X and E; 'ortho' leaves E at zero here)
            self.X[:] = self.X.matmul(Ri.matmul(Z))
            self.E[:] = E
        else:
            self.X = self.X.matmul(Ri.matmul(Z))
        self.update_residual()
        self.update_converged_count()
        self.S[..., :n] = self.X
        W = (_mm(self.iK, self.R) if keep_E else self._ortho(self.R, self.X))
        self.ivars["converged_end"] = ns = n + W.shape[-1]
        self.S[:, n:ns] = W

    def _next_basis(self, P, W_of):
        n = self.iparams["n"]
        np_ = P.shape[-1]
        self.update_residual()
        nc = self.update_converged_count()
        self.S[..., :n] = self.X
        self.S[:, n:n + np_] = P
        W = W_of(nc, np_)
        self.ivars["converged_end"] = ns = n + np_ + W.shape[-1]
        self.S[:, n + np_:ns] = W

    def _step_basic(self):
        if self.ivars["istep"] == 0:
            return self._first_step(True)
        n, nc, ns = self.iparams["n"], self.ivars["converged_count"], self.ivars["converged_end"]
        S_ = self.S[:, nc:ns]
        Ri = self._rayleigh_ritz_transform(S_)
        E_, Z = _symeig(_qform(_qform(self.A, S_), Ri), self.bparams["largest"])
        self.X[:, nc:] = S_.matmul(Ri.matmul(Z[:, :n - nc]))
        self.E[nc:] = E_[:n - nc]
        P = S_.matmul(Ri.matmul(Z[:, n:2 * n - nc]))
        self._next_basis(P, lambda nc, np_: _mm(self.iK, self.R[:, nc:]))

    def _step_ortho(self):
        if self.ivars["istep"] == 0:
            return self._first_step(False)
        n, nc, ns = self.iparams["n"], self.ivars["converged_count"], self.ivars["converged_end"]
        S_ = self.S[:, nc:ns]
        E_, Z = _symeig(_qform(self.A, S_), self.bparams["largest"])
        self.X[:, nc:] = S_.matmul(Z[:, :n - nc])
        self.E[nc:] = E_[:n - nc]
        # the new directions: the rest of the Ritz vectors, turned so that their X rows
        # are orthonormal (Q of a QR)
        P = S_.matmul(Z[:, n - nc:].matmul(linalg.qr(Z[:n - nc, n - nc:].mT).Q))
        self._next_basis(P, lambda nc, np_: self._ortho(self.R[:, nc:], self.S[:, :n + np_]))

    def _svqb(self, U, drop, tau):
        """U with B-orthonormal columns (Duersch's SVQB, algorithm 4): scale the columns
        to unit B-norm, then by the eigenvectors of the scaled Gram matrix; eigenvalues
        below tau * max are raised to it, or with ``drop`` their columns are dropped.
        Columns of B-norm exactly zero are dropped first."""
        if U.numel() == 0:
            return U
        UBU = _qform(self.B, U)
        d = UBU.diagonal(0, -2, -1)
        nonzero = (d.abs() != 0.0).nonzero()[:, 0]
        if len(nonzero) < len(d):
            U = U[:, nonzero]
            if U.numel() == 0:
                return U
            UBU = _qform(self.B, U)
            d = UBU.diagonal(0, -2, -1)
        d_col = (d ** -0.5).reshape(d.shape[0], 1)
        E, Z = _symeig((UBU * d_col) * d_col.mT)
        t = tau * E.abs().max()
        if drop:
            keep = (E > t).nonzero()[:, 0]
            E, Z, d_col = E[keep], Z[:, keep], d_col[keep]
        else:
            E[(E < t).nonzero()[:, 0]] = t
        return (U * d_col.mT).matmul(Z * E ** -0.5)

    def _ortho(self, U, V):
        """U made B-orthonormal and B-orthogonal to V (Duersch's algorithm 3, or 6 with
        ortho_use_drop): project V out and re-orthonormalise, up to ortho_i_max times,
        each orthonormalisation repeated up to ortho_j_max times, until the measured
        errors fall below ortho_tol. Empty when U lies in V's span."""
        fp, ip = self.fparams, self.iparams
        for key in [key for key in self.fvars if key.startswith("ortho_")
                    and key.endswith("_rerr")]:
            self.fvars.pop(key)
        self.ivars.pop("ortho_i", 0)
        self.ivars.pop("ortho_j", 0)
        use_drop = self.bparams["ortho_use_drop"]
        BV_norm = _mm(self.B, V).norm()
        VBU = V.mT.matmul(_mm(self.B, U))
        i = j = 0
        for i in range(ip["ortho_i_max"]):
            U = U - V.matmul(VBU)
            drop, tau = False, fp["ortho_tol_drop"]
            for j in range(ip["ortho_j_max"]):
                if use_drop:
                    U = self._svqb(U, drop, tau)
                    drop, tau = True, fp["ortho_tol_replace"]
                else:
                    U = self._svqb(U, False, fp["ortho_tol_replace"])
                if U.numel() == 0:
                    self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
                    return U
                BU = _mm(self.B, U)
                UBU = U.mT.matmul(BU)
                gap = UBU - creation.eye(UBU.shape[-1], dtype=UBU.dtype)
                rerr = float(gap.norm()) * float(BU.norm() * U.norm()) ** -1
                self.fvars[f"ortho_UBUmI_rerr[{i}, {j}]"] = rerr
                if rerr < fp["ortho_tol"]:
                    break
            VBU = V.mT.matmul(BU)
            rerr = float(VBU.norm()) * float(BV_norm * U.norm()) ** -1
            self.fvars[f"ortho_VBU_rerr[{i}]"] = rerr
            if rerr < fp["ortho_tol"]:
                break
            if ip["m"] < U.shape[-1] + V.shape[-1]:
                B = self.B
                if B is None:
                    raise AssertionError("B must not be None")
                raise ValueError("Overdetermined shape of U: #B-cols(={}) >= #U-cols(={}) + "
                                 "#V-cols(={}) must hold".format(B.shape[-1], U.shape[-1],
                                                                  V.shape[-1]))
        self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
        return U


def _solve(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
           ortho_fparams, ortho_bparams):
    if A.shape[-2] != A.shape[-1]:
        raise AssertionError(f"A must be square, got shape {A.shape}")
    if B is not None and A.shape != B.shape:
        raise AssertionError(f"A and B must have same shape, got {A.shape} vs {B.shape}")
    dtype = A.dtype if A.dtype in (float16, float32, float64) else float32
    if tol is None:
        tol = _FEPS[dtype] ** 0.5
    m = A.shape[-1]
    k = (1 if X is None else X.shape[-1]) if k is None else k
    n = (k if n is None else n) if X is None else X.shape[-1]
    if m < 3 * n:
        raise ValueError(f"LOBPCG algorithm is not applicable when the number of A rows (={m})"
                         f" is smaller than 3 x the number of requested eigenpairs (={n})")
    method = "ortho" if method is None else method
    iparams = {"m": m, "n": n, "k": k, "niter": 1000 if niter is None else niter}
    fparams = {"tol": tol}
    bparams = {"largest": True if largest is None else largest}
    if method == "ortho":
        iparams.update(ortho_iparams or {})
        fparams.update(ortho_fparams or {})
        bparams.update(ortho_bparams or {})
        iparams.setdefault("ortho_i_max", 3)
        iparams.setdefault("ortho_j_max", 3)
        for key in ("ortho_tol", "ortho_tol_drop", "ortho_tol_replace"):
            fparams.setdefault(key, tol)
        bparams.setdefault("ortho_use_drop", False)

    def solve_one(A_, B_, X_, i=None):
        X_ = randn((m, n), dtype=dtype) if X_ is None else X_
        if not (len(X_.shape) == 2 and X_.shape == (m, n)):
            raise AssertionError(f"X{'_' if i is not None else ''} shape mismatch: got "
                                 f"{X_.shape}, expected {(m, n)}")
        if i is not None:
            iparams["batch_index"] = i
        worker = _Worker(A_, B_, X_, iK, iparams, fparams, bparams, method, tracker)
        worker.run()
        return worker.E[:k], worker.X[:, :k]

    if A.dim() == 2:
        return solve_one(A, B, X)
    N = 1
    for s in A.shape[:-2]:
        N *= s
    bA = A.reshape((N,) + A.shape[-2:])
    bB = None if B is None else B.reshape((N,) + A.shape[-2:])
    bX = None if X is None else X.reshape((N,) + X.shape[-2:])
    bE = creation.empty((N, k), dtype=dtype)
    bXret = creation.empty((N, m, k), dtype=dtype)
    for i in range(N):
        bE[i], bXret[i] = solve_one(bA[i], None if bB is None else bB[i],
                                    None if bX is None else bX[i], i)
    return bE.reshape(A.shape[:-2] + (k,)), bXret.reshape(A.shape[:-2] + (m, k))


# -- the gradient ---------------------------------------------------------------------------
def _complete_backward(D_grad, U_grad, D, U):
    """eigh's gradient: U (diag(gD) + (U^T gU) / (D_j - D_i), zero diagonal) U^T."""
    F = D.unsqueeze(-2) - D.unsqueeze(-1)
    F = F.masked_fill(creation.eye(D.shape[-1], dtype=bool_), float("inf"))
    Ut = U.mT
    return U.matmul((D_grad.diag_embed() + Ut.matmul(U_grad) * F.pow(-1)).matmul(Ut))


def _poly_from_roots(roots):
    """Coefficients (a_0, ..., a_n = 1) of prod_i (x - r_i), lowest power first."""
    order = roots.shape[-1]
    coeffs = creation.zeros(roots.shape[:-1] + (order + 2,), dtype=roots.dtype)
    coeffs[..., 0] = 1
    coeffs[..., -1] = 1
    for i in range(1, order + 1):
        new = coeffs.clone()
        new[..., order - i:order + 1] = (coeffs[..., order - i:order + 1]
                                         - roots[..., i - 1:i] * coeffs[..., order - i + 1:])
        coeffs = new
    return coeffs[..., 1:]


def _poly_at_vector(poly, x):
    res = creation.ones_like(x)
    for k in range(poly.shape[-1] - 2, -1, -1):
        res = poly[..., k].unsqueeze(-1) + x * res
    return res


def _poly_at_matrix(poly, x):
    eye = creation.eye(x.shape[-1], dtype=x.dtype)
    res = eye
    for k in range(poly.shape[-1] - 2, -1, -1):
        res = x.matmul(res) + eye * poly[..., k].unsqueeze(-1).unsqueeze(-1)
    return res


def _partial_backward(D_grad, U_grad, A, D, U, largest):
    """The gradient when U spans only part of the space. The complement enters through
    p(A), p the characteristic polynomial of D (zero on span U), on a basis of U's
    orthogonal complement drawn from torch's default-seeded generator."""
    Ut = U.mT
    project_out = creation.eye(A.shape[-1], dtype=A.dtype) - U.matmul(Ut)
    noise = randn(A.shape[:-1] + (A.shape[-1] - D.shape[-1],), dtype=A.dtype,
                                    generator=Generator())
    U_ortho = project_out.matmul(noise)
    U_ortho_t = U_ortho.mT
    poly = _poly_from_roots(D)
    projected = U_grad
    series = creation.zeros(U_grad.shape, dtype=U_grad.dtype)
    for k in range(1, poly.shape[-1]):
        series = series + projected * _poly_at_vector(poly[..., k:], D).unsqueeze(-2)
        projected = A.matmul(projected)
    on_ortho = U_ortho_t.matmul(_poly_at_matrix(poly, A).matmul(U_ortho))
    # p(A) on the complement is definite, of the sign of (-1)^k for the largest pairs
    sign = -1 if (largest and k % 2 == 1) else 1
    L = linalg.cholesky(sign * on_ortho)
    res = _complete_backward(D_grad, U_grad, D, U)
    return res - U_ortho.matmul(sign * cholesky_solve(
        U_ortho_t.matmul(series), L)).matmul(Ut)


class LOBPCGAutogradFunction(Function):
    @staticmethod
    def forward(ctx, A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None,
                largest=None, method=None, tracker=None, ortho_iparams=None,
                ortho_fparams=None, ortho_bparams=None):
        A = A.contiguous()
        B = None if B is None else B.contiguous()
        D, U = _solve(A, k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
                      ortho_fparams, ortho_bparams)
        ctx.save_for_backward(A, B, D, U)
        ctx.largest = largest
        return D, U

    @staticmethod
    def backward(ctx, D_grad, U_grad):
        A, B, D, U = ctx.saved_tensors
        if A.is_complex() or B is not None and B.is_complex():
            raise ValueError("lobpcg.backward does not support complex input yet. Note that "
                             "lobpcg.forward does though.")
        if B is not None:
            raise ValueError("lobpcg.backward does not support backward with B != I yet.")
        largest = True if ctx.largest is None else ctx.largest
        if U.shape[-1] == U.shape[-2]:
            A_grad = _complete_backward(D_grad, U_grad, D, U)
        else:
            A_grad = _partial_backward(D_grad, U_grad, A, D, U, largest)
        return (A_grad,) + (None,) * 13


def lobpcg(A, k=None, B=None, X=None, n=None, iK=None, niter=None, tol=None, largest=None,
           method=None, tracker=None, ortho_iparams=None, ortho_fparams=None,
           ortho_bparams=None):
    """Find the k largest (or smallest) eigenvalues and the corresponding eigenvectors of a
    symmetric positive definite generalized eigenvalue problem using matrix-free LOBPCG
    methods (method "ortho", the default, or "basic").

    When A (or B) requires grad, A is first symmetrised, A -> (A + A^T) / 2, so that its
    gradient is symmetric.

    >>> import dyngrad as torch
    >>> A = torch.diag(torch.arange(1., 13.))
    >>> E, X = torch.lobpcg(A, k=2, X=torch.eye(12)[:, :3] + 0.1)
    >>> E.round(decimals=4)
    tensor([12., 11.])
    """
    args = (k, B, X, n, iK, niter, tol, largest, method, tracker, ortho_iparams,
            ortho_fparams, ortho_bparams)
    if A.requires_grad or (B is not None and B.requires_grad):
        A_sym = (A + A.mT) / 2
        B_sym = (B + B.mT) / 2 if B is not None else None
        return LOBPCGAutogradFunction.apply(A_sym, k, B_sym, *args[2:])
    return _solve(A, *args)
