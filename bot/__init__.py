"""Hromada Companion: the webinar companion bot of the ICLEI Europe Ukraine Task Group."""

__version__ = "0.1.0"
