"""What every backend checks and computes the same way, whatever arrays it holds.

Each module here is one concept (a convolution's geometry, a recurrent op's
arguments, a Variable's operators...) written once in plain Python over
shapes, names and numbers, so both backends raise the same errors with the
same words and agree on the same arithmetic. Nothing here creates or reads
backend arrays, and nothing imports a backend.
"""
