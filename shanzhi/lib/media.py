"""What kind of recording or document a file really is, from its first bytes (not the
name or the type a browser claims): the checks of the evidence of an enforcement
case's full-process record (photos, audio, video, documents)."""

from shanzhi.lib.images import photo_kind

# Bytes read from the start of a file: enough for every signature below.
HEAD_BYTES = 12


def media_kind(head: bytes) -> str | None:
    """The format ``head`` starts like ("jpeg", "pdf", "mp3", "mp4", …), else None."""
    photo = photo_kind(head)
    if photo:
        return photo
    if head.startswith(b"%PDF"):
        return "pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":  # MP4, MOV, M4A, 3GP: the ISO media family
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # Matroska, WebM
        return "webm"
    return None


# The formats each kind of evidence may be in: a phone or a body camera records these.
ALLOWED = {
    "photo": {"jpeg", "png", "webp"},
    "audio": {"mp3", "wav", "amr", "ogg", "mp4"},
    "video": {"mp4", "webm", "avi"},
    "document": {"pdf", "jpeg", "png"},
}


def fits(kind: str, head: bytes) -> bool:
    """Whether a file starting with ``head`` may be evidence of ``kind``."""
    return media_kind(head) in ALLOWED.get(kind, set())
