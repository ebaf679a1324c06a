"""Decision 766 formulas on worked examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.metrics.index766 import Counts, index, online_payment, online_services, progress, satisfaction


def test_progress_counts_finished_on_time_and_still_within_deadline():
    group = progress(Counts(received=10, finished=7, finished_on_time=6, open_within_deadline=2))
    metric = group.metrics[0]
    assert (metric.numerator, metric.denominator, metric.ratio, metric.score) == (8, 10, 0.8, 16.0)


def test_online_services_thresholds():
    group = online_services(Counts(procedures=10, procedures_online=8, procedures_online_used=6, received=10, online=3))
    assert [m.score for m in group.metrics] == [2.0, 3.0, 3.6]  # A at the 80 % threshold; 4 × 0.75; 6 × 0.3/0.5
    assert group.score == 8.6
    assert online_services(Counts(procedures=10, procedures_online=10, procedures_online_used=10, received=4,
                                  online=3)).score == 12.0  # 75 % online ≥ 50 %: full marks


def test_online_payment():
    group = online_payment(Counts(has_fee=20, paid_online=15, procedures_with_fee=4, procedures_paid_online=3,
                                  paid_amount=1_000_000, paid_online_amount=600_000))
    assert [m.score for m in group.metrics] == [4.5, 1.88, 1.5]


def test_satisfaction_subtracts_overdue_and_dissatisfied():
    c = Counts(received=100, finished=80, finished_on_time=70, dissatisfied=3)
    group = satisfaction(c, open_overdue=5)
    metric = group.metrics[0]
    assert (metric.numerator, metric.denominator) == (82, 100)  # 10 late + 5 overdue + 3 dissatisfied
    assert metric.score == round(6 * 0.82 / 0.9, 2)
    assert [m.measured for m in group.metrics] == [True, False, False]


def test_index_of_a_unit_with_nothing_yet():
    result = index(Counts())
    assert result.score == 94.0  # everything in full, except the share of dossiers submitted online
    assert [g.max_score for g in result.groups] == [18, 20, 12, 10, 22, 18]


def test_digitization_full_at_80_percent():
    result = index(Counts(received=10, approved=10, result_electronic=8, result_in_wallet=4, digitized=10, reused=2,
                          online=10, eid_verified=10, procedures=5, procedures_using_population_data=5))
    scores = {m.code: m.score for m in result.group("digitization").metrics}
    assert scores["ORIGINAL_RESULT_AVAILABLE"] == 6 and scores["ELECTRONIC_RESULT_IN_WALLET"] == 2.0
    assert scores["REUSED_DIGITIZED_DATA"] == 0.5


counts = st.builds(Counts, **{name: st.integers(0, 1000) for name in Counts.__dataclass_fields__})


@given(counts)
def test_scores_stay_within_their_maximum(c):
    c.finished = min(c.finished, c.received)
    c.finished_on_time = min(c.finished_on_time, c.finished)
    c.open_within_deadline = min(c.open_within_deadline, c.received - c.finished)
    result = index(c)
    for group in result.groups:
        assert 0 <= group.score <= group.max_score + 1e-9
        for metric in group.metrics:
            assert 0 <= metric.score <= metric.max_score + 1e-9
    assert 0 <= result.score <= 100


def test_counts_add_up():
    assert (Counts(received=1, online=1) + Counts(received=2)).received == 3
    with pytest.raises(ValueError):
        Counts.from_mapping({"received": "x"})


def test_transparency_checks_catalog_content_and_flags_what_it_cannot_measure():
    from motcua.metrics.index766 import transparency

    group = transparency(Counts(procedures=20, procedures_complete_info=15, received=40, synced=30))
    scores = {m.code: (m.score, m.measured) for m in group.metrics}
    assert scores["PUBLIC_CONTENT_FULL"] == (1.5, True)  # 2 × 15/20
    assert scores["DOSSIER_SYNC"] == (4.5, True)  # 6 × 30/40: acknowledged by the national portal
    assert scores["PUBLISH_ON_TIME"] == (6, False) and scores["PUBLIC_UPDATE_ON_TIME"] == (4, False)
    assert group.score == 16
    # nothing pushed: nothing scored; nothing received: scored in full, as the portal scores an empty unit
    assert transparency(Counts(received=40)).metrics[-1].score == 0
    assert transparency(Counts()).metrics[-1].score == 6
