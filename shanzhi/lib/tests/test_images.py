import io

import pytest

from shanzhi.lib import images


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0" + b"\0" * 8, "jpeg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 4, "png"),
        (b"RIFF\0\0\0\0WEBP", "webp"),
        (b"RIFF\0\0\0\0WAVE", None),
        (b"GIF89a", None),
        (b"<svg", None),
        (b"", None),
    ],
)
def test_photo_kind_reads_the_signature(head, kind):
    assert images.photo_kind(head) == kind


def test_is_photo_leaves_the_file_at_its_start():
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    assert images.is_photo(upload)
    assert upload.tell() == 0
    assert not images.is_photo(io.BytesIO(b"%PDF-1.7"))
