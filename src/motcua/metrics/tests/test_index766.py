"""Decision 766 formulas on worked examples (each worked out by hand from the formula text in
docs/index766.md), and properties: scores within maxima, maxima the sums of what is measured, monotone where
the formula is."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from motcua.metrics.index766 import (
    Counts,
    Metric,
    index,
    online_payment,
    online_services,
    progress,
    satisfaction,
    transparency,
)


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
    # 6 × 15/20; min(2, 2.5 × 3/4) = 1.875; min(2, 2.5 × 0.6)
    assert [m.score for m in group.metrics] == [4.5, 1.88, 1.5]


def test_satisfaction_is_100_percent_minus_overdue_minus_dissatisfied():
    # 100 received: 80 finished, 70 of them on time (10 late), 5 open past their due date, 3 rated poorly or
    # complained about: 100 % − 15 % − 3 % = 82 %, full marks at 90 %: 6 × 0.82 / 0.9 = 5.47
    group = satisfaction(Counts(received=100, finished=80, finished_on_time=70, dissatisfied=3), open_overdue=5)
    metric = group.metrics[0]
    assert (metric.numerator, metric.denominator, metric.score) == (82, 100, 5.47)
    # at or above 90 %: in full (100 % − 5 % overdue − 1 % dissatisfied = 94 %)
    full = satisfaction(Counts(received=200, finished=200, finished_on_time=190, dissatisfied=2), open_overdue=0)
    assert full.metrics[0].score == 6
    # the formula adds the two percentages: a late dossier that is also complained about counts in both
    assert satisfaction(Counts(received=10, finished=10, finished_on_time=9, dissatisfied=1), 0).metrics[0].numerator == 8


def test_satisfaction_leaves_out_what_it_does_not_measure():
    group = satisfaction(Counts(received=100, finished=80, finished_on_time=70, dissatisfied=3), open_overdue=5)
    assert group.max_score == sum(m.max_score for m in group.metrics if m.measured)
    assert group.score == sum(m.score for m in group.metrics if m.measured)
    assert not satisfaction(Counts(), 0).metrics[0].measured  # no dossier: nothing to be satisfied with


def test_publication_on_time_over_the_procedures_with_verified_dates():
    # 8 procedures with verified decision and effective dates, 6 decided early enough: 6 × 6/8 = 4.5;
    # 5 with verified disclosure dates, all in time: 4 × 5/5 = 4
    group = transparency(Counts(procedures=12, procedures_publication_known=8, procedures_published_on_time=6,
                                procedures_disclosure_known=5, procedures_disclosed_on_time=5))
    scores = {m.code: (m.numerator, m.denominator, m.score, m.measured) for m in group.metrics}
    assert scores["PUBLISH_ON_TIME"] == (6, 8, 4.5, True)
    assert scores["PUBLIC_UPDATE_ON_TIME"] == (5, 5, 4.0, True)


def test_unmeasured_metrics_leave_the_maximum_and_score_nothing():
    group = transparency(Counts(procedures=20, procedures_complete_info=15, received=40, synced=30))
    scores = {m.code: (m.score, m.measured) for m in group.metrics}
    assert scores["PUBLIC_CONTENT_FULL"] == (1.5, True)  # 2 × 15/20
    assert scores["DOSSIER_SYNC"] == (4.5, True)  # 6 × 30/40: acknowledged by the national portal
    # no procedure with verified publication dates: not measured, never given in full
    assert scores["PUBLISH_ON_TIME"] == (0, False) and scores["PUBLIC_UPDATE_ON_TIME"] == (0, False)
    assert (group.score, group.max_score, group.points) == (6.0, 8, 18)
    assert transparency(Counts(received=40)).metrics[-1].score == 0  # nothing pushed: nothing scored
    assert Metric("X", "x", "x", 0, 0, 6, 6, measured=False).score == 0  # whatever a caller passes


def test_index_of_a_unit_with_nothing_yet_is_not_measured():
    result = index(Counts())
    assert (result.score, result.max_score, result.share, result.measured) == (0, 0, None, False)
    assert [g.points for g in result.groups] == [18, 20, 12, 10, 22, 18]


def test_index_of_a_unit_known_only_from_its_catalog():
    # 10 procedures, all online (2, A = 100 % ≥ 80 %), none used yet (0 of 4), complete (2 of 2), half on the
    # population data (2 × 0.5/0.8 = 1.25 of 2): 5.25 of 10 measured points, 52.5 scaled
    result = index(Counts(procedures=10, procedures_online=10, procedures_complete_info=10,
                          procedures_using_population_data=5))
    assert (result.score, result.max_score, result.share) == (5.25, 10, 52.5)


def test_whole_index_worked_example():
    c = Counts(received=100, online=60, finished=90, finished_on_time=81, open_within_deadline=8, has_fee=40,
               paid_online=30, paid_amount=4_000_000, paid_online_amount=3_000_000, digitized=90, reused=50,
               eid_verified=60, approved=80, result_electronic=80, result_in_wallet=40, rated=50, dissatisfied=4,
               synced=95, procedures=10, procedures_online=9, procedures_online_used=6, procedures_with_fee=4,
               procedures_paid_online=3, procedures_complete_info=10, procedures_using_population_data=8)
    result = index(c)
    groups = {g.code: (g.score, g.max_score) for g in result.groups}
    assert groups == {
        "transparency": (7.7, 8),  # publication not measured; 2 × 10/10 + 6 × 95/100
        "progress": (17.8, 20),  # 20 × (81 + 8)/100
        "online": (10.67, 12),  # 2 (90 % ≥ 80 %) + 4 × 6/9 + 6 (60 % ≥ 50 %)
        "payment": (8.26, 10),  # 6 × 30/40 + min(2, 2.5 × 3/4) + min(2, 2.5 × 0.75)
        "digitization": (19.75, 22),  # 6 + 4 + 2 × 0.5/0.8 + 4 × 0.5/0.8 + 2 + 2 + 2
        "satisfaction": (5.67, 6),  # 100 % − (9 late + 2 overdue) % − 4 % = 85 %: 6 × 0.85/0.9; PAKN unmeasured
    }
    assert (result.score, result.max_score, result.share) == (69.85, 78, 89.55)  # 100 × 69.85 / 78


def test_digitization_full_at_80_percent():
    result = index(Counts(received=10, approved=10, result_electronic=8, result_in_wallet=4, digitized=10, reused=2,
                          online=10, eid_verified=10, procedures=5, procedures_using_population_data=5))
    scores = {m.code: m.score for m in result.group("digitization").metrics}
    assert scores["ORIGINAL_RESULT_AVAILABLE"] == 6 and scores["ELECTRONIC_RESULT_IN_WALLET"] == 2.0
    assert scores["REUSED_DIGITIZED_DATA"] == 0.5


def test_counts_add_up():
    assert (Counts(received=1, online=1) + Counts(received=2)).received == 3
    with pytest.raises(ValueError):
        Counts.from_mapping({"received": "x"})


@st.composite
def consistent_counts(draw):
    """Counts as the roll-ups produce them: parts never exceed their whole."""
    c = draw(st.builds(Counts, **{name: st.integers(0, 1000) for name in Counts.__dataclass_fields__}))
    c.finished = min(c.finished, c.received)
    c.finished_on_time = min(c.finished_on_time, c.finished)
    c.open_within_deadline = min(c.open_within_deadline, c.received - c.finished)
    c.procedures_published_on_time = min(c.procedures_published_on_time, c.procedures_publication_known)
    c.procedures_disclosed_on_time = min(c.procedures_disclosed_on_time, c.procedures_disclosure_known)
    return c


@given(consistent_counts())
def test_scores_stay_within_maxima_that_sum_what_is_measured(c):
    result = index(c)
    for group in result.groups:
        measured = [m for m in group.metrics if m.measured]
        assert group.max_score == pytest.approx(sum(m.max_score for m in measured))
        assert group.measured == bool(measured)
        assert 0 <= group.score <= group.max_score + 1e-9 and group.max_score <= group.points
        for metric in group.metrics:
            assert 0 <= metric.score <= metric.max_score + 1e-9
            assert metric.measured or metric.score == 0
    assert result.max_score == pytest.approx(sum(g.max_score for g in result.groups))
    assert 0 <= result.score <= result.max_score + 1e-9 <= 100 + 1e-9
    assert result.share is None if not result.measured else 0 <= result.share <= 100


@given(consistent_counts())
def test_leaving_a_metric_unmeasured_changes_the_maximum_by_its_points_and_the_score_by_its_own(c):
    assume(c.procedures_publication_known > 0)
    before = index(c)
    publish = before.group("transparency").metrics[0]
    c.procedures_publication_known = c.procedures_published_on_time = 0
    after = index(c)
    assert after.max_score == pytest.approx(before.max_score - 6)
    assert after.score == pytest.approx(before.score - publish.score, abs=0.011)


@given(consistent_counts(), st.integers(1, 50))
def test_monotone_where_the_formula_is(c, more):
    assume(c.received > 0)
    # more dossiers on time (finished late → on time): progress never falls
    late = c.finished - c.finished_on_time
    moved = min(more, late)
    better = Counts(**{**vars(c), "finished_on_time": c.finished_on_time + moved})
    assert index(better).group("progress").score >= index(c).group("progress").score
    assert index(better).group("satisfaction").score >= index(c).group("satisfaction").score
    # more dossiers complained about: satisfaction never rises
    worse = Counts(**{**vars(c), "dissatisfied": c.dissatisfied + more})
    assert index(worse).group("satisfaction").score <= index(c).group("satisfaction").score
    # one more procedure published on time, among those with verified dates: never lower
    if c.procedures_published_on_time < c.procedures_publication_known:
        sooner = Counts(**{**vars(c), "procedures_published_on_time": c.procedures_published_on_time + 1})
        assert index(sooner).score >= index(c).score and index(sooner).max_score == index(c).max_score


def test_share_compares_units_measured_on_different_metrics():
    # the worked example above (69.85 of 78 measured points) against the same unit whose publication is
    # measured: 4 of 8 procedures published on time (6 × 4/8 = 3) and 4 of 8 disclosed on time (4 × 4/8 = 2)
    a = dict(received=100, online=60, finished=90, finished_on_time=81, open_within_deadline=8, has_fee=40,
             paid_online=30, paid_amount=4_000_000, paid_online_amount=3_000_000, digitized=90, reused=50,
             eid_verified=60, approved=80, result_electronic=80, result_in_wallet=40, rated=50, dissatisfied=4,
             synced=95, procedures=10, procedures_online=9, procedures_online_used=6, procedures_with_fee=4,
             procedures_paid_online=3, procedures_complete_info=10, procedures_using_population_data=8)
    b = index(Counts(**a, procedures_publication_known=8, procedures_published_on_time=4,
                     procedures_disclosure_known=8, procedures_disclosed_on_time=4))
    assert (b.score, b.max_score, b.share) == (74.85, 88, 85.06)  # 100 × 74.85 / 88
    assert index(Counts(**a)).share == 89.55 > b.share  # more points, but a smaller share of those at stake
