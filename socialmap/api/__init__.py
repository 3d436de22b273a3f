"""The JSON API, version 1 (``/api/v1``): every machine-readable answer lives here.

* :mod:`.views` -- search and places (shapes in :mod:`.schemas`);
* :mod:`.routes` -- referral routes and the route finder (shapes in :mod:`.route_schemas`).

Each endpoint adapts a request to one domain call and answers every input
problem with a 400 in the shape of :meth:`socialmap.problems.Invalid.as_json`.
"""
