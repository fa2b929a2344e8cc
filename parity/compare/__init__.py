"""Comparison: facts x facts -> findings."""
