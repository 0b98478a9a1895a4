"""Test doubles of outside services, run in-process by the tests or as a child by the benchmarks."""
