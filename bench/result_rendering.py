"""Result rendering benchmark: the printed forms per second, now and as fpdf2 drew them on its own before, and
the two PAdES signatures of a result against the machine's floor.

    python bench/result_rendering.py [--documents 100] [--rounds 3] [--seconds 3]

Creates a throwaway PostgreSQL database, seeds the catalog and officials, and brings --documents birth
registrations to the deciding step (received, so each has a receipt slip). Then, in one process:

  1. rendering, in --rounds rounds that alternate the two ways so that both see the same machine: the result
     (the birth certificate of each dossier, as the approval renders it, without signing), the receipt slip and
     the tracking sheet, drawn now and drawn as before — fpdf2 parsing the three font files for every document
     and subsetting them with fontTools when writing it, breaking every text into lines itself, and reading the
     QR code back from a PNG (`AsFpdf2DrawsIt` below) — per document: p50, p99 and mean of the wall time, and
     the mean CPU time;
  2. where a result's time goes now: the QR code's encoding (segno), writing the PDF (fonts embedded, PDF/A
     metadata), and the rest (layout, and the dossier's data read from the database);
  3. signing, without timestamps (B-B: the time-stamping authority's round trip is its own cost, see
     bench/signing.py): the floor — RSA-2048 private-key operations per second with the agency's own key
     (`cryptography`), two per result — then a rendered result signed twice (the official, then the agency
     seal) as the approval does, and what key reuse, the event loop per signature and the digest algorithm
     each account for.

It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import io
import statistics
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from unittest import mock

from throwaway import throwaway_database


def line(label: str, samples: list[float], cpu: float | None = None) -> None:
    """``samples``: seconds per document; ``cpu``: CPU seconds over all of them."""
    q = statistics.quantiles(samples, n=100)
    text = f"{label:<58} {len(samples) / sum(samples):>8,.1f} /s   p50 {q[49] * 1000:6.2f} ms   " \
           f"p99 {q[98] * 1000:6.2f} ms   mean {statistics.fmean(samples) * 1000:6.2f} ms"
    if cpu is not None:
        text += f"   CPU {cpu / len(samples) * 1000:6.2f} ms"
    print(text, flush=True)


def timed(work: Callable[..., object], items: list[tuple]) -> tuple[list[float], float]:
    """``work(*item)`` for each item: the seconds each took, and the CPU seconds of them all."""
    samples, cpu = [], time.process_time()
    for item in items:
        started = time.perf_counter()
        work(*item)
        samples.append(time.perf_counter() - started)
    return samples, time.process_time() - cpu


def rate(label: str, work: Callable[[], object], seconds: float) -> float:
    """Calls of ``work`` per second over about ``seconds``."""
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        work()
        done += 1
    per_second = done / (time.perf_counter() - started)
    print(f"{label:<58} {per_second:>8,.0f} /s   {1000 / per_second:8.3f} ms each", flush=True)
    return per_second


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="for each of the signing figures")
    args = parser.parse_args()

    with throwaway_database("rendering"):
        import segno
        from django.conf import settings
        from django.utils import timezone
        from fpdf import FPDF

        from motcua.catalog.models import Procedure
        from motcua.catalog.services import spec_of
        from motcua.demo.testing import official_actor, sample_submission
        from motcua.documents import issuing, results
        from motcua.documents.legal_forms import SignerTitle, office_of
        from motcua.documents.signers import SignerIdentity, backend
        from motcua.documents.signing import Signature, agency_seal, sign_pdf
        from motcua.dossiers import pdf, services
        from motcua.dossiers.form_fonts import FAMILY
        from motcua.dossiers.printable import FONT_FILES
        from motcua.identity.actors import Role, citizen_actor

        class AsFpdf2DrawsIt(pdf.OfficialForm):
            """The printed form drawn as before, by fpdf2 on its own: the font files parsed for every document
            (``add_font``) and subset by fontTools when it is written, every text broken into lines by fpdf2, the
            QR code written as a PNG and read back."""

            def __init__(self, compliance: str | None = None) -> None:
                FPDF.__init__(self, orientation="P", unit="mm", format="A4", enforce_compliance=compliance)
                self.set_margins(20, 15, 15)
                self.set_auto_page_break(True, margin=15)
                for style, path in FONT_FILES.items():
                    self.add_font(FAMILY, style, path)
                self.set_title("motcua")
                self.set_creator("motcua")

            def output(self, *args, **kwargs):
                return FPDF.output(self, *args, **kwargs)

            def lines(self, w: float, h: float, text: str, align: str = "J", new_x: str = "LMARGIN") -> None:
                self.multi_cell(w, h, text, align=align, new_x=new_x, new_y="NEXT")

            def qr_code(self, data: str, x: float, y: float, size: float) -> None:
                self.image(segno.make(data, error="m").png_data_uri(scale=4, border=1), x=x, y=y, w=size, h=size)

        def drawn_as(form_class: type) -> ExitStack:
            stack = ExitStack()
            for module in (pdf, results):
                stack.enter_context(mock.patch.object(module, "OfficialForm", form_class))
            return stack

        print(f"motcua result rendering benchmark — {args.documents} birth registrations, {args.rounds} rounds")
        spec = spec_of(Procedure.objects.get(code="1.001193").current_version)
        citizen = citizen_actor("001090012345", "Nguyễn Văn An", 2)
        receiver = official_actor("H01.X00070.UB", Role.RECEIVER)
        specialist = official_actor("H01.X00070.UB", Role.SPECIALIST)
        dossiers = []
        for i in range(args.documents):
            submission = sample_submission(spec)
            submission.form["child_full_name"] = f"Nguyễn Văn Thử {i}"
            code = services.submit(submission, citizen)[0].code
            for actor, kind in ((receiver, "receive"), (receiver, "forward"), (specialist, "forward")):
                services.act(code, kind, actor)
            dossier = services.get_dossier(code)
            dossiers.append((dossier, services.state_of(dossier)))
        # What the registries allot the child (the benchmark does not write the registries while rendering).
        registered = {"child_id_number": "001226000001", "register_number": "1/2026/KS.H01.X00070.UB",
                      "register_book": "01/2026", "mother_name": "Trần Thị Bình", "father_name": ""}
        leader = "Phạm Quốc Hùng"
        drafts = {dossier.code: issuing.Draft(uuid.uuid4(), f"{i + 1:06d}/2026/KQ", timezone.now(),
                                              issuing.verification_url(uuid.uuid4()))
                  for i, (dossier, _) in enumerate(dossiers)}

        def result(dossier) -> bytes:
            return results.render_result(dossier, drafts[dossier.code], ("Giấy khai sinh", "Birth certificate"),
                                         leader, SignerTitle(office_of(dossier.agency.agency_type), False),
                                         registered)

        forms = {"result (birth certificate)": lambda d, s: result(d),
                 "receipt slip": lambda d, s: pdf.receipt_slip(d, s),
                 "tracking sheet": lambda d, s: pdf.tracking_sheet(d, s)}
        ways = {"now": pdf.OfficialForm, "before (fpdf2 on its own)": AsFpdf2DrawsIt}
        for form_class in ways.values():  # fonts read, caches filled, as in a warm server
            with drawn_as(form_class):
                for render in forms.values():
                    render(*dossiers[0])
        measured: dict[tuple[str, str], tuple[list[float], float]] = {}
        for _ in range(args.rounds):
            for form, render in forms.items():
                for way, form_class in ways.items():
                    with drawn_as(form_class):
                        samples, cpu = timed(render, dossiers)
                    before = measured.get((form, way), ([], 0.0))
                    measured[(form, way)] = (before[0] + samples, before[1] + cpu)
        print("\n1. rendering, per document (wall time; CPU time of this process)")
        for form in forms:
            for way in ways:
                line(f"{form}, {way}", *measured[(form, way)])
            now, before = (statistics.fmean(measured[(form, way)][0]) for way in ways)
            print(f"{'':<58} {before / now:>8.1f}× faster (mean)")

        print("\n2. where a result's time goes now (mean per document)")
        spent = {"qr": 0.0, "output": 0.0}

        class Timed(pdf.OfficialForm):
            def qr_code(self, *args, **kwargs) -> None:
                started = time.perf_counter()
                super().qr_code(*args, **kwargs)
                spent["qr"] += time.perf_counter() - started

            def output(self, *args, **kwargs):
                started = time.perf_counter()
                try:
                    return super().output(*args, **kwargs)
                finally:
                    spent["output"] += time.perf_counter() - started

        with drawn_as(Timed):
            total = sum(timed(forms["result (birth certificate)"], dossiers)[0])
        encode = sum(timed(lambda url: segno.make(url, error="m"), [(d.verify_url,) for d in drafts.values()])[0])
        n = len(dossiers)
        for label, seconds in (("whole result", total), ("QR code: segno encoding (mask choice included)", encode),
                               ("QR code: image handed to fpdf2", spent["qr"] - encode),
                               ("writing the PDF (fonts embedded, PDF/A metadata)", spent["output"]),
                               ("layout and the dossier's data", total - spent["qr"] - spent["output"])):
            print(f"{label:<58} {seconds / n * 1000:8.2f} ms   {seconds / total:6.1%}")

        print("\n3. signing: two signatures per result, RSA-2048, without timestamps (B-B)")
        settings.SIGNING = {**settings.SIGNING, "TSA": "none"}
        dossier = dossiers[0][0]
        official = SignerIdentity("official", "hoankiem.lanhdao", leader, dossier.agency.name_vi)
        signatures = [Signature(official, "ChuKyNguoiKy", f"Phê duyệt hồ sơ {dossier.code}", dossier.agency.name_vi),
                      agency_seal(dossier.agency, "Ký số của cơ quan ban hành")]
        document = result(dossier)
        sign_pdf(document, signatures)  # certificates issued, keys loaded once, as in a warm server
        signer, certificate = backend().signer_for(signatures[1].identity)
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

        key_pem = certificate.key_pem.encode()
        key = serialization.load_pem_private_key(key_pem, password=None)
        digest = hashlib.sha256(document).digest()
        floor = rate("floor: RSA-2048 signatures (PKCS#1 v1.5, SHA-256)",
                     lambda: key.sign(digest, PKCS1v15(), hashes.SHA256()), args.seconds)
        print(f"{'floor: results (two signatures each)':<58} {floor / 2:>8,.0f} /s")
        signed = rate("results signed twice (sign_pdf, as the approval)", lambda: sign_pdf(document, signatures),
                      args.seconds)
        print(f"{'the pipeline against the floor':<58} {signed / (floor / 2):>8.1%}   "
              f"(the RSA operations: {2 / floor * signed:.1%} of a result's signing time)")
        print("one signature's parts:")
        rate("  the signer looked up (certificate row, kept key)", lambda: backend().signer_for(signatures[1].identity),
             args.seconds)
        rate("  the PDF read for an incremental update", lambda: IncrementalPdfFileWriter(io.BytesIO(document)),
             args.seconds)
        rate("  the CMS signature built by pyHanko, RSA included",
             lambda: asyncio.run(signer.async_sign(digest, "sha256")), args.seconds)
        print("choices:")
        rate("  without key reuse: the key parsed for each signature",
             lambda: serialization.load_pem_private_key(key_pem, password=None).sign(
                 digest, PKCS1v15(), hashes.SHA256()), args.seconds)

        async def nothing() -> None:
            return None

        rate("  an event loop for each signature (pyHanko's sync call)", lambda: asyncio.run(nothing()), args.seconds)
        for algorithm in ("sha256", "sha512"):
            rate(f"  the document's digest, {algorithm} ({len(document) // 1024} KiB)",
                 lambda algorithm=algorithm: hashlib.new(algorithm, document).digest(), args.seconds)

if __name__ == "__main__":
    main()
