"""Support for tests that need a process set up in a special way."""
