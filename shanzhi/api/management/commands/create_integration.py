"""Create an integration for the machine interfaces and print its token, once."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from shanzhi.api.actions import do_create_integration
from shanzhi.api.models import INTEGRATION_ROLES, Integration, Scope
from shanzhi.org.models import Body, Region


class Command(BaseCommand):
    help = (
        "Create an integration (another system using the JSON API or Open311) and print "
        "its token. The token is printed this once: only a hash of it is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="A name people will recognise, e.g. 12345 hotline")
        parser.add_argument(
            "--role",
            default="",
            choices=["", *[r.value for r in INTEGRATION_ROLES]],
            help="The role it acts in (none: it registers cases and follows its own).",
        )
        parser.add_argument("--unit", help="Code of the org unit it acts for")
        parser.add_argument("--body", type=int, help="Id of the body it acts for")
        parser.add_argument(
            "--scopes",
            default="cases:read,cases:write,catalogue:read",
            help=f"Comma-separated, of: {', '.join(Scope.values)}",
        )
        parser.add_argument("--rate-limit", type=int, help="Requests per minute")
        parser.add_argument("--description", default="")
        parser.add_argument("--note", default="", help="Reason, for the audit log")

    def handle(self, *args, **options):
        region = body = None
        if options["unit"]:
            region = Region.objects.filter(code=options["unit"]).first()
            if region is None:
                raise CommandError(f"No org unit with the code {options['unit']}.")
        if options["body"]:
            body = Body.objects.filter(pk=options["body"]).first()
            if body is None:
                raise CommandError(f"No body with the id {options['body']}.")
        integration = Integration(
            name=options["name"],
            description=options["description"],
            role=options["role"],
            region=region,
            body=body,
            scopes=[s.strip() for s in options["scopes"].split(",") if s.strip()],
        )
        if options["rate_limit"] is not None:
            integration.rate_limit = options["rate_limit"]
        try:
            integration, token = do_create_integration(
                integration, actor=None, note=options["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", [str(exc)])
            raise CommandError("; ".join(str(m) for m in messages)) from None
        self.stderr.write(
            f"Integration “{integration.name}” created (key id {integration.key_id}). "
            "Its token follows; it is shown this once."
        )
        self.stdout.write(token)
