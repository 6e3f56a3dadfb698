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


#: test files that take longest (minutes, on 2 cores), run first: `make test` hands whole files to
#: its 2 workers in collection order, so a long file collected last would be a tail on one worker
SLOW_FIRST = (
    "test_browser_a11y.py",
    "test_browser_access.py",
    "test_two_servers.py",
    "test_open_round.py",
    "test_cli.py",
    "test_access_matrix.py",
    "test_disclosure_auditor.py",
)


def pytest_collection_modifyitems(items):
    """Move the files of :data:`SLOW_FIRST` to the front (same order on every worker; a file's tests
    keep their order)."""
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
