"""unique_cells against numpy's row-wise unique, its slow reference."""

from __future__ import annotations

import numpy as np
import pytest

from worldstream.geometry.cells import unique_cells


@pytest.mark.parametrize(
    "cells",
    [
        np.random.default_rng(0).integers(-5, 5, (5000, 3)),
        np.random.default_rng(1).integers(-(10**6), 10**6, (2000, 3)),
        np.array([[3, -1, 2]]),
        np.zeros((0, 3), np.int64),
        # Beyond the packed key's reach: falls back to rows.
        np.array([[-(2**40), 0, 0], [2**40, 2**30, 2**30], [0, 0, 0], [0, 0, 0]]),
    ],
)
def test_unique_cells_is_numpys_row_unique_with_its_inverse(cells):
    unique, inverse = unique_cells(cells)
    if len(cells):
        expected, expected_inverse = np.unique(cells, axis=0, return_inverse=True)
        np.testing.assert_array_equal(unique, expected)
        np.testing.assert_array_equal(inverse, expected_inverse.reshape(-1))
        np.testing.assert_array_equal(unique[inverse], cells)
    else:
        assert unique.shape == (0, 3) and inverse.shape == (0,)

