"""Published and disclosed on time (Decision 766, index items 1.1 and 1.2): worked examples on the working-day
calendar, properties, and the ``publication`` block of a procedure definition."""

from datetime import date, timedelta

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from motcua.calendar import WorkingCalendar
from motcua.catalog.publication import Publication, disclosed_on_time, published_on_time
from motcua.catalog.services import PROCEDURES_DIR, parse_files
from motcua.catalog.spec import SpecError

CALENDAR = WorkingCalendar()


def publication(decided, effective=None, disclosed=None, publisher="province", unverified=()) -> Publication:
    return Publication("1/QĐ-UBND", publisher, decided, "Nghị định 1/2025/NĐ-CP", effective, disclosed,
                       frozenset(unverified))


def test_published_on_time_province_five_working_days_before_effect():
    # Mon 23 Jun 2025 → Tue 1 Jul 2025: 24, 25, 26, 27, 30 Jun and 1 Jul are 6 working days (≥ 5): on time
    assert published_on_time(publication(date(2025, 6, 23), date(2025, 7, 1)), CALENDAR) is True
    # Wed 25 Jun → 1 Jul: 26, 27, 30 Jun, 1 Jul: 4 working days: late
    assert published_on_time(publication(date(2025, 6, 25), date(2025, 7, 1)), CALENDAR) is False
    # decided after the basis took effect: late
    assert published_on_time(publication(date(2025, 7, 2), date(2025, 7, 1)), CALENDAR) is False


def test_published_on_time_ministry_twenty_working_days():
    # Mon 2 Jun → Tue 1 Jul 2025: 21 working days (June 2025 has no holiday after the 2nd): on time for a
    # ministry; Fri 6 Jun → 1 Jul: 17: late
    assert CALENDAR.working_days_between(date(2025, 6, 2), date(2025, 7, 1)) == 21
    assert published_on_time(publication(date(2025, 6, 2), date(2025, 7, 1), publisher="ministry"), CALENDAR)
    assert not published_on_time(publication(date(2025, 6, 6), date(2025, 7, 1), publisher="ministry"), CALENDAR)


def test_disclosed_on_time_counts_working_days_after_the_decision():
    # Mon 23 Jun → Mon 30 Jun 2025: 5 working days: on time for a province (≤ 5); Tue 1 Jul: 6, late
    assert disclosed_on_time(publication(date(2025, 6, 23), disclosed=date(2025, 6, 30)), CALENDAR) is True
    assert disclosed_on_time(publication(date(2025, 6, 23), disclosed=date(2025, 7, 1)), CALENDAR) is False
    # a ministry has 10: Tue 1 Jul is still in time
    assert disclosed_on_time(publication(date(2025, 6, 23), disclosed=date(2025, 7, 1), publisher="ministry"),
                             CALENDAR) is True
    # across Tết 2025 (25 Jan – 2 Feb off): Fri 24 Jan → Mon 10 Feb is 6 working days (3–7 Feb and 10 Feb)
    assert disclosed_on_time(publication(date(2025, 1, 24), disclosed=date(2025, 2, 10)), CALENDAR) is False
    assert disclosed_on_time(publication(date(2025, 1, 24), disclosed=date(2025, 2, 7)), CALENDAR) is True


def test_unknown_or_unverified_dates_are_not_measured():
    assert published_on_time(publication(date(2025, 6, 2)), CALENDAR) is None
    assert disclosed_on_time(publication(date(2025, 6, 2), date(2025, 7, 1)), CALENDAR) is None
    doubtful = publication(date(2025, 6, 2), date(2025, 7, 1), date(2025, 6, 3), unverified={"decided"})
    assert published_on_time(doubtful, CALENDAR) is None and disclosed_on_time(doubtful, CALENDAR) is None
    only_disclosure = publication(date(2025, 6, 2), date(2025, 7, 1), date(2025, 6, 3), unverified={"disclosed"})
    assert published_on_time(only_disclosure, CALENDAR) is True and disclosed_on_time(only_disclosure) is None


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))


@given(days, st.integers(0, 60), st.integers(1, 30), st.sampled_from(["province", "ministry"]))
def test_publishing_earlier_never_makes_it_late(effective, before, earlier, publisher):
    decided = effective - timedelta(days=before)
    if published_on_time(publication(decided, effective, publisher=publisher), CALENDAR):
        assert published_on_time(publication(decided - timedelta(days=earlier), effective, publisher=publisher),
                                 CALENDAR)


@given(days, st.integers(0, 60), st.integers(1, 30), st.sampled_from(["province", "ministry"]))
def test_disclosing_later_never_makes_it_on_time(decided, after, later, publisher):
    disclosed = decided + timedelta(days=after)
    if not disclosed_on_time(publication(decided, disclosed=disclosed, publisher=publisher), CALENDAR):
        assert not disclosed_on_time(publication(decided, disclosed=disclosed + timedelta(days=later),
                                                 publisher=publisher), CALENDAR)


def _birth() -> dict:
    return yaml.safe_load((PROCEDURES_DIR / "1.001193.yaml").read_text(encoding="utf-8"))


BLOCK = {"decision": "1/QĐ-BTP", "publisher": "ministry", "decided": "2025-06-02", "basis": "Nghị định 1/2025/NĐ-CP",
         "effective": "2025-07-01", "disclosed": "2025-06-04", "unverified": ["disclosed"], "source": "https://x"}


def _parse(data: dict, folder):
    """The definition through the catalog's own reading (as `motcua catalog check` does): spec or issues."""
    (folder / "p.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    specs, errors = parse_files([folder / "p.yaml"])
    if errors:
        raise SpecError([issue for _path, issue in errors])
    return specs[0][1]


def test_the_publication_block_is_read(tmp_path):
    spec = _parse({**_birth(), "publication": BLOCK}, tmp_path)
    assert spec.publication == Publication("1/QĐ-BTP", "ministry", date(2025, 6, 2), "Nghị định 1/2025/NĐ-CP",
                                           date(2025, 7, 1), date(2025, 6, 4), frozenset({"disclosed"}), "https://x")
    assert _parse({k: v for k, v in _birth().items() if k != "publication"}, tmp_path).publication is None


@pytest.mark.parametrize(("change", "path"), [
    ({"decided": "2025-13-01"}, "publication.decided"),
    ({"effective": 20250701}, "publication.effective"),
    ({"disclosed": "2025-05-01"}, "publication.disclosed"),  # before the decision
    ({"publisher": "commune"}, "publication.publisher"),
    ({"unverified": ["decision"]}, "publication.unverified"),
    ({"signed": "2025-06-02"}, "publication.signed"),
    ({"decision": ""}, "publication.decision"),
])
def test_a_bad_publication_block_is_reported_with_its_path(change, path, tmp_path):
    with pytest.raises(SpecError) as error:
        _parse({**_birth(), "publication": {**BLOCK, **change}}, tmp_path)
    assert path in {i.path for i in error.value.issues}


def test_every_bundled_publication_block_is_valid_and_cites_its_source():
    specs, errors = parse_files([PROCEDURES_DIR])
    assert not errors
    blocks = [spec.publication for _path, spec, _raw in specs if spec.publication]
    assert blocks and all(p.source.startswith("https://") for p in blocks)
