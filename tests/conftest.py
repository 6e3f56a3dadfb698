import pytest

pytest_plugins = ["db_fixtures"]


@pytest.fixture
def below_min_cell_floor(monkeypatch):
    """Lets a test call the statistics with ``min_cell`` below the contract floor of 10.

    The analysis API refuses ``min_cell < contract.MIN_CELL_FLOOR``
    (:func:`analysis.contract.check_min_cell`).  Tests that pin the arithmetic on
    small hand-made frames (a Hollander-Wolfe example of groups of 6, "nothing
    hidden" with ``min_cell=0``) lower the floor for that one test only.
    """
    from analysis import contract

    monkeypatch.setattr(contract, "MIN_CELL_FLOOR", 0)
