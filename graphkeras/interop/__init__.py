"""Reading and writing Keras's own model files (``.keras`` and legacy ``.h5``).

Everything here needs h5py, the optional ``keras`` extra
(``pip install 'graphkeras[keras]'``); without it these readers and writers
raise an ``ImportError`` that says so, and the rest of graphkeras works as
before. Files are trusted no more than ``.gk`` archives: their class names
resolve only through graphkeras's registries and ``custom_objects``, module
paths written in them are never imported, and HDF5 links that could lead
outside the file are refused.
"""
