"""Who a service is for: rules every page, map and export can share."""

from __future__ import annotations

from collections.abc import Iterable

from socialmap.catalogue.models import Service

PROFESSIONALS = "professionals"  # the target group (service facet ``group``)


def professionals_only(groups: Iterable[str]) -> bool:
    """Target-group codes that name professionals and no one else (for code
    that holds codes, not a :class:`Service`, such as a search document).

    Access does not decide it: a service reached only through a referral
    (``professional_referral``: IPS, FACT) still helps clients, who should find
    it and read how to get there."""
    groups = set(groups)
    return bool(groups) and groups == {PROFESSIONALS}


def is_professional_only(service: Service) -> bool:
    """True when the service is only for professionals: its target groups
    (facet ``group``) are ``professionals`` and nothing else, e.g. a ggz
    consultation line for GPs. Such services stay off pages for residents.
    A service for clients *and* professionals is for everyone."""
    return professionals_only(service.target_groups)
