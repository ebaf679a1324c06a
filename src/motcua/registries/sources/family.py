from django.db.models import Q

from motcua.registries.models import CivilEvent, Person
from motcua.registries.relations import parents_of_newborn
from motcua.registries.sources import SOURCES, RegistryRecord, RegistrySource


def current_spouse(id_number: str) -> str:
    """The other party of the person's latest marriage, unless a later death ended it ("" when none)."""
    marriage = (CivilEvent.objects.filter(Q(subject_id_number=id_number) | Q(other_id_number=id_number),
                                          kind="marriage").order_by("-date", "-id").first())
    if marriage is None:
        return ""
    spouse = marriage.other_id_number if marriage.subject_id_number == id_number else marriage.subject_id_number
    ended = (CivilEvent.objects.filter(kind="death", subject_id_number__in=(id_number, spouse), date__gte=marriage.date)
             .exists() or Person.objects.filter(id_number__in=(id_number, spouse), deceased_on__isnull=False).exists())
    return "" if ended else spouse


@SOURCES.register("family")
class FamilyRelations(RegistrySource):
    """Relations the population and civil-status registers confirm together: the spouse, and the parents of a
    newborn whose birth one of them registers (the applicant by their recorded sex, the other their spouse)."""

    label_vi, label_en = "Quan hệ gia đình (dân cư, hộ tịch)", "Family relations (population, civil status)"
    owner_agency = "G08"  # the civil-status register's keeper: marriages are recorded there
    local_keeper = ("commune", "ubnd_xa")

    def lookup(self, id_number: str) -> RegistryRecord | None:
        person = Person.objects.filter(id_number=id_number).first()
        if person is None:
            return None
        spouse = current_spouse(id_number)
        parents = parents_of_newborn(id_number, person.sex, spouse)
        return self.record({
            "spouse_id_number": spouse, "father_id_number": parents.father_id_number,
            "mother_id_number": parents.mother_id_number, "relationship_to_newborn": parents.applicant_is,
        }, person.version, others=(spouse,))
