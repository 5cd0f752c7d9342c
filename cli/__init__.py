"""The ``yanglao`` command line (:mod:`cli.main`).

One BLAS thread, set here, before anything loads numpy: the model's matrix products are small,
and a multi-threaded BLAS on a busy machine made them many times slower; the process pool's
workers inherit it. A value the user set is kept.
"""

import os

for _blas in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")
