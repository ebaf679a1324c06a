"""Reconciling other agencies' datasets and digitizing old books: datasets, runs with their figures, findings, and the
stewards' decisions (append-only, chained by hash per dataset)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from motcua.core.chained import append_only


class Migration(migrations.Migration):

    dependencies = [
        ('registries', '0007_living_registries'),
    ]

    operations = [
        migrations.CreateModel(
            name='Dataset',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(max_length=63, unique=True)),
                ('kind', models.CharField(choices=[('reconciliation', 'Đối soát dữ liệu'), ('digitization', 'Số hóa sổ hộ tịch')], default='reconciliation', max_length=20)),
                ('name_vi', models.CharField(max_length=255)),
                ('name_en', models.CharField(max_length=255)),
                ('source_agency', models.CharField(max_length=63)),
                ('registry', models.CharField(default='population', max_length=20)),
                ('mapping', models.JSONField(default=dict)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.CreateModel(
            name='DatasetRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('file_name', models.CharField(max_length=255)),
                ('file_sha256', models.CharField(max_length=64)),
                ('engine', models.CharField(default='duckdb', max_length=10)),
                ('model_version', models.CharField(max_length=30)),
                ('threshold', models.FloatField()),
                ('started_at', models.DateTimeField()),
                ('finished_at', models.DateTimeField(auto_now_add=True)),
                ('started_by', models.CharField(max_length=150)),
                ('records', models.PositiveIntegerField(default=0)),
                ('exact', models.PositiveIntegerField(default=0)),
                ('conflicting', models.PositiveIntegerField(default=0)),
                ('probable', models.PositiveIntegerField(default=0)),
                ('unmatched', models.PositiveIntegerField(default=0)),
                ('duplicates', models.PositiveIntegerField(default=0)),
                ('inserted', models.PositiveIntegerField(default=0)),
                ('pairs_scored', models.BigIntegerField(default=0)),
                ('precision', models.FloatField(blank=True, null=True)),
                ('recall', models.FloatField(blank=True, null=True)),
                ('dataset', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='registries.dataset')),
            ],
        ),
        migrations.CreateModel(
            name='Finding',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('line', models.PositiveIntegerField()),
                ('source_key', models.CharField(max_length=100)),
                ('outcome', models.CharField(choices=[('exact', 'Khớp hoàn toàn'), ('conflict', 'Khớp, có trường khác'), ('probable', 'Có thể khớp, sai/thiếu số định danh'), ('unmatched', 'Không khớp'), ('duplicate', 'Có thể trùng bản ghi đã có')], max_length=10)),
                ('person_id_number', models.CharField(blank=True, db_index=True, max_length=12)),
                ('probability', models.FloatField(blank=True, null=True)),
                ('conflicts', models.JSONField(default=list)),
                ('source', models.JSONField(default=dict)),
                ('registry', models.JSONField(default=dict)),
                ('duplicate_of_line', models.PositiveIntegerField(blank=True, null=True)),
                ('state', models.CharField(choices=[('open', 'Chưa quyết định'), ('decided', 'Đã quyết định')], default='open', max_length=10)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='registries.datasetrun')),
            ],
        ),
        migrations.CreateModel(
            name='StewardDecision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('seq', models.PositiveIntegerField()),
                ('prev_digest', models.CharField(editable=False, max_length=64)),
                ('digest', models.CharField(editable=False, max_length=64)),
                ('dataset', models.CharField(max_length=63)),
                ('field', models.CharField(max_length=63)),
                ('decision', models.CharField(choices=[('registry_right', 'Cơ sở dữ liệu đúng: trả về đơn vị nguồn'), ('registry_wrong', 'Cơ sở dữ liệu sai: đề nghị đính chính'), ('unsure', 'Chưa chắc chắn: để mở'), ('insert', 'Không trùng: ghi vào sổ'), ('duplicate', 'Trùng: không ghi')], max_length=20)),
                ('source_value', models.CharField(blank=True, max_length=255)),
                ('registry_value', models.CharField(blank=True, max_length=255)),
                ('reason', models.TextField(blank=True)),
                ('decided_by', models.CharField(max_length=150)),
                ('decided_by_name', models.CharField(blank=True, max_length=255)),
                ('decided_by_agency', models.CharField(blank=True, max_length=35)),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('correction', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='registries.correctionreport')),
                ('finding', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='decisions', to='registries.finding')),
            ],
        ),
        migrations.AddIndex(
            model_name='datasetrun',
            index=models.Index(fields=['dataset', '-started_at'], name='registries__dataset_5409de_idx'),
        ),
        migrations.AddIndex(
            model_name='finding',
            index=models.Index(fields=['run', 'outcome', 'state'], name='registries__run_id_e7ee11_idx'),
        ),
        migrations.AddConstraint(
            model_name='stewarddecision',
            constraint=models.UniqueConstraint(fields=('dataset', 'seq'), name='unique_steward_decision_seq'),
        ),
        append_only("registries_stewarddecision"),
    ]
