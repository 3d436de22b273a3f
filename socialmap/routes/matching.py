"""Which catalogue services can carry out a step, and how need codes relate.

Need codes are hierarchical (``fin`` > ``fin.worries``): a criterion or a
step naming ``fin`` covers every money need, and a service that helps with
``fin`` in general helps with ``fin.worries`` too.
"""

from __future__ import annotations

from collections.abc import Iterable


def need_covers(wanted: str, offered: str) -> bool:
    """True when need ``offered`` falls under ``wanted`` or the other way round."""
    return offered == wanted or offered.startswith(wanted + ".") or wanted.startswith(offered + ".")


def needs_meeting(wanted: Iterable[str], offered: Iterable[str]) -> list[str]:
    """The codes of ``wanted`` that some code of ``offered`` covers (in ``wanted``'s order)."""
    offered = list(offered)
    return [w for w in wanted if any(need_covers(w, o) for o in offered)]


def top_domains(need_codes: Iterable[str]) -> set[str]:
    """The life domains (top-level need codes) a set of needs touches."""
    return {code.split(".")[0] for code in need_codes}


def fits_step(step, service, age: int | None = None) -> bool:
    """Can ``service`` carry out ``step`` (for a person of ``age``, when given)?"""
    if not step.service_kinds or not set(step.service_kinds) & set(service.kinds):
        return False
    if step.service_domains and not set(step.service_domains) & set(service.domains):
        return False
    if step.service_needs and not needs_meeting(step.service_needs, [n.code for n in service.needs]):
        return False
    return accepts_age(service, age)


def accepts_age(service, age: int | None) -> bool:
    if age is None:
        return True
    return (service.min_age is None or age >= service.min_age) and (service.max_age is None or age <= service.max_age)


def takes_some_ages_of(service, route) -> bool:
    """Whether ``service`` takes at least one age ``route`` is agreed for."""
    low = max(route.min_age or 0, service.min_age or 0)
    high = min(200 if route.max_age is None else route.max_age, 200 if service.max_age is None else service.max_age)
    return low <= high


def takes_all_ages_of(service, route) -> bool:
    """Whether ``service`` takes every age ``route`` is agreed for: on a route
    for adults an 18+ service does, on a route for all ages only a service
    without an age range does."""
    low_ok = service.min_age is None or (route.min_age is not None and service.min_age <= route.min_age)
    high_ok = service.max_age is None or (route.max_age is not None and service.max_age >= route.max_age)
    return low_ok and high_ok
