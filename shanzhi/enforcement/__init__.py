"""Enforcement delegated to the street (赋权事项) under the Administrative Penalty Law."""
