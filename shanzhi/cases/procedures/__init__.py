"""The procedures run by the case engine; importing this package registers them."""

from shanzhi.cases.procedures import grid_event, service_request  # noqa: F401
