"""torch.nn.utils.convert_conv2d_weight_memory_format and its 3-d twin: the weights of
every (transposed) convolution in a module given another memory format, in place."""
from ..modules.conv import Conv2d, Conv3d, ConvTranspose2d, ConvTranspose3d

__all__ = ["convert_conv2d_weight_memory_format", "convert_conv3d_weight_memory_format"]


def _convert(module, memory_format, kinds):
    if isinstance(module, kinds):
        weight_data = module.weight.detach().clone(memory_format=memory_format)
        module.weight.data = weight_data.resize_(weight_data.size(),
                                                 memory_format=memory_format)
    for child in module.children():
        _convert(child, memory_format, kinds)
    return module


def convert_conv2d_weight_memory_format(module, memory_format):
    """Give the weight of each Conv2d and ConvTranspose2d in ``module`` ``memory_format``."""
    return _convert(module, memory_format, (Conv2d, ConvTranspose2d))


def convert_conv3d_weight_memory_format(module, memory_format):
    """Give the weight of each Conv3d and ConvTranspose3d in ``module`` ``memory_format``."""
    return _convert(module, memory_format, (Conv3d, ConvTranspose3d))
