"""Key rotation of the encrypted personal fields, and rebuilding of their blind indexes.

``settings.FIELD_ENCRYPTION_KEYS``: the first key encrypts, all keys decrypt. To rotate,
put a new key first and keep the old ones after it, then run
``manage.py registry_rotate_keys``: every value not yet encrypted with the first key is
decrypted and encrypted again with it, in batches, each batch in its own transaction.
A value is rewritten only if it is still the one read (a conditional update), so a change
made meanwhile by an action is never overwritten. Values already under the first key are
skipped, so the command can be stopped and run again (it goes on where it stopped, and a
run after a complete one changes nothing). When it reports nothing left, the old keys can
be removed from the settings.
"""

from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction

from shanzhi.registry import blindindex

# (model label, encrypted column, blind index column, index function): every column
# encrypted with FIELD_ENCRYPTION_KEYS — the registry's, the user accounts' ID numbers,
# and the petitioners' identity and material (``petitions/models.py``); no index where
# none is searched.
ENCRYPTED_FIELDS = (
    ("registry.Person", "id_number_encrypted", "id_number_index", blindindex.id_number),
    ("registry.PersonRecord", "phone_encrypted", "phone_index", blindindex.phone),
    (
        "registry.Organisation",
        "contact_phone_encrypted",
        "contact_phone_index",
        blindindex.phone,
    ),
    ("registry.ProposedChange", "secret_encrypted", None, None),
    ("core.User", "id_number_encrypted", None, None),
    ("petitions.Petition", "id_number_encrypted", "id_number_index", blindindex.id_number),
    ("petitions.Petition", "phone_encrypted", "phone_index", blindindex.phone),
    *(
        ("petitions.Petition", f"{name}_encrypted", None, None)
        for name in (
            "name",
            "address",
            "visit_record",
            "subject",
            "request",
            "facts",
            "accused",
        )
    ),
    ("petitions.Participant", "name_encrypted", None, None),
    ("petitions.Participant", "id_number_encrypted", None, None),
    ("petitions.Document", "text_encrypted", None, None),
    ("petitions.Review", "reasons_encrypted", None, None),
    ("enforcement.EnforcementCase", "party_id_encrypted", None, None),
    ("enforcement.EnforcementCase", "party_phone_encrypted", None, None),
)


@dataclass
class Progress:
    label: str
    column: str
    seen: int = 0
    rotated: int = 0
    reindexed: int = 0


def _fernets() -> tuple[Fernet, MultiFernet]:
    keys = [Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS]
    return keys[0], MultiFernet(keys)


def _under_first_key(first: Fernet, token: str) -> bool:
    try:
        first.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate(
    *,
    batch_size: int = 500,
    reindex: bool = False,
    report: Callable[[Progress], None] | None = None,
) -> list[Progress]:
    """Re-encrypt every value with the first key (and, with ``reindex``, recompute
    every blind index with the current index key). Returns what was done per column."""
    from django.apps import apps

    first, multi = _fernets()
    done = []
    for label, column, index_column, index_of in ENCRYPTED_FIELDS:
        model = apps.get_model(label)
        progress = Progress(label, column)
        last_pk = 0
        columns = (column, index_column) if index_column else (column,)
        while True:
            rows = list(
                model.objects.filter(pk__gt=last_pk)
                .exclude(**{column: ""})
                .order_by("pk")
                .values_list("pk", *columns)[:batch_size]
            )
            if not rows:
                break
            with transaction.atomic():
                for pk, token, *index in rows:
                    changes = {}
                    if not _under_first_key(first, token):
                        changes[column] = multi.rotate(token.encode()).decode()
                    if reindex and index_column:
                        fresh = index_of(multi.decrypt(token.encode()).decode())
                        if fresh != index[0]:
                            changes[index_column] = fresh
                    if changes:
                        updated = model.objects.filter(pk=pk, **{column: token}).update(**changes)
                        progress.rotated += bool(updated and column in changes)
                        progress.reindexed += bool(updated and index_column in changes)
            progress.seen += len(rows)
            last_pk = rows[-1][0]
            if report is not None:
                report(progress)
        done.append(progress)
    return done
