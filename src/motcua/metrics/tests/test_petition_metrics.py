"""The two petition (PAKN) metrics of the satisfaction group, worked by hand from the formula the national portal
applies (6 × numerator / denominator; nothing to count: not measured), and their properties."""

from hypothesis import given
from hypothesis import strategies as st

from motcua.metrics.index766 import Counts, index


def petition_metrics(c: Counts) -> dict:
    return {m.code: m for m in index(c).group("satisfaction").metrics if m.code.startswith("PETITION_")}


def test_worked_example_petitions_handled_on_time():
    # 8 petitions received: 5 answered by their due date, 1 answered late, 1 open within its due date,
    # 1 open past it. On time = 5 + 1 = 6; 6 × 6/8 = 4.5 points of 6.
    handled = petition_metrics(Counts(petitions=8, petitions_on_time=6))["PETITION_PROCESSING_ON_TIME"]
    assert handled.measured and (handled.numerator, handled.denominator) == (6, 8)
    assert handled.score == 4.5 and handled.max_score == 6


def test_worked_example_satisfaction_with_petition_handling():
    # Of 4 answers the senders rated, 3 satisfied them: 6 × 3/4 = 4.5; one more satisfied of 5 rated: 6 × 4/5 = 4.8.
    rated = petition_metrics(Counts(petitions=6, petitions_rated=4, petitions_satisfied=3))
    assert rated["PETITION_HANDLING_SATISFACTION"].score == 4.5
    more = petition_metrics(Counts(petitions=6, petitions_rated=5, petitions_satisfied=4))
    assert more["PETITION_HANDLING_SATISFACTION"].score == 4.8


def test_one_late_answer_of_three_costs_two_points():
    # 3 petitions, all answered, one late: 6 × 2/3 = 4.0 (the group loses exactly 2 of the 6).
    all_on_time = index(Counts(petitions=3, petitions_on_time=3)).group("satisfaction")
    one_late = index(Counts(petitions=3, petitions_on_time=2)).group("satisfaction")
    assert round(all_on_time.score - one_late.score, 2) == 2.0


def test_nothing_to_count_is_not_measured():
    nothing = petition_metrics(Counts())
    assert not nothing["PETITION_PROCESSING_ON_TIME"].measured
    assert not nothing["PETITION_HANDLING_SATISFACTION"].measured
    received_but_unrated = petition_metrics(Counts(petitions=2, petitions_on_time=2))
    assert received_but_unrated["PETITION_PROCESSING_ON_TIME"].measured
    assert not received_but_unrated["PETITION_HANDLING_SATISFACTION"].measured


@st.composite
def petition_counts(draw) -> Counts:
    received = draw(st.integers(0, 500))
    rated = draw(st.integers(0, received))
    return Counts(received=draw(st.integers(0, 500)), petitions=received,
                  petitions_on_time=draw(st.integers(0, received)), petitions_rated=rated,
                  petitions_satisfied=draw(st.integers(0, rated)))


@given(petition_counts())
def test_the_satisfaction_group_stays_within_its_maximum(c):
    group = index(c).group("satisfaction")
    assert 0 <= group.score <= group.max_score
    for metric in group.metrics:
        assert 0 <= metric.score <= metric.max_score


@given(petition_counts(), st.integers(1, 50))
def test_more_answers_on_time_never_lower_the_score(c, more):
    better = Counts(**{**c.__dict__, "petitions": c.petitions + more, "petitions_on_time": c.petitions_on_time + more})
    late = Counts(**{**c.__dict__, "petitions": c.petitions + more})
    assert index(better).group("satisfaction").score >= index(late).group("satisfaction").score
    if c.petitions_on_time < c.petitions:
        improved = Counts(**{**c.__dict__, "petitions_on_time": c.petitions_on_time + 1})
        assert index(improved).group("satisfaction").score > index(c).group("satisfaction").score
