"""Files of the full-process record (Art. 47) are served behind the case's access check:
404 outside the scope, right content type and disposition, ``nosniff``, one audit event
per read. The dispatch centre, which reads the case, does not open the evidence
(《个人信息保护法》第三十四条)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shanzhi.core.models import AuditEvent
from shanzhi.enforcement.actions import do_record_evidence
from shanzhi.enforcement.models import Step, StepFile
from shanzhi.enforcement.tests.conftest import at, valid_officers
from shanzhi.enforcement.tests.helpers import decided

JPEG = b"\xff\xd8\xff\xe0fake-jpeg"


def _upload(kind, name, content, media_type):
    return (kind, SimpleUploadedFile(name, content, content_type=media_type))


@pytest.fixture
def with_photo(new_case, matter, officers, officer_user):
    ecase = decided(
        new_case,
        matter,
        officers,
        officer_user,
        files=[_upload("photo", "现场.jpg", JPEG, "image/jpeg")],
    )
    return ecase, StepFile.objects.get(step__ecase=ecase)


def _url(ecase, item):
    return reverse("enforcement:file", args=[ecase.case.number, item.pk])


def _reads(item):
    return AuditEvent.objects.filter(
        action="enforcement.file.read", object_type="enforcement.stepfile", object_id=str(item.pk)
    )


@pytest.mark.parametrize("username", ["zf-officer1", "streetstaff", "leader"])
def test_team_and_leaders_open_the_photo_inline(client_as, with_photo, username):
    ecase, item = with_photo
    response = client_as(username).get(_url(ecase, item))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = _reads(item).get()
    assert event.actor.username == username
    assert event.after["case"] == ecase.case.number
    assert "第四十七条" in event.legal_basis
    assert event.scope_path == ecase.case.scope_path


def test_each_read_is_audited(client_as, with_photo):
    ecase, item = with_photo
    client = client_as("zf-officer1")
    client.get(_url(ecase, item))
    client.get(_url(ecase, item))
    assert _reads(item).count() == 2


@pytest.mark.parametrize("username", ["resident", "gridworker", "socialorg"])
def test_outsiders_get_404_and_nothing_is_logged(client_as, with_photo, username):
    ecase, item = with_photo
    assert client_as(username).get(_url(ecase, item)).status_code == 404
    assert not _reads(item).exists()


def test_other_street_staff_get_404(client, outsider, with_photo):
    ecase, item = with_photo
    client.force_login(outsider)
    assert client.get(_url(ecase, item)).status_code == 404


def test_anonymous_is_sent_to_login(client, with_photo):
    ecase, item = with_photo
    response = client.get(_url(ecase, item))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not _reads(item).exists()


def test_dispatch_centre_reads_the_case_but_not_the_evidence(client_as, with_photo):
    ecase, item = with_photo
    client = client_as("dispatcher")
    page = client.get(reverse("enforcement:case", args=[ecase.case.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="evidence-file-closed"' in body and _url(ecase, item) not in body
    assert client.get(_url(ecase, item)).status_code == 404
    assert not _reads(item).exists()


def test_case_page_links_the_served_file_not_media(client_as, with_photo):
    ecase, item = with_photo
    body = client_as("zf-officer1").get(reverse("enforcement:case", args=[ecase.case.number]))
    text = body.content.decode()
    assert _url(ecase, item) in text
    assert item.file.url not in text


def test_a_file_of_another_case_is_not_found(client_as, with_photo, new_case, matter):
    _ecase, item = with_photo
    other = new_case(matter, now=at(2025, 9, 1, 9))
    url = reverse("enforcement:file", args=[other.case.number, item.pk])
    assert client_as("zf-officer1").get(url).status_code == 404


def test_documents_and_disguised_files_are_downloads(
    client_as, new_case, matter, officers, officer_user
):
    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    do_record_evidence(
        ecase,
        actor=officer_user,
        now=at(2025, 9, 2, 9),
        officers=valid_officers(officers),
        note="笔录",
        files=[
            _upload("document", "笔录.pdf", b"%PDF-1.4", "application/pdf"),
            _upload("audio", "voice.mp3", b"ID3", "audio/mpeg"),
        ],
    )
    # Disguised files are refused on upload (``test_disguised_files_are_refused``); were
    # one stored all the same (an earlier record), it is served as a download.
    step = Step.objects.get(ecase=ecase, kind="evidence")
    for kind, name, content, media_type in (
        ("photo", "scene.svg", b"<svg onload='x'/>", "image/svg+xml"),
        ("video", "clip.html", b"<script>x</script>", "text/html"),
    ):
        StepFile.objects.create(
            step=step, kind=kind, name=name, file=SimpleUploadedFile(name, content, media_type)
        )
    client = client_as("zf-officer1")
    got = {}
    for item in StepFile.objects.filter(step__ecase=ecase):
        response = client.get(_url(ecase, item))
        assert response["X-Content-Type-Options"] == "nosniff"
        got[item.name] = (response["Content-Type"], response["Content-Disposition"].split(";")[0])
    assert got["笔录.pdf"] == ("application/pdf", "attachment")
    assert got["scene.svg"] == ("image/svg+xml", "attachment")
    assert got["clip.html"][1] == "attachment"
    assert got["voice.mp3"] == ("audio/mpeg", "inline")


def test_post_is_refused(client_as, with_photo):
    ecase, item = with_photo
    assert client_as("zf-officer1").post(_url(ecase, item)).status_code == 405


def test_disguised_files_are_refused(new_case, matter, officers, officer_user, settings):
    """A file is evidence of its kind only when its first bytes say so, and no larger
    than the limit; a refused file stores nothing of the step."""
    import pytest
    from django.core.exceptions import ValidationError

    ecase = new_case(matter, now=at(2025, 9, 1, 9))
    for upload in (
        _upload("video", "clip.mp4", b"<script>x</script>", "video/mp4"),
        _upload("photo", "scene.jpg", b"<svg onload='x'/>", "image/jpeg"),
    ):
        with pytest.raises(ValidationError, match="is not a file of the kind"):
            do_record_evidence(
                ecase,
                actor=officer_user,
                now=at(2025, 9, 2, 9),
                officers=valid_officers(officers),
                note="笔录",
                files=[upload],
            )
    settings.ENFORCEMENT_MAX_FILE_BYTES = 8
    with pytest.raises(ValidationError, match="larger than"):
        do_record_evidence(
            ecase,
            actor=officer_user,
            now=at(2025, 9, 2, 9),
            officers=valid_officers(officers),
            note="笔录",
            files=[_upload("document", "big.pdf", b"%PDF-1.4 and more", "application/pdf")],
        )
    assert not Step.objects.filter(ecase=ecase, kind="evidence").exists()
    assert not StepFile.objects.filter(step__ecase=ecase).exists()
