"""The demo data: idempotent, labelled synthetic, two valid officers and an expired one in
东湖街道, and one case filed."""

from datetime import date

from shanzhi.enforcement.demo import LABEL, seed_enforcement
from shanzhi.enforcement.models import DelegatedMatter, EnforcementCase, Officer
from shanzhi.enforcement.tests.conftest import at


def test_seed_is_idempotent_and_labelled(db):
    first = seed_enforcement(now=at(2025, 9, 1, 9))
    counts = (
        DelegatedMatter.objects.count(),
        Officer.objects.count(),
        EnforcementCase.objects.count(),
    )
    second = seed_enforcement(now=at(2025, 9, 2, 9))
    assert counts == (
        DelegatedMatter.objects.count(),
        Officer.objects.count(),
        EnforcementCase.objects.count(),
    )
    assert second["case"].pk == first["case"].pk
    assert all(LABEL in m.scope for m in first["matters"])
    assert all(LABEL in o.issued_by for o in first["officers"])
    valid = [o for o in first["officers"] if o.expires_on >= date(2025, 9, 1)]
    assert len(valid) == 2
    assert first["case"].case.state == "filed"
    assert first["case"].street.code == "990101001"
