"""The annual statistics report of the petition office (信访工作条例 Art. 41): counts of
the petitions received in a year by channel, class, field and outcome, on-time
transfers, notices and handling, reviews and re-reviews, first letters and visits,
repeats, the bodies that handled them and the bodies accused most. Counted over the
petitions the reader may see (an accusation is never counted for the body it accuses:
the engine keeps it from them) and never naming a petitioner.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font

from shanzhi.cases.models import Case, Clock
from shanzhi.petitions import procedures
from shanzhi.petitions.models import (
    Outcome,
    Petition,
    PetitionChannel,
    PetitionClass,
    Review,
    ReviewLevel,
    ReviewOutcome,
)
from shanzhi.registry.io import sheets
from shanzhi.registry.io.export import spooled

TOP_BODIES = 20
ENDINGS = ("not_accepted", "separated", "routed", "closed")


@dataclass
class Section:
    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class Report:
    year: int
    total: int
    sections: list[Section]


def year_range(year: int) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return datetime(year, 1, 1, tzinfo=zone), datetime(year + 1, 1, 1, tzinfo=zone)


def _counted(choices, counts: dict) -> list[tuple[str, int]]:
    return [(str(label), counts.get(value, 0)) for value, label in choices]


def _clock_rows(case_ids, name: str) -> list[tuple[str, int]]:
    clocks = Clock.objects.filter(case_id__in=case_ids, name=name)
    stopped = clocks.filter(stopped_at__isnull=False, on_time__isnull=False)
    running = clocks.filter(stopped_at__isnull=True)
    return [
        (_("On time"), stopped.filter(on_time=True).count()),
        (_("Late"), stopped.filter(on_time=False).count()),
        (_("Still running, overdue"), running.overdue().count()),
        (_("Still running, within the limit"), running.count() - running.overdue().count()),
    ]


def annual(user, year: int) -> Report:
    start, end = year_range(year)
    visible = Case.objects.visible_to(user).filter(procedure=procedures.PETITION).values("pk")
    petitions = Petition.objects.filter(
        case__in=visible, received_at__gte=start, received_at__lt=end
    )
    ids = petitions.values("case_id")
    rows = petitions.values_list(
        "channel", "petition_class", "outcome", "is_first", "repeat_of_id", "case__state"
    )
    channel, klass, outcome, state = Counter(), Counter(), Counter(), Counter()
    first = repeats = 0
    for ch, cl, out, is_first, repeat_of, st in rows:
        channel[ch] += 1
        klass[cl] += 1
        outcome[out] += 1
        state[st] += 1
        first += bool(is_first)
        repeats += repeat_of is not None
    total = sum(channel.values())
    reviews = Review.objects.filter(petition__in=petitions)
    review_counts = {
        (level, out): n
        for level, out, n in reviews.values_list("level", "outcome").annotate(n=Count("pk"))
    }
    by_body = (
        Case.objects.filter(pk__in=ids, responsible_body__isnull=False)
        .values_list("responsible_body__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "responsible_body__name")[:TOP_BODIES]
    )
    accused = (
        Case.objects.filter(pk__in=ids, accused_body__isnull=False)
        .values_list("accused_body__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "accused_body__name")[:TOP_BODIES]
    )
    fields = (
        Case.objects.filter(pk__in=ids)
        .values_list("category__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    sections = [
        Section(_("By channel"), _counted(PetitionChannel.choices, channel)),
        Section(_("By class"), _counted(PetitionClass.choices, klass)),
        Section(
            _("First letters and repeats"),
            [(_("First letters and visits (初信初访)"), first), (_("Repeat petitions"), repeats)],
        ),
        Section(
            _("How they ended"),
            [
                *(
                    (str(procedures.PETITION_PROCEDURE.state_label(s)), state.get(s, 0))
                    for s in ENDINGS
                ),
                (_("Open"), total - sum(state.get(s, 0) for s in ENDINGS)),
            ],
        ),
        Section(_("Handling opinions by outcome"), _counted(Outcome.choices, outcome)),
        Section(_("Transferred within 15 days (Art. 22)"), _clock_rows(ids, "transfer")),
        Section(_("Acceptance told within 15 days (Art. 23)"), _clock_rows(ids, "notice")),
        Section(_("Handled within the period (Art. 34)"), _clock_rows(ids, "handle")),
        Section(
            _("Reviews and re-reviews (Arts. 35, 36)"),
            [
                (
                    f"{ReviewLevel(level).label} · {_('asked for')}",
                    sum(n for (lv, _out), n in review_counts.items() if lv == level),
                )
                for level in ReviewLevel.values
            ]
            + [
                (f"{ReviewLevel(level).label} · {label}", review_counts.get((level, value), 0))
                for level in ReviewLevel.values
                for value, label in ReviewOutcome.choices
            ],
        ),
        Section(_("By field"), [(name or _("No category"), n) for name, n in fields]),
        Section(_("Bodies that handled them"), list(by_body)),
        Section(_("Bodies accused most"), list(accused)),
    ]
    return Report(year=year, total=total, sections=sections)


def report_xlsx(report: Report, *, title: str):
    """The report as a workbook in a temporary file (rewound)."""
    workbook = sheets.new_workbook(title=title, creator=title)
    sheet = workbook.create_sheet(_("Report")[:31])
    bold = Font(bold=True)
    sheets.append(sheet, [title], style=bold)
    sheets.append(sheet, [_("Petitions received"), report.total], style=bold)
    for section in report.sections:
        sheets.append(sheet, [])
        sheets.append(sheet, [section.title], style=bold)
        for label, count in section.rows:
            sheets.append(sheet, [label, count])
    out = spooled()
    workbook.save(out)
    out.seek(0)
    return out


def backlog(user, now=None):
    """Open petitions, reviews and re-reviews past a time limit (积案), the most overdue
    first, each with its earliest overdue clock: for the leaders who take personal charge
    (包案)."""
    now = now or timezone.now()
    visible = Case.objects.visible_to(user).filter(procedure__in=procedures.KEYS).values("pk")
    overdue = (
        Clock.objects.overdue(now)
        .filter(case__in=visible)
        .select_related("case__responsible_body")
        .order_by("due_at", "pk")
    )
    seen, rows = set(), []
    for clock in overdue[:2000]:
        if clock.case_id in seen:
            continue
        seen.add(clock.case_id)
        rows.append(clock)
    return rows
