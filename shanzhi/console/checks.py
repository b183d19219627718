"""A malformed shift setting is reported when the platform starts, not on the console."""

from django.core.checks import Error, register

from shanzhi.console.queries import shift_starts


@register()
def check_shift_starts(app_configs, **kwargs):
    try:
        shift_starts()
    except ValueError as exc:
        return [
            Error(
                f"HOTLINE_SHIFT_STARTS: {exc}",
                hint='Give the times of day the hotline shifts start, e.g. "08:00,16:00,00:00".',
                id="console.E001",
            )
        ]
    return []
