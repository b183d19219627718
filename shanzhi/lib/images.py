"""What kind of image a file really is, from its first bytes (not the type a browser
claims): the photo checks of the patrol and visit forms."""

# Bytes read from the start of a file: enough for every signature below.
HEAD_BYTES = 12


def photo_kind(head: bytes) -> str | None:
    """ "jpeg", "png" or "webp" when ``head`` starts like one, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def is_photo(upload) -> bool:
    """Whether an uploaded file starts like a JPEG, PNG or WebP; its position is kept."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return photo_kind(head) is not None
