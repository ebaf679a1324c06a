"""The dossier records who filed it beside whom it is about; dossiers filed before are the applicants' own
online filings, and counter or postal ones recorded by the reception officer of their first journal entry."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def filers(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierAction = apps.get_model("dossiers", "DossierAction")
    Dossier.objects.filter(channel="online").update(filer_id_number=F("applicant_id_number"),
                                                    filer_name=F("applicant_name"))
    submitted = DossierAction.objects.filter(dossier=OuterRef("pk"), kind="submit")
    Dossier.objects.exclude(channel="online").update(
        filed_as="assisted", filer_id_number=Subquery(submitted.values("actor_id")[:1]),
        filer_name=Subquery(submitted.values("actor_name")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('dossiers', '0005_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='applicant_kind',
            field=models.CharField(choices=[('person', 'Cá nhân'), ('organisation', 'Tổ chức')], default='person', max_length=12),
        ),
        migrations.AddField(
            model_name='dossier',
            name='filed_as',
            field=models.CharField(choices=[('self', 'Tự nộp'), ('parent', 'Cha, mẹ nộp thay con chưa thành niên'), ('guardian', 'Người giám hộ nộp thay'), ('relative', 'Thân nhân nộp thay người đã mất'), ('authorised', 'Người được ủy quyền nộp thay'), ('legal_representative', 'Người đại diện theo pháp luật của tổ chức'), ('staff', 'Nhân viên được tổ chức giao nộp'), ('assisted', 'Cán bộ tiếp nhận nộp giúp tại bộ phận một cửa')], default='self', max_length=25),
        ),
        migrations.AddField(
            model_name='dossier',
            name='filer_id_number',
            field=models.CharField(db_index=True, default='', max_length=150),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='dossier',
            name='filer_name',
            field=models.CharField(blank=True, max_length=255),
        ),
        migrations.AddField(
            model_name='dossier',
            name='mandate',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name='dossieraction',
            name='actor_organisation',
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='applicant_id_number',
            field=models.CharField(db_index=True, max_length=20),
        ),
        migrations.AlterField(
            model_name='dossiergroup',
            name='applicant_id_number',
            field=models.CharField(db_index=True, max_length=20),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['filer_id_number', 'submitted_at'], name='dossiers_do_filer_i_8254b8_idx'),
        ),
        migrations.RunPython(filers, migrations.RunPython.noop),
    ]
