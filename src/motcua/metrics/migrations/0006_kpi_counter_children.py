from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0005_ministry_procedure_province'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='kpicounter',
            index=models.Index(fields=['level', 'parent', 'month'], include=('scope', 'online', 'paid_online'), name='kpi_counter_children'),
        ),
        migrations.RemoveIndex(
            model_name='kpicounter',
            name='metrics_kpi_level_8dc4bc_idx',
        ),
    ]
