"""Scheduled fleet drift reports (``parity report``, ``parity history``): many hosts, several
specs, a history of runs, and outputs for people (HTML), machines (JSON, JUnit, Prometheus) and
chat (Markdown). Built on the same collection, comparison, ignore and baseline code as
``parity check``."""
