"""The pure rules of acting for someone else: who is a minor on a day, who is a deceased person's relative, what
an authorisation allows."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from motcua.representation import rules

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(born=days, on=days)
def test_a_minor_is_born_and_not_yet_eighteen(born, on):
    adult = rules.birthday(born, rules.ADULT_AGE)
    assert rules.is_minor(born, on) == (born <= on < adult)
    assert adult.year - born.year == rules.ADULT_AGE and adult > born


@given(born=days)
def test_the_eighteenth_birthday_is_the_first_day_of_age(born):
    adult = rules.birthday(born, rules.ADULT_AGE)
    assert rules.is_minor(born, adult - timedelta(days=1)) and not rules.is_minor(born, adult)
    assert rules.is_minor(born, born)  # from the day of birth


def test_born_on_29_february_comes_of_age_on_1_march_in_a_common_year():
    assert rules.birthday(date(2012, 2, 29), 18) == date(2030, 3, 1)
    assert rules.birthday(date(2012, 2, 29), 20) == date(2032, 2, 29)
    assert rules.is_minor(date(2012, 2, 29), date(2030, 2, 28))


ids = st.text("0123456789", min_size=12, max_size=12)


@given(me=ids, father=ids, mother=ids, spouse=ids, children=st.frozensets(ids, max_size=4))
def test_a_relative_is_a_spouse_parent_or_child_and_nobody_else(me, father, mother, spouse, children):
    family = rules.Family(father, mother, spouse, children)
    relation = rules.relation_to_deceased(me, family)
    assert (relation is not None) == (me in {father, mother, spouse, *children})
    assert relation is None or relation in rules.RELATIVES
    assert rules.relation_to_deceased("", family) is None


@given(start=days, length=st.integers(0, 3000), on=days, revoked=st.none() | days,
       codes=st.frozensets(st.sampled_from(["1.000656", "2.000635", "1.004873"]), max_size=3),
       code=st.sampled_from(["1.000656", "2.000635", "1.004873"]))
def test_an_authorisation_allows_its_procedures_between_its_days_until_revoked(start, length, on, revoked, codes,
                                                                               code):
    until = min(start + timedelta(days=length), date(2100, 12, 31))
    problem = rules.authorisation_problem(rules.Terms(codes, start, until, revoked), code, on)
    allowed = start <= on <= until and code in codes and (revoked is None or on < revoked)
    assert (problem is None) == allowed
    if problem is not None:
        code_, vi, en = problem
        assert code_.startswith("authorisation_") and vi and en
