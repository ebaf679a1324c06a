"""Rules as data: the shipped file is valid; a bad file is refused whole, every problem named by rule and field."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.proactive.rules import Catalog, RulesRefused, parse_rules
from motcua.proactive.services import RULES_FILE, load_rules

CATALOG = Catalog({"1.014137": {"child_id_number", "child_full_name"}, "1.014063": {"renewal_age"}})


def problems(data) -> list[tuple[str, str]]:
    with pytest.raises(RulesRefused) as refused:
        parse_rules(data, CATALOG)
    assert all(e.vi and e.en for e in refused.value.errors)  # bilingual
    return [(e.field, e.code) for e in refused.value.errors]


def rule(**changes):
    base = {"code": "birth", "name": {"vi": "Khai sinh", "en": "Birth"}, "reason": {"vi": "Lý do", "en": "Reason"},
            "on": "registry.person.born", "for": "parents", "offer": "1.014137",
            "prefill": {"child_id_number": "subject.id_number"}}
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def test_the_shipped_rules_are_valid(seeded):
    rules = {r.code: r for r in load_rules()}
    assert set(rules) == {"birth-group", "id-card-renewal", "death-group", "household-business-tax"}
    assert rules["birth-group"].procedures == ("1.014137", "1.004222") and rules["birth-group"].on == "registry.person.born"
    assert rules["death-group"].audience == "relatives"
    assert rules["id-card-renewal"].schedule == "identity_card" and rules["id-card-renewal"].lead_days == 30
    assert rules["household-business-tax"].when == {"event.kind": "household"}


def test_a_good_rule_parses():
    (parsed,) = parse_rules({"rules": [rule()]}, CATALOG)
    assert parsed.values({"subject.id_number": "001226000101"}, {"child_id_number"}) == {"child_id_number": "001226000101"}


def test_every_problem_is_named_by_rule_and_field():
    assert problems({"rules": [rule(on="registry.person.eloped")]}) == [("rules[0] (birth).on", "unknown_event")]
    assert problems({"rules": [rule(**{"for": "neighbours"})]}) == [("rules[0] (birth).for", "unknown_audience")]
    assert problems({"rules": [rule(offer="9.999999")]}) == [("rules[0] (birth).offer", "unknown_procedure")]
    assert problems({"rules": [rule(prefill={"shoe_size": "subject.id_number"})]}) == [
        ("rules[0] (birth).prefill.shoe_size", "unknown_field")]
    assert problems({"rules": [rule(prefill={"child_id_number": "subject.salary"})]}) == [
        ("rules[0] (birth).prefill.child_id_number", "unknown_source")]
    assert problems({"rules": [rule(colour="blue")]}) == [("rules[0] (birth).colour", "unknown_key")]
    assert problems({"rules": [rule(reason={"vi": "Lý do"})]}) == [("rules[0] (birth).reason.en", "required")]
    assert problems({"rules": [rule(group="birth")]}) == [("rules[0] (birth).offer", "offer_or_group")]
    assert problems({"rules": [rule(offer=None, group="birth")]}) == [("rules[0] (birth).group", "no_groups")]
    assert problems({"rules": [rule(on="date", **{"for": "holder"}, offer="1.014063", prefill={})]}) == [
        ("rules[0] (birth).schedule", "unknown_schedule")]
    assert problems({"rules": [rule(), rule()]}) == [("rules[1] (birth).code", "duplicate")]
    assert problems([]) == [("rules", "not_a_list")]


def test_groups_are_accepted_once_the_catalog_has_them():
    catalog = Catalog(CATALOG.procedures, {"khai-sinh": ["1.014137"]})
    (parsed,) = parse_rules({"rules": [rule(offer=None, group="khai-sinh")]}, catalog)
    assert parsed.procedures == ("1.014137",)
    with pytest.raises(RulesRefused):
        parse_rules({"rules": [rule(offer=None, group="no-such-group")]}, catalog)


def test_a_bad_file_is_refused_whole(seeded, tmp_path: Path):
    bad = tmp_path / "rules.yaml"
    text = RULES_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace("on: registry.person.died", "on: registry.person.vanished"), encoding="utf-8")
    with pytest.raises(RulesRefused) as refused:
        load_rules(bad)
    assert [e.field for e in refused.value.errors] == ["rules[2] (death-group).on"]
    with pytest.raises(CommandError, match="1 problem"):
        call_command("proactive", "check", str(bad))
    bad.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(RulesRefused, match="none of its rules"):
        load_rules(bad)
    call_command("proactive", "check")  # the shipped file passes
