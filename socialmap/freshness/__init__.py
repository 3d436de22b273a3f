"""Keeping the map current: verification per section, the stale stages an
unchecked entry walks through, update rounds with provider links, and public
change reports. See docs/freshness.md."""
