"""The chart data of a summary for ``static/registry/summary.js``: plain series with
labels already translated, so that the script holds no text of its own. Each chart's
figures are also in a table on the page (the charts are drawn only where scripts run)."""

from django.utils.translation import gettext as _

from shanzhi.registry.summary.queries import Summary


def _series(name: str, rows) -> dict:
    return {"name": name, "data": [n for _key, _label, n in rows]}


def chart_data(summary: Summary) -> dict:
    charts = {
        "pyramid": {
            "kind": "pyramid",
            "categories": [band.label for band in summary.bands],
            "series": [
                {"name": _("Men"), "data": [band.male for band in summary.bands]},
                {"name": _("Women"), "data": [band.female for band in summary.bands]},
            ],
        },
        "registration": {
            "kind": "pie",
            "categories": [label for _key, label, _n in summary.by_registration],
            "series": [_series(_("People"), summary.by_registration)],
        },
        "dwellings": {
            "kind": "bar",
            "categories": [label for _key, label, _n in summary.dwellings_by_use],
            "series": [_series(_("Dwellings"), summary.dwellings_by_use)],
        },
        "organisations": {
            "kind": "pie",
            "categories": [label for _key, label, _n in summary.organisations],
            "series": [_series(_("Organisations"), summary.organisations)],
        },
    }
    if summary.care_tags is not None:
        charts["care_tags"] = {
            "kind": "bar",
            "categories": [label for _key, label, _n in summary.care_tags],
            "series": [_series(_("People"), summary.care_tags)],
        }
    if summary.parts:
        charts["parts"] = {
            "kind": "stacked",
            "categories": [part.region.name for part in summary.parts],
            "series": [
                {"name": _("Registered residents"), "data": [p.registered for p in summary.parts]},
                {"name": _("Floating population"), "data": [p.floating for p in summary.parts]},
                {"name": _("Foreign nationals"), "data": [p.foreign for p in summary.parts]},
            ],
        }
    return charts
