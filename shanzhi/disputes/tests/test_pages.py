"""The mediation pages and the heat map: who sees and does what (an access test for
every step), bad input answered with a message and nothing changed, counts per grid
only on the map."""

import pytest
from django.utils import timezone

from shanzhi.disputes.actions import mediation
from shanzhi.disputes.actions.risks import do_report_risk
from shanzhi.disputes.models import Dispute, Session

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user, backend="shanzhi.core.auth.UsernameOrPhoneBackend")
    return client


@pytest.fixture
def taken_up(register, persona, committee):
    dispute = register()
    members = list(committee.members.order_by("pk"))
    mediation.do_accept_dispute(
        dispute,
        actor=persona("community"),
        committee=committee,
        mediators=members[:2],
        lead=members[0],
    )
    dispute.case.refresh_from_db()
    return dispute


def step(number, name):
    return f"/disputes/mediation/{number}/do/{name}/"


def test_registering_through_the_page(client_as, grid, english):
    data = {
        "grid": grid.pk,
        "channel": "visit",
        "title": "邻里噪声纠纷",
        "description": "楼上夜间噪声，楼下多次交涉未果",
        "category": "neighbours",
        "scale": "ordinary",
        "people_involved": "2",
        "party_1_name": "陈甲",
        "party_1_kind": "person",
        "party_1_phone": "13900000001",
    }
    bad = client_as("community").post("/disputes/mediation/new/", data)
    assert bad.status_code == 400 and not Dispute.objects.exists()
    data.update({"party_2_name": "刘乙", "party_2_kind": "person"})
    done = client_as("community").post("/disputes/mediation/new/", data)
    assert done.status_code == 302
    dispute = Dispute.objects.get()
    assert done["Location"] == f"/disputes/mediation/{dispute.case.number}/"
    assert client_as("department").post("/disputes/mediation/new/", data).status_code == 403
    assert Dispute.objects.count() == 1


def test_the_dispute_page_shows_steps_to_those_who_may_take_them(client_as, register, english):
    dispute = register()
    url = f"/disputes/mediation/{dispute.case.number}/"
    staff = client_as("community").get(url).content.decode()
    assert 'data-step="accept"' in staff and 'data-step="decline"' in staff
    worker = client_as("gridworker").get(url).content.decode()
    assert 'data-step="accept"' not in worker
    # Phone numbers of the parties are masked for those who do not handle the dispute.
    assert "13900000001" not in worker and "139****0001" in worker


def test_the_dispute_is_hidden_outside_the_area(register, outsider, client):
    dispute = register()
    assert (
        login(client, outsider).get(f"/disputes/mediation/{dispute.case.number}/").status_code
        == 404
    )
    assert client.post(step(dispute.case.number, "decline"), {"note": "x"}).status_code == 404


def test_taking_up_through_the_page(client_as, register, committee):
    dispute = register()
    members = list(committee.members.order_by("pk"))
    data = {
        "committee": committee.pk,
        "mediators": [members[0].pk, members[1].pk],
        "lead": members[0].pk,
    }
    client_as("gridworker").post(step(dispute.case.number, "accept"), data)
    dispute.case.refresh_from_db()
    assert dispute.case.state == "applied"  # a grid worker does not take disputes up
    client_as("community").post(step(dispute.case.number, "accept"), {**data, "lead": ""})
    dispute.case.refresh_from_db()
    assert dispute.case.state == "applied"  # no lead mediator
    client_as("community").post(step(dispute.case.number, "accept"), data)
    dispute.case.refresh_from_db()
    assert dispute.case.state == "mediating"


@pytest.mark.parametrize(
    ("name", "data", "check"),
    [
        (
            "session",
            {
                "held_at": "2020-01-01T10:00",
                "place": "调解室",
                "attendees": "双方",
                "notes": "陈述",
            },
            lambda d: not Session.objects.filter(dispute=d).exists(),
        ),
        ("period", {"days": "0", "agreement": "同意"}, lambda d: d.agreed_extension_days == 0),
        (
            "end",
            {"reason": "分歧大", "remedy": "litigation", "remedy_detail": ""},
            lambda d: d.remedy == "",
        ),
        (
            "agreement",
            {"kind": "written", "facts": "", "terms": "赔偿"},
            lambda d: not hasattr(d, "agreement"),
        ),
        ("conclude", {"at": "2020-01-01T10:00"}, lambda d: not hasattr(d, "agreement")),
    ],
)
def test_bad_steps_change_nothing(client_as, taken_up, name, data, check):
    response = client_as("community").post(step(taken_up.case.number, name), data)
    assert response.status_code == 302
    dispute = Dispute.objects.get(pk=taken_up.pk)
    dispute.case.refresh_from_db()
    assert dispute.case.state == "mediating"
    assert check(dispute)


@pytest.mark.parametrize(
    "name", ["session", "period", "agreement", "conclude", "end", "follow-up", "confirmation"]
)
def test_others_cannot_take_the_mediating_steps(client_as, taken_up, name):
    data = {
        "held_at": "2099-01-01T10:00",
        "place": "调解室",
        "attendees": "双方",
        "notes": "陈述",
        "days": "10",
        "agreement": "同意",
        "kind": "oral",
        "terms": "赔偿",
        "at": "2099-01-01T10:00",
        "reason": "分歧",
        "remedy": "litigation",
        "remedy_detail": "法院",
        "performance": "full",
        "note": "已履行",
        "requested_on": "2099-01-01",
        "court": "法院",
    }
    before = Dispute.objects.get(pk=taken_up.pk)
    client_as("gridworker").post(step(taken_up.case.number, name), data)
    after = Dispute.objects.get(pk=taken_up.pk)
    after.case.refresh_from_db()
    assert after.case.state == "mediating"
    assert not Session.objects.filter(dispute=after).exists()
    assert after.agreed_extension_days == before.agreed_extension_days == 0
    assert not hasattr(after, "agreement")


def test_an_unknown_step_is_not_found(client_as, taken_up):
    assert client_as("community").post(step(taken_up.case.number, "explode"), {}).status_code == 404


def test_a_whole_mediation_through_the_pages(client_as, taken_up, english):
    number = taken_up.case.number
    c = client_as("community")
    # The forms give minutes: "now" may read a little before the dispute was taken up.
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    c.post(
        step(number, "session"),
        {"held_at": now, "place": "调解室", "attendees": "双方", "notes": "陈述"},
    )
    assert Session.objects.filter(dispute=taken_up).count() == 1
    c.post(
        step(number, "agreement"),
        {"kind": "written", "facts": "漏水", "terms": "赔偿1200元", "performance": "当场支付"},
    )
    c.post(step(number, "conclude"), {"at": now})
    taken_up.case.refresh_from_db()
    assert taken_up.case.state == "agreed"
    page = c.get(f"/disputes/mediation/{number}/").content.decode()
    assert 'data-clock="confirmation"' in page and 'data-step="follow-up"' in page
    assert c.get(f"/disputes/mediation/{number}/agreement/").status_code == 200
    c.post(step(number, "follow-up"), {"performance": "full", "note": "已赔付", "evaluation": "5"})
    taken_up.case.refresh_from_db()
    assert taken_up.case.state == "closed"


def test_the_lists_and_overview(client_as, taken_up, english):
    page = client_as("dispatcher").get("/disputes/mediation/")
    assert page.status_code == 200 and taken_up.case.number in page.content.decode()
    assert client_as("department").get("/disputes/mediation/").status_code == 403
    overview = client_as("community").get("/disputes/")
    assert (
        overview.status_code == 200 and 'data-testid="open-disputes"' in overview.content.decode()
    )
    assert client_as("resident").get("/disputes/").status_code == 403


# --- The heat map ---------------------------------------------------------------------


def test_the_heat_map_counts_per_grid_in_the_viewers_area(
    client_as, persona, grid, other_grid, outsider, taken_up
):
    do_report_risk(
        actor=persona("gridworker"),
        grid=grid,
        level="high",
        category="labour",
        title="欠薪",
        description="工人聚集",
        people_count=20,
    )
    do_report_risk(
        actor=outsider,
        grid=other_grid,
        level="low",
        category="other",
        title="别处",
        description="别处",
        people_count=1,
    )
    data = client_as("community").get("/disputes/map.geojson").json()
    by_code = {f["properties"]["code"]: f["properties"] for f in data["features"]}
    assert by_code[grid.code]["risks"] == 1 and by_code[grid.code]["disputes"] == 1
    assert other_grid.code not in by_code
    assert set(by_code[grid.code]) == {"code", "name", "risks", "disputes"}  # counts only
    wide = client_as("leader").get("/disputes/map.geojson").json()
    assert {f["properties"]["code"] for f in wide["features"]} >= {grid.code, other_grid.code}
    labour = client_as("community").get("/disputes/map.geojson?category=labour").json()
    found = {f["properties"]["code"]: f["properties"] for f in labour["features"]}[grid.code]
    assert (found["risks"], found["disputes"]) == (1, 0)
    assert client_as("community").get("/disputes/map.geojson?category=nope").status_code == 400
    assert client_as("department").get("/disputes/map.geojson").status_code == 403
    assert client_as("community").get("/disputes/map/").status_code == 200
