"""Tests of the importers (one module per source) and of the workspace store and CLI they share."""
