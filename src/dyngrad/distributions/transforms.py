"""torch.distributions.transforms: every transform, gathered from the files that hold
them (the base and dim-moving ones, the elementwise ones, the structured ones, the ones
joined along a dim)."""
from .transform import (ComposeTransform, IndependentTransform, ReshapeTransform,  # noqa: F401
                        Transform, _InverseTransform, identity_transform)
from .transforms_joining import (CatTransform, CumulativeDistributionTransform,  # noqa: F401
                                 StackTransform)
from .transforms_matrix import (CorrCholeskyTransform, LowerCholeskyTransform,  # noqa: F401
                                PositiveDefiniteTransform, SoftmaxTransform,
                                StickBreakingTransform)
from .transforms_pointwise import (AbsTransform, AffineTransform, ExpTransform,  # noqa: F401
                                   PowerTransform, SigmoidTransform, SoftplusTransform,
                                   TanhTransform)

__all__ = ["AbsTransform", "AffineTransform", "CatTransform", "ComposeTransform",
           "CorrCholeskyTransform", "CumulativeDistributionTransform", "ExpTransform",
           "IndependentTransform", "LowerCholeskyTransform", "PositiveDefiniteTransform",
           "PowerTransform", "ReshapeTransform", "SigmoidTransform", "SoftplusTransform",
           "TanhTransform", "SoftmaxTransform", "StackTransform", "StickBreakingTransform",
           "Transform", "identity_transform"]
