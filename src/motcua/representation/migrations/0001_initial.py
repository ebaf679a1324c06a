"""Written authorisations, and their log: chained by hash per grantor and append-only in the database."""

import django.utils.timezone
from django.db import migrations, models

import motcua.representation.models
from motcua.core.chained import append_only


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='Authorisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('signed', 'Ký trên cổng bằng tài khoản định danh điện tử'), ('paper', 'Văn bản giấy, kiểm tra khi tiếp nhận')], max_length=10)),
                ('grantor_id_number', models.CharField(db_index=True, max_length=12)),
                ('grantor_name', models.CharField(max_length=255)),
                ('grantee_id_number', models.CharField(db_index=True, max_length=12)),
                ('grantee_name', models.CharField(max_length=255)),
                ('procedure_codes', models.JSONField(default=list)),
                ('valid_from', models.DateField()),
                ('valid_until', models.DateField()),
                ('created_at', models.DateTimeField()),
                ('eid_level', models.PositiveSmallIntegerField(null=True)),
                ('file', models.FileField(blank=True, upload_to=motcua.representation.models._content_path)),
                ('file_name', models.CharField(blank=True, max_length=255)),
                ('file_sha256', models.CharField(blank=True, max_length=64)),
                ('content_type', models.CharField(blank=True, max_length=50)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
            ],
            options={
                'indexes': [models.Index(fields=['grantee_id_number', 'grantor_id_number'], name='representat_grantee_55056a_idx')],
            },
        ),
        migrations.CreateModel(
            name='AuthorisationEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField()),
                ('prev_digest', models.CharField(editable=False, max_length=64)),
                ('digest', models.CharField(editable=False, max_length=64)),
                ('grantor_id_number', models.CharField(max_length=12)),
                ('authorisation_id', models.PositiveBigIntegerField()),
                ('kind', models.CharField(choices=[('signed', 'Ký'), ('uploaded', 'Tải lên văn bản giấy'), ('revoked', 'Thu hồi')], max_length=10)),
                ('actor_id', models.CharField(max_length=150)),
                ('actor_name', models.CharField(blank=True, max_length=255)),
                ('eid_level', models.PositiveSmallIntegerField(null=True)),
                ('terms', models.JSONField(default=dict)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('grantor_id_number', 'seq'), name='unique_authorisation_entry_seq')],
            },
        ),
        append_only("representation_authorisationentry"),
    ]
