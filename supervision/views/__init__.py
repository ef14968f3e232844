"""Supervision pages, one module per topic; thin over selectors and services."""
