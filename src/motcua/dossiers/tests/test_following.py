"""Following one's dossiers: the action the applicant is asked for (a supplement, a fee, a rating) is one rule over
the derived status, answered by the list's query and by each dossier alike."""

import pytest

from motcua.demo.seeding import DEMO_CITIZENS
from motcua.demo.testing import dossiers_at_each_need
from motcua.dossiers import services
from motcua.dossiers.lifecycle import NeededAction, Status, needed_action
from motcua.identity.actors import citizen_actor

AN, BINH = DEMO_CITIZENS[0], DEMO_CITIZENS[1]


@pytest.mark.parametrize(("status", "rated", "needed"), [
    (Status.NEW, False, None),
    (Status.PROCESSING, False, None),
    (Status.SUPPLEMENT_REQUESTED, False, NeededAction.SUPPLEMENT),
    (Status.FINANCIAL_OBLIGATION, False, NeededAction.PAYMENT),
    (Status.WITHDRAWAL_REQUESTED, False, None),
    (Status.PROCESSED, False, None),
    (Status.RETURNED, False, NeededAction.RATING),
    (Status.RETURNED, True, None),
    (Status.STOPPED, False, None),
])
def test_the_needed_action_follows_the_derived_status(status, rated, needed):
    assert needed_action(status, rated) is needed
    if needed is not None:
        assert needed.label_vi and needed.label_en


@pytest.fixture
def dossiers(seeded):
    """An's dossiers at each point the list tells apart, and one of Bình's."""
    return dossiers_at_each_need(AN, BINH)


def listed(following=""):
    return {d.code: services.needed_action_of(d) for d in services.dossiers_of(citizen_actor(AN.id_number), following)}


def test_the_list_narrows_to_what_needs_the_citizen_and_says_what(dossiers):
    d = dossiers
    assert listed("needs_action") == {d["asked"]: NeededAction.SUPPLEMENT, d["owing"]: NeededAction.PAYMENT,
                                      d["returned"]: NeededAction.RATING}
    assert set(listed("in_progress")) == {d["new"], d["asked"], d["owing"]}
    assert set(listed("finished")) == {d["returned"], d["rated"]}
    assert listed() == {d["new"]: None, d["asked"]: NeededAction.SUPPLEMENT, d["owing"]: NeededAction.PAYMENT,
                        d["returned"]: NeededAction.RATING, d["rated"]: None}
    assert listed("anything else") == listed()
    assert services.following_counts(citizen_actor(AN.id_number)) == {
        "all": 5, "in_progress": 3, "needs_action": 3, "finished": 2}


def test_one_dossier_reads_the_same_rule(dossiers):
    for code, needed in listed().items():
        dossier = services.get_dossier(code)
        assert services.needed_action_of(dossier) is needed
        assert services.needed_action_of(dossier, services.state_of(dossier)) is needed


def test_the_list_costs_the_same_queries_however_long(dossiers, django_assert_max_num_queries):
    actor = citizen_actor(AN.id_number)
    with django_assert_max_num_queries(2):  # the delegations the citizen holds, then the rows
        rows = [(d.code, d.procedure_version.procedure.name_vi, services.needed_action_of(d))
                for d in services.dossiers_of(actor)]
    assert len(rows) == 5
