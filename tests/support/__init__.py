"""Helpers shared by tests and benchmarks (importable from the repository root as
``tests.support``); nothing here is a test."""
