"""Roles: which pages and actions each role has; its data scope comes from data_access.

=============  ===========================================================  ==========================
role           pages                                                        actions
=============  ===========================================================  ==========================
beheerder      every dashboard, Import en export, Microdata, Logboek        import, rounds, microdata,
                                                                            research_export, reports,
                                                                            audit
inspecteur     every dashboard, Import en export, Microdata                 import, rounds, microdata,
                                                                            research_export, reports
gi             Overzicht, Inspectierapport, Vergelijken, Opmerkingen,       reports
               Rondeverslag -- own institution; others only as
               "alle andere GI's samen"
onderzoeker    Overzicht, Inspectierapport, Vergelijken, Verbanden,         research_export, reports
               Rondeverslag, Microdata -- every institution, aggregates
               and the k-anonymous microdata only
=============  ===========================================================  ==========================

Every role may download the charts and the (suppressed) tables of its pages.
Row-level data (the responses export, action ``microdata``) and free-text
comments are for the roles whose scope allows it; ``research_export`` is the
k-anonymous microdata without free text (:mod:`analysis.microdata`, page
Microdata). The roles with action ``microdata`` (row data) read the live
protected table; ``gi`` and ``onderzoeker`` read figures of closed rounds only
(:func:`survey_app.dashboard.data_access.table_rounds`, issue 9 H5).
The anonymous visitor has no page and no scope.
This module has no streamlit import.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey_app.dashboard.data_access import Scope, scope_for
from survey_app.storage.schema import ROLES

ALL = ROLES

#: url path of each staff page -> the roles that see it (menu order)
PAGE_ROLES: dict[str, tuple[str, ...]] = {
    "overzicht": ALL,
    "inspectierapport": ALL,
    "vergelijken": ALL,
    "verbanden": ("beheerder", "inspecteur", "onderzoeker"),
    "opmerkingen": ("beheerder", "inspecteur", "gi"),
    "rondeverslag": ("gi", "onderzoeker"),
    "import-export": ("beheerder", "inspecteur"),
    "microdata": ("beheerder", "inspecteur", "onderzoeker"),
    "rondes": ("beheerder", "inspecteur", "gi"),
    "logboek": ("beheerder",),
}

#: action -> the roles that may do it
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "import": ("beheerder", "inspecteur"),
    "rounds": ("beheerder", "inspecteur"),
    "microdata": ("beheerder", "inspecteur"),
    "research_export": ("beheerder", "inspecteur", "onderzoeker"),
    "reports": ALL,
    "audit": ("beheerder",),
}


def pages_for(role: str | None) -> tuple[str, ...]:
    """The url paths of the staff pages ``role`` sees, in menu order (none for an unknown role)."""
    return tuple(p for p, roles in PAGE_ROLES.items() if role in roles)


def actions_for(role: str | None) -> frozenset[str]:
    return frozenset(a for a, roles in ACTION_ROLES.items() if role in roles)


@dataclass(frozen=True)
class Access:
    """What the signed-in person may do: built from the account in the database on every run."""

    name: str
    role: str
    gi: str | None
    scope: Scope
    pages: tuple[str, ...]
    actions: frozenset[str]

    def can(self, action: str) -> bool:
        return action in self.actions

    def sees(self, page: str) -> bool:
        return page in self.pages


def access_for(name: str, role: str, gi: str | None) -> Access:
    """The :class:`Access` of an account (scope from :func:`survey_app.dashboard.data_access.scope_for`)."""
    scope = scope_for(role, gi)
    if scope.is_nothing:  # e.g. a gi account without an institution: no page either
        return Access(name=name, role=role, gi=gi, scope=scope, pages=(), actions=frozenset())
    return Access(name=name, role=role, gi=gi, scope=scope, pages=pages_for(role), actions=actions_for(role))
