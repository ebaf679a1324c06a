"""Roll-up tables of the service index, kept up to date from the outbox, and citizens' ratings."""

from django.db import models

from motcua.metrics.index766 import COUNTERS

# Scope levels: national; province; commune; agency; procedure; procedure within a province / commune / agency;
# ministry, and its drill-down: sector of a ministry, procedure of the sector, province of the agencies deciding
# the procedure, agency deciding it.
LEVELS = [("N", "Toàn quốc"), ("P", "Tỉnh"), ("C", "Xã"), ("A", "Cơ quan"), ("F", "Thủ tục"),
          ("PF", "Thủ tục trong tỉnh"), ("CF", "Thủ tục trong xã"), ("AF", "Thủ tục của cơ quan"),
          ("M", "Bộ, ngành"), ("MS", "Lĩnh vực của bộ"), ("MF", "Thủ tục của bộ"),
          ("MP", "Thủ tục của bộ trong tỉnh"), ("MA", "Cơ quan giải quyết")]
# The "province" of a ministry's own departments (the Immigration Department, …), which have none.
CENTRAL = "TW"


class KpiCounter(models.Model):
    """The counters of ``index766.COUNTERS`` summed over the dossiers of one scope received in one month:
    one row per scope and month, one column per counter."""

    level = models.CharField(max_length=2, choices=LEVELS)
    # province/commune/agency/procedure/ministry code, "parent|procedure" for xF, "ministry|sector" (MS),
    # "ministry|procedure" (MF), "ministry|procedure|province" (MP: the deciding agency's province, or CENTRAL),
    # "ministry|procedure|agency" (MA, under its MP)
    scope = models.CharField(max_length=120)
    parent = models.CharField(max_length=80, blank=True)  # for drill-down: the province of a commune, …
    month = models.DateField()  # first day of the month of receipt
    for _counter in COUNTERS:
        locals()[_counter] = models.BigIntegerField(default=0)
    del _counter

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "scope", "month"], name="unique_kpi_counter")]
        indexes = [
            models.Index(fields=["level", "month"]),
            # A drill-down counts, per child scope, the procedures used online: tens of thousands of rows under a
            # big province, read from the index alone (PostgreSQL's INCLUDE) rather than from scattered heap pages.
            models.Index(fields=["level", "parent", "month"], include=["scope", "online", "paid_online"],
                         name="kpi_counter_children"),
        ]


class KpiOpenDue(models.Model):
    """Unfinished dossiers of a scope and month by due date: "still within the deadline" depends on the day
    the figures are read, so it is counted then (due date ≥ today) from this small table."""

    level = models.CharField(max_length=2, choices=LEVELS)
    scope = models.CharField(max_length=120)
    parent = models.CharField(max_length=80, blank=True)
    month = models.DateField()
    due_date = models.DateField()  # 9999-12-31: no running clock (not received yet, or paused for the citizen)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "scope", "month", "due_date"],
                                               name="unique_kpi_open_due")]
        # Read as "due today or later": most rows are past due dates of long-finished months, so the due date
        # leads after the scope columns and the index skips them.
        indexes = [models.Index(fields=["level", "due_date"]), models.Index(fields=["level", "parent", "due_date"])]


class DossierFact(models.Model):
    """What one dossier contributes to the roll-ups, as last applied: the next change is applied as a
    difference, so replaying an event changes nothing."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, primary_key=True,
                                   related_name="fact")
    month = models.DateField()
    scopes = models.JSONField(default=list)  # [[level, scope, parent], …]
    counters = models.JSONField(default=dict)
    open_due = models.DateField(null=True)


class PortalAck(models.Model):
    """The journal version at which the national portal last acknowledged a dossier (from ``dossier.synced``
    outbox events): the dossier counts as synchronised while it is its latest. An input of the roll-ups, kept by
    a rebuild."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, primary_key=True,
                                   related_name="portal_ack")
    version = models.PositiveIntegerField(default=0)
    acknowledged_at = models.DateTimeField()


# Interlinked groups are counted at these levels: a group's members sit at several agencies, so by the place the
# applicant filed from (national, province, commune), not by agency or procedure.
GROUP_LEVELS = [("N", "Toàn quốc"), ("P", "Tỉnh"), ("C", "Xã")]
GROUP_COUNTERS = ("received", "finished", "finished_on_time")


class GroupCounter(models.Model):
    """Interlinked group applications (Nghị định 63/2024/NĐ-CP) of one kind, filed from one scope in one month:
    received, finished (every member ended), and finished by the group's due date. The members are counted
    among the dossiers as well, each on its own time within the group."""

    level = models.CharField(max_length=1, choices=GROUP_LEVELS)
    scope = models.CharField(max_length=10)  # province or commune code; "" nationally
    group_code = models.CharField(max_length=40)  # the group's kind (LT.KHAISINH, LT.KHAITU, …)
    month = models.DateField()  # first day of the month the application was filed
    received = models.BigIntegerField(default=0)
    finished = models.BigIntegerField(default=0)
    finished_on_time = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "scope", "group_code", "month"],
                                               name="unique_group_counter")]
        indexes = [models.Index(fields=["level", "month"])]


class GroupFact(models.Model):
    """What one group application contributes to :class:`GroupCounter`, as last applied (see
    :class:`DossierFact`)."""

    group = models.OneToOneField("dossiers.DossierGroup", on_delete=models.CASCADE, primary_key=True,
                                 related_name="fact")
    group_code = models.CharField(max_length=40)
    month = models.DateField()
    scopes = models.JSONField(default=list)  # [[level, scope], …]
    counters = models.JSONField(default=dict)


class Rating(models.Model):
    """The citizen's rating once the result is returned (1 very dissatisfied … 5 very satisfied), and an
    optional complaint."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="rating")
    score = models.PositiveSmallIntegerField()
    complaint = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def dissatisfied(self) -> bool:
        return self.score <= 2 or bool(self.complaint.strip())
