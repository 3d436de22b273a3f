"""Referral routes (care pathways) -- never HTTP routing.

The region's agreed routes, there and back, as data: models, loader and
validation, the route finder for GPs, the diagram and the route card, pages
and API (``views.py``). See docs/routes.md.
"""
