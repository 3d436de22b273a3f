"""JSON shapes of the routes API. Professional-only fields (referral
instructions, professional contacts) appear only for professionals."""

from __future__ import annotations

from flask import url_for

from socialmap.i18n import pick
from socialmap.routes.kinds import step_kinds
from socialmap.routes.presenters import reason_text


def texts(obj, field: str) -> dict[str, str]:
    """{lang: text} of a translatable field: Dutch plus what ``translations`` holds."""
    found = {"nl": getattr(obj, field)} if getattr(obj, field) else {}
    for lang, values in (obj.translations or {}).items():
        if values.get(field):
            found[lang] = values[field]
    return found


def route_summary(route) -> dict:
    return {
        "key": route.key,
        "title": texts(route, "title"),
        "purpose": texts(route, "purpose"),
        "scope": {"code": route.scope.code, "name": route.scope.name, "level": route.scope.level},
        "owner": {"key": route.owner.key, "name": route.owner.name},
        "version": route.version,
        "status": route.status,
        "valid_from": route.valid_from.isoformat(),
        "review_date": route.review_date.isoformat(),
        "ages": {"min": route.min_age, "max": route.max_age},
        "url": url_for("routes.route_page", key=route.key, _external=True),
        "api": url_for("routes_api.api_route", key=route.key, _external=True),
    }


def step_json(step, services=None, professional=False) -> dict:
    data = {
        "key": step.key,
        "kind": step.kind,
        "kind_label": dict(step_kinds().get(step.kind, {}).get("label") or {}),
        "entry": step.is_entry,
        "title": texts(step, "title"),
        "who": texts(step, "performer"),
        "what": texts(step, "activity"),
        "duration": texts(step, "duration"),
        "client_present": step.client_present,
        "wait_days": step.wait_days,
        "services_by": {"kinds": step.service_kinds, "needs": step.service_needs, "domains": step.service_domains},
    }
    if services is not None:
        data["services"] = [service_json(s, professional) for s in services]
    return data


def transition_json(t, professional=False) -> dict:
    data = {
        "from": t.from_step.key,
        "to": t.to_step.key,
        "kind": t.kind,
        "label": texts(t, "label"),
        "criteria": {
            "needs": t.needs,
            "age": {"min": t.min_age, "max": t.max_age},
            "urgency": t.urgencies,
            "flags": {"required": t.flags_required, "favoured": t.flags_favoured, "excluded": t.flags_excluded},
        },
        "takes": {
            "referral_letter": t.referral_letter,
            "client_consent": t.client_consent,
            "appointment_by": t.appointment_by,
            "note": texts(t, "note"),
        },
    }
    if professional:
        data["takes"]["instructions"] = texts(t, "instructions")
    return data


def route_detail(route, per_step=None, professional=False, buurt_code=None) -> dict:
    data = route_summary(route)
    data["steps"] = [
        step_json(s, (per_step or {}).get(s.key) if per_step is not None else None, professional) for s in route.steps
    ]
    data["transitions"] = [transition_json(t, professional) for t in route.transitions]
    if buurt_code:
        data["buurt"] = buurt_code
    return data


def service_json(local, professional=False) -> dict:
    svc = local.service
    contacts = [c for c in svc.contacts if c.audience == "public" or (professional and c.audience == "professional")]
    loc = local.location
    return {
        "id": str(svc.public_id) if svc.public_id else None,
        "key": svc.key,
        "name": svc.name,
        "organisation": svc.organisation.name,
        "status": svc.status,
        "freshness": svc.freshness_stage,
        "verified_at": svc.verified_at.isoformat() if svc.verified_at else None,
        "distance_m": local.distance_m,
        "waiting_weeks": svc.waiting_weeks,
        "over_agreed_wait": local.over_agreed_wait,
        "access": svc.access,
        "address": loc.address if loc is not None else None,
        "contacts": [
            {
                "label": c.label,
                "phone": c.phone,
                "email": c.email,
                "url": c.url,
                "hours": c.hours,
                "audience": c.audience,
            }
            for c in contacts
        ],
        "url": url_for("catalogue.service", key=svc.key, _external=True),
    }


def finder_result(result, parsed, professional, need_labels) -> dict:
    c = result.criteria
    return {
        "criteria": {
            "needs": list(c.needs),
            "understood": [{"need": code, "words": list(words)} for code, words in c.understood],
            "age": c.age,
            "urgency": c.effective_urgency,
            "urgency_inferred": c.urgency_inferred,
            # Crisis wording in q makes the urgency crisis, whatever was chosen (urgency_chosen).
            "crisis_words": list(parsed.crisis_words),
            "urgency_chosen": parsed.urgency_chosen,
            "flags": sorted(c.effective_flags),
            # Where the route was looked up for: a buurt, or a municipality loaded without buurten.
            "buurt": {
                "code": result.origin.area.code,
                "name": result.origin.area.name,
                "level": result.origin.area.level,
            },
        },
        # Published routes agreed for that area: 0 means this map has none there yet
        # (not that none fits the criteria).
        "routes_here": result.routes_here,
        "options": [
            {
                "rank": i,
                "score": o.score,
                "route": route_summary(o.route),
                "transition": transition_json(o.transition, professional),
                "why": [{"kind": r.kind, "code": r.code, "text": reason_text(r, need_labels)} for r in o.reasons],
                "next_step": step_json(o.next_step, o.services, professional),
                "follow_ups": [
                    {
                        "transition": transition_json(f.transition, professional),
                        "recommended": f.recommended,
                        "step": step_json(f.transition.to_step, f.services[:3], professional),
                    }
                    for f in o.follow_ups
                ],
                "return_path": [
                    {
                        "transition": transition_json(r.transition, professional),
                        "step": step_json(r.transition.to_step, r.services[:3], professional),
                    }
                    for r in o.returns
                ],
                "step_label": str(pick(step_kinds().get(o.next_step.kind, {}).get("label") or {})),
            }
            for i, o in enumerate(result.options, start=1)
        ],
    }
