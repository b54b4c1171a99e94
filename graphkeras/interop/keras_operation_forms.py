"""How Keras 3 writes each ``gk.ops`` operation into a ``.keras`` config.

Keras 3 records an operation on KerasTensors as an instance of an operation
class (``keras.src.ops.numpy.Concatenate``) whose constructor takes some of
the function's arguments (``axis``), called on the others (the list of
tensors). Its config entry holds the constructor's arguments; its one call
node holds the call's positional and keyword arguments. This table says,
for each graphkeras operation, which Keras class and module it is and how
its parameters split between constructor, positional call arguments and
keyword call arguments. The parameter names are Keras 3's own (graphkeras's
``ops`` functions use the same names). The facts were read from Keras 3's
``keras/src/ops`` sources; ``tests/test_keras_operation_forms.py`` checks the
table against graphkeras's signatures.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KerasOperationForm:
    """One operation's Keras 3 class and how its parameters are split."""

    module: str
    class_name: str
    constructor: tuple[str, ...]
    positional: tuple[str, ...]
    keywords: tuple[str, ...] = ()

    @property
    def keras_module(self) -> str:
        return f"keras.src.ops.{self.module}"


def _form(module: str, class_name: str, constructor: str, positional: str, keywords: str = ""):
    return KerasOperationForm(
        module,
        class_name,
        tuple(constructor.split()),
        tuple(positional.split()),
        tuple(keywords.split()),
    )


# ops name -> form. A parameter written "*name" spreads a tuple of arguments.
KERAS_OPERATION_FORMS: dict[str, KerasOperationForm] = {
    "abs": _form("numpy", "Absolute", "", "x"),
    "absolute": _form("numpy", "Absolute", "", "x"),
    "add": _form("numpy", "Add", "", "x1 x2"),
    "all": _form("numpy", "All", "axis keepdims", "x"),
    "allclose": _form("numpy", "AllClose", "rtol atol equal_nan", "x1 x2"),
    "amax": _form("numpy", "Amax", "axis keepdims", "x"),
    "amin": _form("numpy", "Amin", "axis keepdims", "x"),
    "angle": _form("numpy", "Angle", "", "x"),
    "any": _form("numpy", "Any", "axis keepdims", "x"),
    "append": _form("numpy", "Append", "axis", "x1 x2"),
    "arange": _form("numpy", "Arange", "dtype", "start stop", keywords="step"),
    "arccos": _form("numpy", "Arccos", "", "x"),
    "arccosh": _form("numpy", "Arccosh", "", "x"),
    "arcsin": _form("numpy", "Arcsin", "", "x"),
    "arcsinh": _form("numpy", "Arcsinh", "", "x"),
    "arctan": _form("numpy", "Arctan", "", "x"),
    "arctan2": _form("numpy", "Arctan2", "", "x1 x2"),
    "arctanh": _form("numpy", "Arctanh", "", "x"),
    "argmax": _form("numpy", "Argmax", "axis keepdims", "x"),
    "argmin": _form("numpy", "Argmin", "axis keepdims", "x"),
    "argsort": _form("numpy", "Argsort", "axis", "x"),
    "array_split": _form("numpy", "ArraySplit", "indices_or_sections axis", "x"),
    "average": _form("numpy", "Average", "axis", "x", keywords="weights"),
    "binary_crossentropy": _form("nn", "BinaryCrossentropy", "from_logits", "target output"),
    "broadcast_to": _form("numpy", "BroadcastTo", "shape", "x"),
    "cast": _form("core", "Cast", "dtype", "x"),
    "categorical_crossentropy": _form(
        "nn", "CategoricalCrossentropy", "from_logits axis", "target output"
    ),
    "cbrt": _form("numpy", "Cbrt", "", "x"),
    "ceil": _form("numpy", "Ceil", "", "x"),
    "celu": _form("nn", "Celu", "alpha", "x"),
    "clip": _form("numpy", "Clip", "x_min x_max", "x"),
    "column_stack": _form("numpy", "ColumnStack", "", "xs"),
    "concatenate": _form("numpy", "Concatenate", "axis", "xs"),
    "cond": _form("core", "Cond", "", "pred true_fn false_fn"),
    "conjugate": _form("numpy", "Conjugate", "", "x"),
    "copy": _form("numpy", "Copy", "", "x"),
    "corrcoef": _form("numpy", "Corrcoef", "", "x"),
    "cos": _form("numpy", "Cos", "", "x"),
    "cosh": _form("numpy", "Cosh", "", "x"),
    "count_nonzero": _form("numpy", "CountNonzero", "axis", "x"),
    "cross": _form("numpy", "Cross", "axisa axisb axisc axis", "x1 x2"),
    "cumprod": _form("numpy", "Cumprod", "axis dtype", "x"),
    "cumsum": _form("numpy", "Cumsum", "axis dtype", "x"),
    "deg2rad": _form("numpy", "Deg2rad", "", "x"),
    "diag": _form("numpy", "Diag", "k", "x"),
    "diagflat": _form("numpy", "Diagflat", "k", "x"),
    "diagonal": _form("numpy", "Diagonal", "offset axis1 axis2", "x"),
    "diff": _form("numpy", "Diff", "n axis", "a"),
    "digitize": _form("numpy", "Digitize", "", "x bins"),
    "divide": _form("numpy", "Divide", "", "x1 x2"),
    "divide_no_nan": _form("numpy", "DivideNoNan", "", "x1 x2"),
    "dot": _form("numpy", "Dot", "", "x1 x2"),
    "dsplit": _form("numpy", "Dsplit", "indices_or_sections", "x"),
    "dstack": _form("numpy", "Dstack", "", "xs"),
    "einsum": _form("numpy", "Einsum", "subscripts", "*operands"),
    "elu": _form("nn", "Elu", "alpha", "x"),
    "empty_like": _form("numpy", "EmptyLike", "dtype", "x"),
    "equal": _form("numpy", "Equal", "", "x1 x2"),
    "erf": _form("math", "Erf", "", "x"),
    "erfc": _form("math", "Erfc", "", "x"),
    "exp": _form("numpy", "Exp", "", "x"),
    "exp2": _form("numpy", "Exp2", "", "x"),
    "expand_dims": _form("numpy", "ExpandDims", "axis", "x"),
    "expm1": _form("numpy", "Expm1", "", "x"),
    "fabs": _form("numpy", "Fabs", "", "x"),
    "flip": _form("numpy", "Flip", "axis", "x"),
    "fliplr": _form("numpy", "Fliplr", "", "x"),
    "flipud": _form("numpy", "Flipud", "", "x"),
    "floor": _form("numpy", "Floor", "", "x"),
    "floor_divide": _form("numpy", "FloorDivide", "", "x1 x2"),
    "fmax": _form("numpy", "Fmax", "", "x1 x2"),
    "fmin": _form("numpy", "Fmin", "", "x1 x2"),
    "fmod": _form("numpy", "Fmod", "", "x1 x2"),
    "fori_loop": _form("core", "ForiLoop", "lower upper body_fun", "init_val"),
    "full": _form("numpy", "Full", "shape dtype", "fill_value"),
    "full_like": _form("numpy", "FullLike", "dtype", "x fill_value"),
    "gelu": _form("nn", "Gelu", "approximate", "x"),
    "geomspace": _form("numpy", "Geomspace", "num endpoint dtype axis", "start stop"),
    "greater": _form("numpy", "Greater", "", "x1 x2"),
    "greater_equal": _form("numpy", "GreaterEqual", "", "x1 x2"),
    "hard_sigmoid": _form("nn", "HardSigmoid", "", "x"),
    "hard_silu": _form("nn", "HardSilu", "", "x"),
    "heaviside": _form("numpy", "Heaviside", "", "x1 x2"),
    "hsplit": _form("numpy", "Hsplit", "indices_or_sections", "x"),
    "hstack": _form("numpy", "Hstack", "", "xs"),
    "hypot": _form("numpy", "Hypot", "", "x1 x2"),
    "imag": _form("numpy", "Imag", "", "x"),
    "in_top_k": _form("math", "InTopK", "k", "targets predictions"),
    "inner": _form("numpy", "Inner", "", "x1 x2"),
    "isclose": _form("numpy", "Isclose", "equal_nan", "x1 x2 rtol atol"),
    "isfinite": _form("numpy", "Isfinite", "", "x"),
    "isin": _form("numpy", "IsIn", "assume_unique invert", "x1 x2"),
    "isinf": _form("numpy", "Isinf", "", "x"),
    "isnan": _form("numpy", "Isnan", "", "x"),
    "isneginf": _form("numpy", "Isneginf", "", "x"),
    "isposinf": _form("numpy", "Isposinf", "", "x"),
    "isreal": _form("numpy", "Isreal", "", "x"),
    "kron": _form("numpy", "Kron", "", "x1 x2"),
    "ldexp": _form("numpy", "Ldexp", "", "x1 x2"),
    "leaky_relu": _form("nn", "LeakyRelu", "negative_slope", "x"),
    "less": _form("numpy", "Less", "", "x1 x2"),
    "less_equal": _form("numpy", "LessEqual", "", "x1 x2"),
    "linspace": _form("numpy", "Linspace", "num endpoint retstep dtype axis", "start stop"),
    "log": _form("numpy", "Log", "", "x"),
    "log10": _form("numpy", "Log10", "", "x"),
    "log1p": _form("numpy", "Log1p", "", "x"),
    "log2": _form("numpy", "Log2", "", "x"),
    "log_softmax": _form("nn", "LogSoftmax", "axis", "x"),
    "logaddexp": _form("numpy", "Logaddexp", "", "x1 x2"),
    "logaddexp2": _form("numpy", "Logaddexp2", "", "x1 x2"),
    "logical_and": _form("numpy", "LogicalAnd", "", "x1 x2"),
    "logical_not": _form("numpy", "LogicalNot", "", "x"),
    "logical_or": _form("numpy", "LogicalOr", "", "x1 x2"),
    "logical_xor": _form("numpy", "LogicalXor", "", "x1 x2"),
    "logspace": _form("numpy", "Logspace", "num endpoint base dtype axis", "start stop"),
    "logsumexp": _form("math", "Logsumexp", "axis keepdims", "x"),
    "map": _form("core", "Map", "", "f xs"),
    "matmul": _form("numpy", "Matmul", "", "x1 x2"),
    "max": _form("numpy", "Max", "axis keepdims initial", "x"),
    "maximum": _form("numpy", "Maximum", "", "x1 x2"),
    "mean": _form("numpy", "Mean", "axis keepdims", "x"),
    "median": _form("numpy", "Median", "axis keepdims", "x"),
    "meshgrid": _form("numpy", "Meshgrid", "indexing", "*x"),
    "min": _form("numpy", "Min", "axis keepdims initial", "x"),
    "minimum": _form("numpy", "Minimum", "", "x1 x2"),
    "mod": _form("numpy", "Mod", "", "x1 x2"),
    "moments": _form("nn", "Moments", "axes keepdims synchronized", "x"),
    "moveaxis": _form("numpy", "Moveaxis", "source destination", "x"),
    "multiply": _form("numpy", "Multiply", "", "x1 x2"),
    "nan_to_num": _form("numpy", "NanToNum", "nan posinf neginf", "x"),
    "nanargmax": _form("numpy", "Nanargmax", "axis keepdims", "x"),
    "nanargmin": _form("numpy", "Nanargmin", "axis keepdims", "x"),
    "nancumprod": _form("numpy", "Nancumprod", "axis dtype", "x"),
    "nancumsum": _form("numpy", "Nancumsum", "axis dtype", "x"),
    "nanmax": _form("numpy", "Nanmax", "axis keepdims", "x"),
    "nanmean": _form("numpy", "Nanmean", "axis keepdims", "x"),
    "nanmedian": _form("numpy", "Nanmedian", "axis keepdims", "x"),
    "nanmin": _form("numpy", "Nanmin", "axis keepdims", "x"),
    "nanpercentile": _form("numpy", "Nanpercentile", "axis method keepdims", "x q"),
    "nanprod": _form("numpy", "Nanprod", "axis keepdims", "x"),
    "nanquantile": _form("numpy", "Nanquantile", "axis method keepdims", "x q"),
    "nanstd": _form("numpy", "Nanstd", "axis keepdims", "x"),
    "nansum": _form("numpy", "Nansum", "axis keepdims", "x"),
    "nanvar": _form("numpy", "Nanvar", "axis keepdims", "x"),
    "negative": _form("numpy", "Negative", "", "x"),
    "norm": _form("linalg", "Norm", "ord axis keepdims", "x"),
    "normalize": _form("nn", "Normalize", "axis order epsilon", "x"),
    "not_equal": _form("numpy", "NotEqual", "", "x1 x2"),
    "one_hot": _form("nn", "OneHot", "num_classes axis dtype sparse", "x"),
    "ones_like": _form("numpy", "OnesLike", "dtype", "x"),
    "outer": _form("numpy", "Outer", "", "x1 x2"),
    "pad": _form("numpy", "Pad", "pad_width mode", "x", keywords="constant_values"),
    "percentile": _form("numpy", "Percentile", "axis method keepdims", "x q"),
    "power": _form("numpy", "Power", "", "x1 x2"),
    "prod": _form("numpy", "Prod", "axis keepdims dtype", "x"),
    "ptp": _form("numpy", "Ptp", "axis keepdims", "x"),
    "qr": _form("linalg", "Qr", "mode", "x"),
    "quantile": _form("numpy", "Quantile", "axis method keepdims", "x q"),
    "rad2deg": _form("numpy", "Rad2deg", "", "x"),
    "ravel": _form("numpy", "Ravel", "", "x"),
    "real": _form("numpy", "Real", "", "x"),
    "reciprocal": _form("numpy", "Reciprocal", "", "x"),
    "relu": _form("nn", "Relu", "", "x"),
    "relu6": _form("nn", "Relu6", "", "x"),
    "repeat": _form("numpy", "Repeat", "repeats axis", "x"),
    "reshape": _form("numpy", "Reshape", "newshape", "x"),
    "resize": _form(
        "image",
        "Resize",
        "size interpolation antialias data_format crop_to_aspect_ratio pad_to_aspect_ratio "
        "fill_mode fill_value",
        "images",
    ),
    "roll": _form("numpy", "Roll", "shift axis", "x"),
    "rot90": _form("numpy", "Rot90", "k axes", "array"),
    "round": _form("numpy", "Round", "decimals", "x"),
    "rsqrt": _form("math", "Rsqrt", "", "x"),
    "scan": _form("core", "Scan", "length reverse unroll", "f init xs"),
    "searchsorted": _form("numpy", "SearchSorted", "side", "sorted_sequence values"),
    "select": _form("numpy", "Select", "", "condlist choicelist default"),
    "selu": _form("nn", "Selu", "", "x"),
    "sigmoid": _form("nn", "Sigmoid", "", "x"),
    "sign": _form("numpy", "Sign", "", "x"),
    "signbit": _form("numpy", "Signbit", "", "x"),
    "silu": _form("nn", "Silu", "", "x"),
    "sin": _form("numpy", "Sin", "", "x"),
    "sinc": _form("numpy", "Sinc", "", "x"),
    "sinh": _form("numpy", "Sinh", "", "x"),
    "slice": _form("core", "Slice", "shape", "inputs start_indices"),
    "slice_update": _form("core", "SliceUpdate", "", "inputs start_indices updates"),
    "softmax": _form("nn", "Softmax", "axis", "x"),
    "softplus": _form("nn", "Softplus", "", "x"),
    "softsign": _form("nn", "Softsign", "", "x"),
    "sort": _form("numpy", "Sort", "axis", "x"),
    "sparse_categorical_crossentropy": _form(
        "nn", "SparseCategoricalCrossentropy", "from_logits axis", "target output"
    ),
    "split": _form("numpy", "Split", "indices_or_sections axis", "x"),
    "sqrt": _form("numpy", "Sqrt", "", "x"),
    "square": _form("numpy", "Square", "", "x"),
    "squeeze": _form("numpy", "Squeeze", "axis", "x"),
    "stack": _form("numpy", "Stack", "axis", "x"),
    "std": _form("numpy", "Std", "axis keepdims", "x"),
    "stop_gradient": _form("core", "StopGradient", "", "variable"),
    "subtract": _form("numpy", "Subtract", "", "x1 x2"),
    "sum": _form("numpy", "Sum", "axis keepdims", "x"),
    "swapaxes": _form("numpy", "Swapaxes", "axis1 axis2", "x"),
    "swish": _form("nn", "Silu", "", "x"),
    "switch": _form("core", "Switch", "", "index branches *operands"),
    "take": _form("numpy", "Take", "axis", "x indices"),
    "take_along_axis": _form("numpy", "TakeAlongAxis", "axis", "x indices"),
    "tan": _form("numpy", "Tan", "", "x"),
    "tanh": _form("numpy", "Tanh", "", "x"),
    "tensordot": _form("numpy", "Tensordot", "axes", "x1 x2"),
    "tile": _form("numpy", "Tile", "repeats", "x"),
    "top_k": _form("math", "TopK", "k sorted is_stable", "x"),
    "trace": _form("numpy", "Trace", "offset axis1 axis2", "x"),
    "transpose": _form("numpy", "Transpose", "axes", "x"),
    "trapezoid": _form("numpy", "Trapezoid", "x dx axis", "y"),
    "tril": _form("numpy", "Tril", "k", "x"),
    "triu": _form("numpy", "Triu", "k", "x"),
    "true_divide": _form("numpy", "TrueDivide", "", "x1 x2"),
    "trunc": _form("numpy", "Trunc", "", "x"),
    "unravel_index": _form("numpy", "UnravelIndex", "shape", "indices"),
    "unstack": _form("core", "Unstack", "num axis", "x"),
    "vander": _form("numpy", "Vander", "N increasing", "x"),
    "var": _form("numpy", "Var", "axis keepdims", "x"),
    "vdot": _form("numpy", "Vdot", "", "x1 x2"),
    "vectorized_map": _form("core", "VectorizedMap", "function", "elements"),
    "vsplit": _form("numpy", "Vsplit", "indices_or_sections", "x"),
    "vstack": _form("numpy", "Vstack", "", "xs"),
    "where": _form("numpy", "Where", "", "condition x1 x2"),
    "while_loop": _form("core", "WhileLoop", "cond body maximum_iterations", "loop_vars"),
    "zeros_like": _form("numpy", "ZerosLike", "dtype", "x"),
}

# Names that are aliases in Keras 3: reading their class gives the main name.
_ALIASES = ("abs", "swish")

# (Keras module, class name) -> ops name.
OPERATIONS_OF_KERAS_CLASSES: dict[tuple[str, str], str] = {
    (form.keras_module, form.class_name): name
    for name, form in KERAS_OPERATION_FORMS.items()
    if name not in _ALIASES
}
