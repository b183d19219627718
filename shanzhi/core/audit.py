"""Writing and verifying the hash-chained audit log.

``record`` is called by ``do_*`` actions inside their transaction, so the event commits
or rolls back together with the change it describes.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from shanzhi.core.models import AuditEvent, AuditHead
from shanzhi.lib import hashchain

# Human labels of audited actions ("org.region.update" → "修改组织单元"), registered by
# each app for the audit log pages; unknown actions show their code.
ACTION_LABELS: dict[str, str] = {}


def register_actions(labels: dict[str, str]) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _plain(value) -> dict:
    """JSON-native copy, so the hash computed now matches the value read back later."""
    return json.loads(json.dumps(value or {}, cls=DjangoJSONEncoder))


def record(
    actor,
    action: str,
    obj=None,
    *,
    before=None,
    after=None,
    legal_basis: str = "",
    note: str = "",
    scope_path: str = "",
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the action's transaction")
    head = AuditHead.objects.select_for_update().get(pk=1)
    # The object's description is frozen in the deployment's language, whoever acts.
    with translation.override(settings.LANGUAGE_CODE):
        object_repr = str(obj)[:200] if obj is not None else ""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.last_seq + 1,
        created=timezone.now(),
        actor=actor,
        # The system itself (a management command) is stored as an empty label and named
        # in the reader's language when shown (``AuditEvent.actor_display``).
        actor_label=actor.display_name[:150] if actor else "",
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr,
        before=_plain(before),
        after=_plain(after),
        legal_basis=legal_basis[:300],
        note=note,
        scope_path=scope_path,
        prev_hash=head.last_hash,
    )
    event.hash = hashchain.link_hash(event.prev_hash, event.content())
    event.save()
    AuditHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


# Why a link is broken, by ``hashchain.Break.reason``; translated where shown.
BREAK_REASONS = {
    "modified": gettext_noop("the event's content does not match its hash (edited)"),
    "missing": gettext_noop("events before this one are missing (deleted)"),
    "reordered": gettext_noop("the event is out of sequence (reordered)"),
    "bad_link": gettext_noop("the event does not link to the previous event's hash"),
    "truncated": gettext_noop("the last events of the log are missing (deleted from the end)"),
}


def chain_head() -> tuple[int, str]:
    """The stored ``(last_seq, last_hash)`` of the chain."""
    head = AuditHead.objects.get(pk=1)
    return head.last_seq, head.last_hash


def verify_chain(batch_size: int = 2000, head: tuple[int, str] | None = None):
    """Check the stored chain up to ``head`` (read now when not given); the first broken
    link or ``None``.

    Events are appended while the check runs. Only events up to the head read at the
    start are checked, and the last of them must carry the head's hash: an event
    appended meanwhile is left for the next check, while events deleted from the end
    (the head says N, fewer or other events lead up to N) are still reported.
    """
    if head is None:
        head = chain_head()
    last_seq, _last_hash = head
    rows = (
        (event.seq, event.prev_hash, event.hash, event.content())
        for event in AuditEvent.objects.filter(seq__lte=last_seq)
        .order_by("pk")
        .iterator(chunk_size=batch_size)
    )
    return hashchain.verify(rows, head)
