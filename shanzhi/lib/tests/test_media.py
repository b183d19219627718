from shanzhi.lib.media import fits, media_kind

SAMPLES = {
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\r",
    "pdf": b"%PDF-1.7\n%\xe2\xe3",
    "wav": b"RIFF\x24\x08\x00\x00WAVE",
    "avi": b"RIFF\x24\x08\x00\x00AVI ",
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00\x00\x00",
    "amr": b"#!AMR\n\x00\x00\x00\x00\x00\x00",
    "ogg": b"OggS\x00\x02\x00\x00\x00\x00\x00\x00",
    "mp4": b"\x00\x00\x00\x18ftypmp42",
    "webm": b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x00\x00\x00\x1f",
}


def test_each_format_is_told_by_its_first_bytes():
    for kind, head in SAMPLES.items():
        assert media_kind(head) == kind
    assert media_kind(b"\xff\xfb\x90\x64\x00") == "mp3"  # a frame without a tag
    assert media_kind(b"<html><body>") is None
    assert media_kind(b"") is None


def test_evidence_of_each_kind_takes_its_formats_only():
    assert fits("photo", SAMPLES["jpeg"]) and not fits("photo", SAMPLES["pdf"])
    assert fits("video", SAMPLES["mp4"]) and fits("video", SAMPLES["webm"])
    assert not fits("video", b"<html><script>")
    assert fits("audio", SAMPLES["amr"]) and not fits("audio", SAMPLES["png"])
    assert fits("document", SAMPLES["pdf"]) and not fits("document", SAMPLES["mp3"])
    assert not fits("unknown", SAMPLES["pdf"])
