"""analysis.contract: the shared definitions (institution codes, the min_cell floor)."""

import numpy as np
import pytest

from analysis import contract


@pytest.mark.parametrize("code", ["JBRA", "WSS", "GI_A", "jb-west", "x", "9", "A" * 20, "a_-b"])
def test_contract_is_gi_code_accepts_contract_1_1_codes(code):
    assert contract.is_gi_code(code)
    assert contract.GI_RE.fullmatch(code)


@pytest.mark.parametrize("code", ["", "-JB", "_A", "JB RA", "JB.RA", "A" * 21, "jbé", " JB", None, 12])
def test_contract_is_gi_code_refuses_other_codes(code):
    assert not contract.is_gi_code(code)


def test_contract_gi_codes_of_the_five_institutions_are_valid():
    assert all(contract.is_gi_code(g) for g in contract.GI_CODES)


def test_contract_min_cell_floor_is_ten():
    # data contract section 2: "min_cell (default 10, never lower)"
    assert contract.MIN_CELL_FLOOR == 10
    assert contract.DEFAULT_MIN_CELL >= contract.MIN_CELL_FLOOR


@pytest.mark.parametrize("value", [10, 11, 50, np.int64(10)])
def test_contract_check_min_cell_accepts_the_floor_and_above(value):
    assert contract.check_min_cell(value) == int(value)
    assert type(contract.check_min_cell(value)) is int


@pytest.mark.parametrize("value", [9, 5, 1, 0, -1, 10.0, "10", True, None])
def test_contract_check_min_cell_refuses_below_the_floor_and_non_integers(value):
    with pytest.raises(ValueError, match=r"min_cell must be a whole number >= 10"):
        contract.check_min_cell(value)
