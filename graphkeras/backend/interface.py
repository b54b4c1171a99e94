"""The backend interface: what every backend module provides, and its contract.

A backend is a plain module. The loader checks it against this table when it
is imported, and ``tests/test_backend_conformance.py`` checks each entry's
behaviour against every available backend. Arrays below mean the backend's
own array type; every function that takes arrays also takes the backend's
Variables (reading their value) and returns new arrays without changing its
inputs. Dtypes are given and returned as names (``"float32"``).

To add a backend: write a module providing every name below, add it to
``AVAILABLE_BACKENDS`` in ``graphkeras/backend/__init__.py``; the conformance
suite then runs against it too.
"""

from __future__ import annotations

BACKEND_INTERFACE: dict[str, str] = {
    # ------------------------------------------------------------ identity
    "backend": "backend() -> str: the backend's name.",
    # --------------------------------------------------- arrays and variables
    "Variable": "Variable(value, dtype=None, name=None, trainable=True): a mutable named "
    "array with .value, .numpy() (a copy), .shape, .dtype, .name, .trainable, .path "
    "(read-only: the name scopes open at creation joined by '/', then the name), "
    ".assign(value) (replaces the value; shape must match, else ValueError), "
    ".assign_add(delta) / .assign_sub(delta) (in place).",
    "variable": "variable(value, dtype=None, name=None, trainable=True) -> Variable; "
    "floating values default to floatx().",
    "is_variable": "is_variable(x) -> bool.",
    "is_tensor": "is_tensor(x) -> bool: x is a backend array (not a Variable).",
    "is_keras_tensor": "is_keras_tensor(x) -> bool: x is a symbolic KerasTensor.",
    "convert_to_tensor": "convert_to_tensor(x, dtype=None) -> array; Python floats give floatx().",
    "convert_to_numpy": "convert_to_numpy(x) -> numpy.ndarray.",
    "cast": "cast(x, dtype) -> array of that dtype (x itself when it already has it).",
    "dtype": "dtype(x) -> str: dtype name of an array, Variable or KerasTensor.",
    "result_type": "result_type(*dtypes) -> str: the dtype this backend's arithmetic gives "
    "when combining arrays of these dtypes; Python int/float/bool stand for weak scalars "
    "that do not widen.",
    "int_shape": "int_shape(x) -> tuple: shape with None for unknown dims; "
    "works on arrays, Variables and KerasTensors.",
    "ndim": "ndim(x) -> int.",
    "count_params": "count_params(x) -> int: number of scalars.",
    "get_value": "get_value(x) -> numpy.ndarray: a copy of a Variable's value.",
    "set_value": "set_value(variable, value): assign; ValueError on a shape mismatch.",
    "batch_get_value": "batch_get_value(variables) -> list of numpy arrays.",
    "batch_set_value": "batch_set_value(pairs): assign each (variable, value); every shape "
    "is checked before any is assigned.",
    # ------------------------------------------------------------- creation
    "zeros": "zeros(shape, dtype=None) -> array (floatx by default).",
    "ones": "ones(shape, dtype=None) -> array.",
    "full": "full(shape, fill_value, dtype=None) -> array.",
    "zeros_like": "zeros_like(x, dtype=None) -> array.",
    "ones_like": "ones_like(x, dtype=None) -> array.",
    "eye": "eye(n, m=None, dtype=None) -> identity matrix.",
    "arange": "arange(start, stop=None, step=1, dtype=None) -> array.",
    "linspace": "linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, "
    "axis=0) -> num evenly spaced samples from start to stop (stop left out without "
    "endpoint), or (samples, step) with retstep; array start/stop give one run per pair "
    "along the new axis; dtype None: the widest float of array start/stop, else floatx(); "
    "num not a non-negative int raises ValueError.",
    # --------------------------------------------------------------- random
    "set_random_seed": "set_random_seed(seed): makes every unseeded draw reproducible.",
    "seed_generator": "seed_generator(seed=None, name=None) -> an opaque generator to pass as "
    "seed= to the random functions; each draw advances it; without a seed its own seed comes "
    "from the process-wide generator (so set_random_seed makes it reproducible). A backend "
    "that keeps its state in a Variable makes it in the name scope `name` (default a unique "
    "'seed_generator', 'seed_generator_1', ...): path '<name>/seed_generator_state'.",
    "random_uniform": "random_uniform(shape, minval=0, maxval=1, dtype=None, seed=None); seed "
    "is None (process-wide generator), an int (same draw every call) or a seed_generator.",
    "random_normal": "random_normal(shape, mean=0, stddev=1, dtype=None, seed=None).",
    "truncated_normal": "truncated_normal(shape, mean=0, stddev=1, dtype=None, seed=None): "
    "normal draws within two standard deviations.",
    "random_permutation": "random_permutation(n, seed=None) -> int array, a permutation.",
    "GradientTape": "GradientTape(persistent=False, watch_accessed_variables=True): context "
    "manager recording backend ops, and the Python operators and numpy functions applied to "
    "what they return; .watch(values), .gradient(target, sources, "
    "output_gradients=None) -> gradients (None for unconnected sources), .stop_recording(), "
    ".reset(). A gradient reaching an op without one raises (never silently dropped).",
    "value_and_grad": "value_and_grad(fn, argnums=0, has_aux=False) -> a function of fn's "
    "arguments returning (value, gradients), or ((value, aux), gradients) with has_aux, as "
    "jax.value_and_grad: fn returns a scalar; gradients are taken for the positional "
    "arguments argnums (an int: that argument's gradient; a tuple: a tuple of them), each "
    "an array or a nested list, tuple or dict of arrays, and come back in the same structure; "
    "an argument the value does not depend on gets zeros. Bad argnums raise ValueError.",
    "stop_gradient": "stop_gradient(x): x's value, cut from the tape.",
    "adam_update": "adam_update(variable, gradient, momentum, velocity, beta_1, beta_2, "
    "step_size, epsilon, velocity_hat=None): one Adam step on the Variables in place: "
    "m += (g - m) * (1 - beta_1); v += (g * g - v) * (1 - beta_2); with velocity_hat "
    "v_hat = max(v_hat, v), used below; w -= m / (sqrt(v) + epsilon) * step_size.",
    "dropout": "dropout(x, rate, noise_shape=None, seed=None): zero with probability rate, "
    "scale the rest by 1/(1-rate).",
    # --------------------------------------------------------- element-wise
    "add": "add(x, y): x + y, broadcasting.",
    "subtract": "subtract(x, y): x - y.",
    "multiply": "multiply(x, y): x * y.",
    "divide": "divide(x, y): true division.",
    "power": "power(x, y): x ** y.",
    "negative": "negative(x): -x.",
    "abs": "abs(x): |x|.",
    "sign": "sign(x): -1, 0 or 1.",
    "sqrt": "sqrt(x).",
    "square": "square(x).",
    "exp": "exp(x).",
    "log": "log(x).",
    "maximum": "maximum(x, y): element-wise.",
    "minimum": "minimum(x, y): element-wise.",
    "clip": "clip(x, min_value, max_value).",
    "where": "where(condition, x, y).",
    "equal": "equal(x, y) -> bool array.",
    "not_equal": "not_equal(x, y) -> bool array.",
    "greater": "greater(x, y) -> bool array.",
    "greater_equal": "greater_equal(x, y) -> bool array.",
    "less": "less(x, y) -> bool array.",
    "less_equal": "less_equal(x, y) -> bool array.",
    "logical_and": "logical_and(x, y).",
    "logical_or": "logical_or(x, y).",
    "logical_not": "logical_not(x).",
    "logical_xor": "logical_xor(x1, x2) -> bool array, broadcasting. Not differentiable.",
    # ---------------------------------------------------- element-wise math
    # Integer or bool x gives floatx() for the real-valued ones (Keras 3); floats keep
    # their dtype.
    "log1p": "log1p(x): log(1 + x), accurate near 0.",
    "expm1": "expm1(x): exp(x) - 1, accurate near 0.",
    "reciprocal": "reciprocal(x): 1 / x (integers computed in floatx()).",
    "sin": "sin(x), radians.",
    "cos": "cos(x).",
    "tan": "tan(x).",
    "arcsin": "arcsin(x): in [-pi/2, pi/2], NaN outside [-1, 1].",
    "arccos": "arccos(x): in [0, pi], NaN outside [-1, 1].",
    "arctan": "arctan(x).",
    "arctan2": "arctan2(x1, x2): the angle of the point (x2, x1) in [-pi, pi], broadcasting; "
    "two integer inputs give floatx(). Differentiable in both.",
    "sinh": "sinh(x).",
    "cosh": "cosh(x).",
    "floor": "floor(x): integers give floatx(). Gradient 0 (as JAX).",
    "ceil": "ceil(x): integers give floatx(). Gradient 0.",
    "round": "round(x, decimals=0): halves to even, dtype kept; decimals not an int raises "
    "TypeError. Gradient 0.",
    "floor_divide": "floor_divide(x1, x2): floor(x1 / x2) as Python's //, broadcasting; "
    "integers stay integers. Not differentiable.",
    "mod": "mod(x1, x2): the remainder of floor_divide, with the sign of x2 (Python's %). "
    "Not differentiable.",
    "isnan": "isnan(x) -> bool array. Not differentiable.",
    "isinf": "isinf(x) -> bool array (+inf or -inf). Not differentiable.",
    "isfinite": "isfinite(x) -> bool array (neither inf nor NaN). Not differentiable.",
    # ----------------------------------------------------------- reductions
    "sum": "sum(x, axis=None, keepdims=False).",
    "mean": "mean(x, axis=None, keepdims=False).",
    "max": "max(x, axis=None, keepdims=False).",
    "min": "min(x, axis=None, keepdims=False).",
    "prod": "prod(x, axis=None, keepdims=False).",
    "var": "var(x, axis=None, keepdims=False): population variance.",
    "std": "std(x, axis=None, keepdims=False): population standard deviation.",
    "any": "any(x, axis=None, keepdims=False).",
    "all": "all(x, axis=None, keepdims=False).",
    "argmax": "argmax(x, axis=-1, keepdims=False): index of the first largest entry along "
    "axis (None: of the flattened x).",
    "argmin": "argmin(x, axis=-1, keepdims=False): index of the first smallest entry.",
    "logsumexp": "logsumexp(x, axis=None, keepdims=False): log(sum(exp(x))) without "
    "overflow; a slice of all -inf gives -inf; integers give floatx(). Gradient: the "
    "softmax of x over the axes.",
    # ----------------------------------------------------- running scans
    "cumsum": "cumsum(x, axis=None, dtype=None): running sum along axis (of the flattened x "
    "when None); dtype None keeps x's dtype (bool counts in int32). Differentiable.",
    "cumprod": "cumprod(x, axis=None, dtype=None): running product, as cumsum. "
    "Differentiable, exactly also where x has zeros.",
    # ------------------------------------------------------- linear algebra
    "dot": "dot(x, y): contract x's last axis with y's second-to-last (x @ y for a matrix y).",
    "matmul": "matmul(x, y): x @ y with batching.",
    "batch_dot": "batch_dot(x, y, axes): per-sample dot along axes; rank-1 results "
    "come back as (batch, 1).",
    "l2_normalize": "l2_normalize(x, axis=-1): x / max(||x||, 1e-6).",
    "qr": "qr(x, mode='reduced') -> (q, r).",
    "norm": "norm(x, ord=None, axis=None, keepdims=False): as Keras 3 ops.norm: vectors on "
    "one axis (ord None/2, 1, inf, -inf, 0 = count of non-zeros, any other p: "
    "sum(|x|^p)^(1/p)), matrices on two (None/'fro', 'nuc', 1, -1, inf, -inf, 2, -2); axis "
    "None: every axis with ord None (the flattened 2-norm), else x must be a vector or a "
    "matrix; other ords or axes raise ValueError; integers give floatx(). Differentiable, "
    "with subgradients at kinks (0 at a zero vector, ties split) and distinct singular "
    "values assumed for 2, -2, 'nuc'.",
    "inv": "inv(x): the inverse of each square matrix (the last two axes); a singular one raises "
    "ValueError; integers give floatx(). Differentiable.",
    "solve": "solve(a, b): x with a @ x == b for square a (..., n, n) and b (..., n, k), or b "
    "(..., n) for one vector per matrix; other shapes or a singular a raise ValueError. "
    "Differentiable in a and b.",
    "det": "det(x): the determinant of each square matrix. Differentiable (invertible x).",
    "logdet": "logdet(x): log |det x| of each square matrix, without det's overflow. "
    "Differentiable (invertible x).",
    "cholesky": "cholesky(x, upper=False): L lower triangular with x == L @ Lᵀ for symmetric "
    "positive-definite x (reading its lower triangle), or U = Lᵀ with upper; not positive "
    "definite raises ValueError. Differentiable: the gradient is symmetric, as x is.",
    "tril": "tril(x, k=0): the last two axes with the entries above diagonal k zeroed "
    "(rank below 2 raises ValueError). Differentiable.",
    "triu": "triu(x, k=0): the last two axes with the entries below diagonal k zeroed. "
    "Differentiable.",
    # ------------------------------------------------------------ reshaping
    "reshape": "reshape(x, shape).",
    "transpose": "transpose(x, axes=None).",
    "expand_dims": "expand_dims(x, axis).",
    "squeeze": "squeeze(x, axis=None).",
    "concatenate": "concatenate(tensors, axis=-1).",
    "stack": "stack(tensors, axis=0).",
    "repeat": "repeat(x, repeats, axis=None): each entry repeated.",
    "tile": "tile(x, repeats): the whole array repeated.",
    "batch_flatten": "batch_flatten(x): (batch, ...) -> (batch, rest).",
    "getitem": "getitem(x, key): x[key] with ints, slices, Ellipsis and None.",
    "slice": "slice(inputs, start_indices, shape): a copy of the box of inputs starting at "
    "start_indices (one int per axis; a list or an int array) with shape (-1: to the end of "
    "the axis); a box not inside inputs raises ValueError (JAX would move it). "
    "Differentiable in inputs.",
    "slice_update": "slice_update(inputs, start_indices, updates): a copy of inputs with the "
    "box at start_indices replaced by updates (same rank, cast to inputs' dtype); a box not "
    "inside raises ValueError. Differentiable in inputs and updates.",
    # ------------------------------------------------------------- indexing
    "take": "take(x, indices, axis=None): the slices of x at integer indices along axis "
    "(of the flattened x when None); the result has indices' shape in place of that axis. "
    "Negative indices count from the end; an index out of range or non-integer indices "
    "raise ValueError. Differentiable in x (a scatter-add: rows read twice add up).",
    "take_along_axis": "take_along_axis(x, indices, axis=None): out[..., i, ...] = "
    "x[..., indices[..., i, ...], ...] on axis, indices of x's rank (1-D for axis None: "
    "the flattened x), the other axes broadcasting; indices checked as take's. "
    "Differentiable in x (scatter-add).",
    "one_hot": "one_hot(x, num_classes, axis=-1, dtype=None): a new axis of num_classes at "
    "axis, 1 at each entry's class; an entry outside [0, num_classes) gives all zeros (as "
    "JAX); dtype None: floatx(). Not differentiable.",
    # -------------------------------------------------------------- sorting
    "sort": "sort(x, axis=-1): ascending along axis (None: the flattened x); NaN last. "
    "Differentiable: each gradient goes back to the position its entry came from.",
    "argsort": "argsort(x, axis=-1) -> int32 positions that sort x ascending, stable (ties "
    "keep their order). Not differentiable.",
    "top_k": "top_k(x, k, sorted=True) -> (values, indices): the k largest entries along the "
    "last axis, largest first, ties by lowest position; indices int32; k outside "
    "[0, size] raises ValueError. Differentiable in values (a gradient reaching indices "
    "raises).",
    # ------------------------------------------------ pooling, padding, resizing
    "max_pool": "max_pool(x, pool_size, strides=None, padding='valid', data_format=None): "
    "largest entry of each window over the spatial axes of x (batch, *spatial, channels) "
    "or (batch, channels, *spatial) (data_format None: image_data_format()); pool_size and "
    "strides are an int or one int per spatial axis, strides None means pool_size. 'same' "
    "gives ceil(size / stride) windows per axis, padding half the shortfall before (rounded "
    "down) and the rest after; padding never wins. Gradient: to each window's first maximum.",
    "average_pool": "average_pool(x, pool_size, strides=None, padding='valid', "
    "data_format=None): mean of each window (arguments as max_pool); with 'same' a window "
    "over the border is averaged over its real entries only (Keras 3).",
    "pad": "pad(x, pad_width, mode='constant', constant_values=0): x grown by pad_width "
    "(an int, one (before, after) pair, or a pair per axis; negatives raise ValueError); "
    "mode 'constant', 'edge', 'reflect', 'symmetric' or 'wrap' as numpy.pad; x's dtype kept.",
    "resize": "resize(images, size, interpolation='bilinear', antialias=False, data_format=None): "
    "images of rank 3 or 4 resized to size=(height, width) as Keras 3, sampling at half-pixel "
    "centers: 'nearest'; 'bilinear', 'bicubic' (Keys, a=-0.5), 'lanczos3', 'lanczos5' as "
    "jax.image.resize (taps outside the image dropped and the rest renormalised; antialias "
    "stretches the kernel when shrinking); 'area' as TensorFlow (box means). Gradient: the "
    "transposed weights.",
    "affine_transform": "affine_transform(images, transform, interpolation='bilinear', "
    "fill_mode='constant', fill_value=0.0, data_format=None): images of rank 3 or 4 "
    "resampled as Keras 3 ops.image.affine_transform: a transform row [a0, a1, a2, b0, b1, "
    "b2, c0, c1] ((8,) or (batch, 8), one row for all images or one per image) maps output "
    "(x, y) to input ((a0 x + a1 y + a2) / k, (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1; "
    "'nearest' (rounding half away from zero) or 'bilinear'; fill_mode 'constant' "
    "(fill_value off the image, blended at the border), 'nearest', 'wrap', 'mirror' or "
    "'reflect' as jax.scipy.ndimage.map_coordinates; the images' dtype kept. "
    "Differentiable in images.",
    # ----------------------------------------------------------- convolution
    "conv": "conv(x, kernel, strides=1, padding='valid', data_format=None, dilation_rate=1): "
    "N-D cross-correlation (1 to 3 spatial axes) as Keras 3 ops.conv; kernel "
    "(*kernel_size, in_channels // groups, filters): kernel in_channels dividing the input's "
    "channels make that many groups (ValueError otherwise). padding 'valid', 'same' "
    "(ceil(size / stride) outputs, padding split evenly, the extra one after) or 'causal' "
    "(all padding before the start). An empty output raises ValueError. Differentiable in "
    "x and kernel.",
    "depthwise_conv": "depthwise_conv(x, kernel, strides=1, padding='valid', "
    "data_format=None, dilation_rate=1): kernel (*kernel_size, in_channels, "
    "depth_multiplier); output channel c * depth_multiplier + m is input channel c "
    "convolved with kernel[..., c, m]. Differentiable in x and kernel.",
    "conv_transpose": "conv_transpose(x, kernel, strides=1, padding='valid', "
    "output_padding=None, data_format=None, dilation_rate=1): the transpose of conv as "
    "Keras 3 ops.conv_transpose; kernel (*kernel_size, filters, in_channels); per axis, "
    "with k the dilated kernel extent: 'valid' gives (size - 1) * stride + max(k, stride), "
    "'same' size * stride, or with output_padding p: (size - 1) * stride + k + p ('valid'), "
    "(size - 1) * stride + k % 2 + p ('same'). Differentiable in x and kernel.",
    # ------------------------------------------------------------- recurrent
    "lstm_sequence": "lstm_sequence(inputs, initial_h, initial_c, kernel, recurrent_kernel, "
    "bias=None, mask=None, go_backwards=False, return_sequences=True, "
    "zero_output_for_mask=False, activation='tanh', recurrent_activation='sigmoid') -> "
    "(outputs, final_h, final_c): a Keras 3 LSTM scanned over inputs (batch, timesteps, "
    "features); kernel (features, 4 * units), recurrent_kernel (units, 4 * units), bias "
    "(4 * units,), gates i, f, c, o; outputs (batch, timesteps, units) in the order processed "
    "(reversed with go_backwards), or the last step's (batch, units) without "
    "return_sequences. mask (batch, timesteps): a "
    "masked step keeps each state and outputs the previous h (zeros with "
    "zero_output_for_mask). Activations by name: tanh, sigmoid, relu, linear, hard_sigmoid. "
    "Differentiable in inputs, states, kernels and bias.",
    "gru_sequence": "gru_sequence(inputs, initial_h, kernel, recurrent_kernel, bias=None, "
    "mask=None, go_backwards=False, return_sequences=True, zero_output_for_mask=False, "
    "reset_after=True, "
    "activation='tanh', recurrent_activation='sigmoid') -> (outputs, final_h): a Keras 3 GRU "
    "scanned as lstm_sequence; kernels (features | units, 3 * units), gates z, r, h; bias "
    "(2, 3 * units) (input then recurrent) with reset_after, else (3 * units,).",
    "simple_rnn_sequence": "simple_rnn_sequence(inputs, initial_h, kernel, recurrent_kernel, "
    "bias=None, mask=None, go_backwards=False, return_sequences=True, "
    "zero_output_for_mask=False, activation='tanh') -> (outputs, final_h): "
    "h = activation(x @ kernel + h @ recurrent_kernel + bias) scanned as lstm_sequence.",
    # --------------------------------------------------------------- einsum
    "einsum": "einsum(subscripts, *operands): Einstein summation of one or two operands "
    "with numpy's notation: explicit ('ij,jk->ik') or implicit output, '...' for "
    "broadcast leading axes, length-1 axes broadcast; more operands raise ValueError. "
    "Differentiable in every operand.",
    # ----------------------------------------------------------- neural nets
    "bias_add": "bias_add(x, bias, data_format=None): add on the channel axis; None means "
    "image_data_format().",
    "relu": "relu(x, negative_slope=0, max_value=None, threshold=0): Keras 3 semantics: "
    "(x if x > threshold else 0) clipped to [0, max_value], minus "
    "negative_slope * max(threshold - x, 0).",
    "relu6": "relu6(x): min(max(x, 0), 6).",
    "leaky_relu": "leaky_relu(x, negative_slope=0.2).",
    "elu": "elu(x, alpha=1.0).",
    "selu": "selu(x).",
    "celu": "celu(x, alpha=1.0).",
    "gelu": "gelu(x, approximate=False).",
    "sigmoid": "sigmoid(x), stable for large |x|.",
    "hard_sigmoid": "hard_sigmoid(x): clip(x / 6 + 0.5, 0, 1).",
    "silu": "silu(x): x * sigmoid(x).",
    "hard_silu": "hard_silu(x): x * hard_sigmoid(x).",
    "tanh": "tanh(x).",
    "softplus": "softplus(x): log(1 + exp(x)), stable.",
    "softsign": "softsign(x): x / (1 + |x|).",
    "mish": "mish(x): x * tanh(softplus(x)).",
    "erf": "erf(x).",
    "erfc": "erfc(x): 1 - erf(x), accurate in the tails.",
    "softmax": "softmax(x, axis=-1), stable.",
    "log_softmax": "log_softmax(x, axis=-1), stable.",
}
