from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.keys import api_client_create, api_key_issue
from api.models import ApiClient


class Command(BaseCommand):
    help = "Print a new API key for a client (the client is created on first use). The key is shown only now."

    def add_arguments(self, parser):
        parser.add_argument("--client", required=True, help="the integrated system's name, e.g. 화상창구")
        parser.add_argument(
            "--channel", required=True, help="channel code: branch, call, video, internet, remote"
        )
        parser.add_argument("--no-history", action="store_true", help="a new client may not read history")
        parser.add_argument(
            "--branch", action="append", default=[], help="a new client writes only as this branch's staff"
        )

    def handle(self, *args, client: str, channel: str, no_history: bool, branch: list[str], **options):
        existing = ApiClient.objects.filter(name=client.strip()).first()
        try:
            if existing is None:
                api = api_client_create(
                    name=client,
                    channel_code=channel,
                    can_read_history=not no_history,
                    branch_codes=tuple(branch),
                )
            elif existing.channel.code != channel:
                raise CommandError(
                    f"Client {client!r} exists with channel {existing.channel.code!r}, not {channel!r}."
                )
            else:
                api = existing
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        key, raw = api_key_issue(client=api)
        self.stderr.write(
            f"API key {key.prefix} for {api.name} ({api.channel.code}); store it now, it is not kept:"
        )
        self.stdout.write(raw)
