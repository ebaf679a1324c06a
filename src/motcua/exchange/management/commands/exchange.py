import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.core.errors import MotcuaError
from motcua.documents.signers import SigningUnavailable
from motcua.exchange import directory, members, published, services, subscriptions
from motcua.exchange.keys import local_key
from motcua.exchange.models import AccessRight, DirectoryState, Service, Subscription, System


class Command(BaseCommand):
    help = ("Inter-agency data exchange: the member directory (members, systems, services, rights), its signed "
            "configuration file, this system's certificate, and the check of the message log.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        identity = sub.add_parser("identity", help="print this system's certificate and its CA (PEM) to register")
        identity.add_argument("--system", default="", help="the system id (default MOTCUA_EXCHANGE_SYSTEM)")
        member = sub.add_parser("member", help="add or change a member")
        member.add_argument("code")
        member.add_argument("name_vi")
        member.add_argument("--name-en", default="")
        member.add_argument("--kind", default="agency", choices=["ministry", "province", "agency"])
        system = sub.add_parser("system", help="add or change a member's system")
        system.add_argument("ident", help="<MEMBER>.<system>, e.g. BCA.dancu")
        system.add_argument("name_vi")
        system.add_argument("--address", default="", help="where it answers calls (https://…)")
        system.add_argument("--certificate", type=Path, action="append", default=[],
                            help="a PEM file of a certificate its signatures use (repeatable)")
        service = sub.add_parser("service", help="add or change a service a system publishes")
        service.add_argument("provider")
        service.add_argument("code")
        service.add_argument("title_vi")
        service.add_argument("--title-en", default="")
        service.add_argument("--request-schema", type=Path)
        service.add_argument("--response-schema", type=Path)
        service.add_argument("--registry", action="store_true", help="the bundled registry read's schemas")
        grant = sub.add_parser("grant", help="let a consumer system call a service for purposes")
        grant.add_argument("consumer")
        grant.add_argument("provider")
        grant.add_argument("service")
        grant.add_argument("--purpose", action="append", required=True, metavar="CODE=LEGAL_BASIS")
        withdraw = sub.add_parser("withdraw", help="withdraw a consumer's right to a service")
        withdraw.add_argument("consumer")
        withdraw.add_argument("provider")
        withdraw.add_argument("service")
        anchor = sub.add_parser("anchor", help="approve a CA (PEM file): its certificates may sign calls")
        anchor.add_argument("file", type=Path)
        revoke = sub.add_parser("revoke", help="revoke a certificate by its serial (hex)")
        revoke.add_argument("serial")
        sub.add_parser("list", help="print the directory")
        export = sub.add_parser("export-config", help="write the directory as a signed configuration file")
        export.add_argument("file", type=Path)
        export.add_argument("--signer", default="", help="the authority's system id (default this system)")
        load = sub.add_parser("load-config", help="verify a signed configuration file and load its directory")
        load.add_argument("file", type=Path)
        load.add_argument("--anchors", type=Path, help="PEM of the trusted authorities (default "
                                                       "MOTCUA_EXCHANGE_ANCHORS)")
        load.add_argument("--allow-older", action="store_true")
        sub.add_parser("verify-log", help="walk the message log's hash chains; exit 1 on any problem")
        subscribe = sub.add_parser("subscribe", help="deliver this system's events of a topic to a subscriber "
                                                     "(it needs a right to events.<topic> for the purpose)")
        subscribe.add_argument("subscriber", help="the subscriber system, e.g. BHXH.thu")
        subscribe.add_argument("topic", help="a registry event topic, e.g. registry.person.died")
        subscribe.add_argument("--purpose", required=True, help="one of the purposes its right lists")
        unsubscribe = sub.add_parser("unsubscribe", help="stop delivering a topic to a subscriber")
        unsubscribe.add_argument("subscriber")
        unsubscribe.add_argument("topic")
        sub.add_parser("subscriptions", help="list the subscriptions to this system's events")
        deliver = sub.add_parser("deliver", help="send registry events to their subscribers as they fall due")
        deliver.add_argument("--once", action="store_true", help="stop when nothing is due")
        deliver.add_argument("--poll", type=float, default=1.0, help="seconds between polls when idle")
        sub.add_parser("deliveries", help="deliveries by subscriber, topic and status, and the failed ones; "
                                          "exit 1 when any failed")
        retry = sub.add_parser("retry-failed", help="send failed deliveries again (after fixing the cause)")
        retry.add_argument("ids", nargs="*", type=int, help="only these deliveries")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + {"system": "system_cmd"}.get(action, action).replace("-", "_"))(**options)
        except MotcuaError as exc:
            fields = "; ".join(f"{e.field}: {e.en}" for e in exc.errors)
            raise CommandError(f"{exc.en}{' (' + fields + ')' if fields else ''}") from exc

    def _system(self, given: str) -> str:
        system = given or settings.EXCHANGE["SYSTEM"]
        if not system:
            raise CommandError("no system: pass --system or set MOTCUA_EXCHANGE_SYSTEM")
        return system

    def _identity(self, system, **options):
        try:
            key = local_key(self._system(system))
        except SigningUnavailable as exc:
            raise CommandError(f"no signing key: {exc.detail}") from exc
        for cert in key.chain:
            self.stdout.write(directory.pem(cert), ending="")

    def _member(self, code, name_vi, name_en, kind, **options):
        members.add_member(code, name_vi, name_en, kind)
        self.stdout.write(f"member {code}")

    def _system_cmd(self, ident, name_vi, address, certificate, **options):
        pems = "".join(path.read_text() for path in certificate)
        members.add_system(ident, name_vi, address, pems)
        self.stdout.write(f"system {ident}")

    def _service(self, provider, code, title_vi, title_en, request_schema, response_schema, registry, **options):
        def schema(path, default):
            return json.loads(path.read_text()) if path else default
        members.add_service(provider, code, title_vi, title_en,
                            schema(request_schema, published.REQUEST_SCHEMA if registry else {}),
                            schema(response_schema, published.RESPONSE_SCHEMA if registry else {}))
        self.stdout.write(f"service {provider}/{code}")

    def _grant(self, consumer, provider, service, purpose, **options):
        purposes = dict(p.split("=", 1) for p in purpose if "=" in p)
        if len(purposes) != len(purpose):
            raise CommandError("each --purpose is CODE=LEGAL_BASIS")
        members.grant(consumer, provider, service, purposes)
        self.stdout.write(f"{consumer} may call {provider}/{service} for {', '.join(sorted(purposes))}")

    def _withdraw(self, consumer, provider, service, **options):
        self.stdout.write(f"{members.withdraw(consumer, provider, service)} right withdrawn")

    def _anchor(self, file, **options):
        self.stdout.write(f"{members.add_anchor(file.read_text())} approved CAs")

    def _revoke(self, serial, **options):
        members.revoke_certificate(serial)
        self.stdout.write(f"certificate {serial} revoked")

    def _list(self, **options):
        for system in System.objects.select_related("member").order_by("ident"):
            self.stdout.write(f"{system.ident}\t{system.name_vi}\t{system.address}\t"
                              f"{len(directory.load_pems(system.certificates))} certificates")
        for service in Service.objects.select_related("provider").order_by("provider__ident", "code"):
            self.stdout.write(f"  service {service.provider.ident}/{service.code}\t{service.title_vi}")
        for right in AccessRight.objects.select_related("consumer", "service__provider"):
            self.stdout.write(f"  right {right.consumer.ident} -> {right.service.provider.ident}/"
                              f"{right.service.code}\t{json.dumps(right.purposes, ensure_ascii=False)}")

    def _export_config(self, file, signer, **options):
        try:
            key = local_key(self._system(signer))
        except SigningUnavailable as exc:
            raise CommandError(f"no signing key: {exc.detail}") from exc
        data = directory.export_config((key.jws_alg, key.chain, key.sign))
        file.write_bytes(data)
        state = DirectoryState.objects.get(pk=1)
        self.stdout.write(f"configuration version {state.config_version} written to {file}")

    def _load_config(self, file, anchors, allow_older, **options):
        path = anchors or (Path(settings.EXCHANGE["ANCHORS"]) if settings.EXCHANGE["ANCHORS"] else None)
        if path is None:
            raise CommandError("no trusted authority: pass --anchors or set MOTCUA_EXCHANGE_ANCHORS")
        version = directory.load_config(file.read_bytes(), directory.load_pems(path.read_text()), allow_older)
        self.stdout.write(f"configuration version {version} loaded")

    def _verify_log(self, **options):
        report = services.verify_log(lambda n: sys.stderr.write(f"\r{n:,} entries"))
        self.stdout.write(f"{report.entries:,} entries in {report.streams:,} streams")
        for problem in report.problems:
            self.stdout.write(problem)
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems found", returncode=1)
        self.stdout.write("the message log is whole")

    def _subscribe(self, subscriber, topic, purpose, **options):
        found = subscriptions.subscribe(subscriber, topic, purpose)
        self.stdout.write(f"{found.subscriber} receives {found.topic} for {found.purpose} ({found.legal_basis})")

    def _unsubscribe(self, subscriber, topic, **options):
        self.stdout.write(f"{subscriptions.unsubscribe(subscriber, topic)} subscription ended")

    def _subscriptions(self, **options):
        for found in Subscription.objects.order_by("subscriber", "topic"):
            self.stdout.write(f"{found.subscriber}\t{found.topic}\t{found.purpose} ({found.legal_basis})\t"
                              f"{'active' if found.active else 'ended'}")

    def _deliver(self, once, poll, **options):
        report = subscriptions.run(poll, once, lambda r: sys.stderr.write(
            f"\r{r.sent:,} sent, {r.retried:,} to retry, {r.failed:,} failed"))
        self.stdout.write(f"{report.sent:,} sent, {report.retried:,} to retry, {report.failed:,} failed")

    def _deliveries(self, **options):
        found = subscriptions.status()
        for (subscriber, topic, state), count in sorted(found.counts.items()):
            self.stdout.write(f"{subscriber}\t{topic}\t{state}\t{count:,}")
        self.stdout.write(f"oldest due delivery waiting {found.backlog_seconds:.0f} s")
        for delivery in found.failed:
            self.stdout.write(f"failed #{delivery.pk}\t{delivery.subscription.subscriber}\t{delivery.topic}\t"
                              f"event {delivery.event_id}\t{delivery.attempts} attempts\t{delivery.last_error}")
        if found.failed:
            raise CommandError(f"{len(found.failed)} deliveries failed", returncode=1)

    def _retry_failed(self, ids, **options):
        self.stdout.write(f"{subscriptions.retry_failed(ids or None)} deliveries due again")
