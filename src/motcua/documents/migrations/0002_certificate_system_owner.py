from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="certificate",
            name="owner_kind",
            field=models.CharField(choices=[("agency", "Cơ quan"), ("official", "Cán bộ"), ("system", "Hệ thống")],
                                   max_length=10),
        ),
    ]
