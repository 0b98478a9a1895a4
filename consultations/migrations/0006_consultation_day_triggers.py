from django.db import migrations


def forwards(apps, schema_editor):
    from consultations import day_counts

    day_counts.install(schema_editor.connection)
    day_counts.rebuild(schema_editor.connection)


def backwards(apps, schema_editor):
    from consultations import day_counts

    day_counts.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_consultation_day")]

    operations = [migrations.RunPython(forwards, backwards)]
