"""Re-encrypt the registry's personal fields with the first key of
FIELD_ENCRYPTION_KEYS (see ``registry/keys.py``)."""

from django.core.management.base import BaseCommand

from shanzhi.registry import keys


class Command(BaseCommand):
    help = (
        "Re-encrypt ID numbers and phone numbers with the first key of "
        "SHANZHI_FIELD_KEYS, in batches; safe to stop and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="Also recompute the blind indexes (after the blind index key changed).",
        )

    def handle(self, *args, batch_size, reindex, **options):
        def report(progress):
            if options["verbosity"] > 1:
                self.stdout.write(
                    f"{progress.label}.{progress.column}: {progress.seen} read, "
                    f"{progress.rotated} re-encrypted"
                )

        for progress in keys.rotate(batch_size=batch_size, reindex=reindex, report=report):
            line = (
                f"{progress.label}.{progress.column}: {progress.seen} values, "
                f"{progress.rotated} re-encrypted"
            )
            if reindex:
                line += f", {progress.reindexed} indexes rebuilt"
            self.stdout.write(line)
