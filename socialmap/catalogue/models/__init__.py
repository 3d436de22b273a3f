"""The catalogue's entities. Importing this package registers every table."""

from socialmap.audit import audit
from socialmap.catalogue.models.area import AreaUnit
from socialmap.catalogue.models.location import Location
from socialmap.catalogue.models.need import NeedTerm
from socialmap.catalogue.models.organisation import Organisation
from socialmap.catalogue.models.service import (
    Contact,
    ScheduleException,
    ScheduleRule,
    Service,
    ServiceFacet,
    service_area,
    service_location,
    service_need,
)
from socialmap.revision import watch

audit(Organisation, Location, Service, ServiceFacet, Contact, ScheduleRule, ScheduleException, NeedTerm)
watch("needs", NeedTerm)  # the need matcher and labels every process caches
watch("areas", AreaUnit)  # the area tree every process caches

__all__ = [
    "AreaUnit",
    "NeedTerm",
    "Organisation",
    "Location",
    "Service",
    "ServiceFacet",
    "Contact",
    "ScheduleRule",
    "ScheduleException",
    "service_area",
    "service_location",
    "service_need",
]
