"""Writing many rows of one model quickly: one prepared ``INSERT`` run for all rows.

``Model.objects.bulk_create`` builds a model instance per row, compiles SQL per batch and,
on SQLite, splits the rows into statements of at most 999 parameters; for the tens of
thousands of rows a sweep or the synthetic-case generator writes, that is most of the
time spent. ``PreparedInsert`` names the columns the caller gives (attribute names, in
the order of the row tuples), fills every other column with the model's default (taken
once, when the writer is made: a ``timezone.now`` default is the same for all its rows),
and runs one ``executemany``. No signals are sent and no instances are returned: callers use
it for plain rows only.
"""

from django.db import connections, router


class PreparedInsert:
    def __init__(self, model, columns: list[str], using: str | None = None):
        self.using = using or router.db_for_write(model)
        connection = connections[self.using]
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model._meta.label} has no column {', '.join(unknown)}")
        rest = [f for name, f in fields.items() if name not in columns and not f.primary_key]
        self.tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        qn = connection.ops.quote_name
        names = ", ".join(qn(fields[c].column) for c in columns)
        names += "".join(", " + qn(f.column) for f in rest)
        marks = ", ".join(["%s"] * (len(columns) + len(rest)))
        # Identifiers come from the model, quoted; every value goes as a parameter.
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608

    def write(self, rows) -> int:
        """Insert ``rows`` (tuples in the column order); returns how many."""
        connection = connections[self.using]
        rows = [tuple(row) + self.tail for row in rows] if self.tail else list(rows)
        if not rows:
            return 0
        if connection.vendor == "sqlite":
            # The driver's own executemany: Django's cursor wrapper costs as much again.
            connection.ensure_connection()
            connection.connection.executemany(self.sql.replace("%s", "?"), rows)
        else:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, rows)
        return len(rows)
