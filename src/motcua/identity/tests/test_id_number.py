from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.identity.id_number import PROVINCE_CODES, InvalidIdNumber, compose, decode, validate

TODAY = date(2026, 11, 24)


def test_decodes_the_parts():
    d = decode("001185004321", TODAY)
    assert (d.province_code, d.sex, d.birth_year) == ("001", "F", 1985)
    assert (decode("079203001122", TODAY).birth_year, decode("079203001122", TODAY).sex) == (2003, "M")
    assert (decode("079303001122", TODAY).birth_year, decode("079303001122", TODAY).sex) == (2003, "F")


@pytest.mark.parametrize("number, code", [
    ("00109001234", "wrong_length"),
    ("0010900123456", "wrong_length"),
    ("00109001234a", "not_digits"),
    ("００１０９００１２３４５", "not_digits"),  # full-width digits are not ASCII digits
    ("", "not_digits"),
    ("003090012345", "unknown_province"),  # 003 was never a province code
    ("097090012345", "unknown_province"),
    ("001299012345", "future_birth_year"),  # 2099
    ("001490012345", "future_birth_year"),  # 2190
])
def test_each_way_a_number_can_be_wrong(number, code):
    with pytest.raises(InvalidIdNumber) as exc:
        decode(number, TODAY)
    assert exc.value.code == code
    assert exc.value.vi and exc.value.en


@pytest.mark.parametrize("year, sex, code", [
    (1991, "M", "birth_year_mismatch"),
    (2090, "M", "future_birth_year"),
    (1990, "F", "sex_mismatch"),
])
def test_cross_checks_with_stated_birth_year_and_sex(year, sex, code):
    with pytest.raises(InvalidIdNumber) as exc:
        validate("001090012345", birth_year=year, sex=sex, today=date(2100, 1, 1) if year > 2026 else TODAY)
    assert exc.value.code == (code if year < 2026 else "century_mismatch")


def test_century_mismatch():
    with pytest.raises(InvalidIdNumber) as exc:
        validate("001290012345", birth_year=1990, today=date(2100, 1, 1))
    assert exc.value.code == "century_mismatch"


@given(st.sampled_from(sorted(PROVINCE_CODES)), st.sampled_from("MF"), st.integers(1900, 2026),
       st.integers(0, 999_999))
def test_compose_and_validate_round_trip(province, sex, year, serial):
    number = compose(province, sex, year, serial)
    assert len(number) == 12
    decoded = validate(number, birth_year=year, sex=sex, today=TODAY)
    assert (decoded.province_code, decoded.sex, decoded.birth_year) == (province, sex, year)
