"""The index's points print as Django's floatformat prints them, in both languages."""

from django.template.defaultfilters import floatformat
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from motcua.core.templatetags.motcua import points


@given(st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 2)),
       st.sampled_from(["1", "2", "-2"]), st.sampled_from(["vi", "en"]))
def test_points_match_floatformat(value, digits, language):
    with translation.override(language):
        assert points(value, digits) == floatformat(value, digits)


def test_points_of_nothing():
    assert points(None) == ""
