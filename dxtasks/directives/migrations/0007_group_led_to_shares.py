"""Directives led by a group (the seed's 11 led by ALL) become collective directives with shares.

Each addressed agency of the directive's assigned day (ministries, ministerial-level and
government agencies, and the 63 or 34 provinces) gets a share copying the directive's
follow-up; the directive keeps all its history. Reversible: the shares (and the copies of
deadline changes they carry) go, and the directive is led by its group again.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from dxtasks.directives.collective import convert_group_led

    convert_group_led(
        Agency=apps.get_model("directives", "Agency"),
        Directive=apps.get_model("directives", "Directive"),
        Share=apps.get_model("directives", "Share"),
        DeadlineChange=apps.get_model("directives", "DeadlineChange"),
        User=apps.get_model("accounts", "User"),
    )


def backwards(apps, schema_editor):
    Directive = apps.get_model("directives", "Directive")
    Share = apps.get_model("directives", "Share")
    Share.objects.filter(directive__addressees__in=["ALL", "ALL-MINISTRIES", "ALL-PROVINCES"]).delete()
    Directive.objects.filter(addressees__in=["ALL", "ALL-MINISTRIES", "ALL-PROVINCES"]).update(addressees="")


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0006_shares"),
        ("accounts", "0002_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
