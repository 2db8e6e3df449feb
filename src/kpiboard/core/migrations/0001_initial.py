"""The data version (kpiboard.core.dataversion): its row's table, and the triggers that move
it on when a watched table changes — statement-level on PostgreSQL, row-level on SQLite."""

from django.db import migrations, models

# The watched tables as they were when this migration was made (kept here whole, so that the
# migration stays the same whatever kpiboard.core.dataversion becomes).
TABLES = (
    "kpis_organisation", "kpis_ratingscheme", "kpis_directionscheme", "kpis_keycommitment",
    "kpis_directorate", "kpis_service", "kpis_kpiset", "kpis_kpi", "kpis_submeasure",
    "kpis_target", "kpis_benchmark", "kpis_kpichange", "kpis_outturn", "data_periodvalue",
    "data_commentary", "data_statusoverride", "data_projectstatus", "data_publishedfigure",
    "workflow_reportingperiod", "workflow_submission",
)
OPERATIONS = ("INSERT", "UPDATE", "DELETE")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kpiboard_data_version_bump() RETURNS trigger AS $$
BEGIN
    UPDATE core_dataversion SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def triggers_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    import secrets

    apps.get_model("core", "DataVersion").objects.using(schema_editor.connection.alias).create(
        id=1, n=0, epoch=secrets.token_hex(8))
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON "
                f"{table} FOR EACH STATEMENT EXECUTE FUNCTION kpiboard_data_version_bump()",
                params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for op in OPERATIONS:
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_data_version_{op.lower()} AFTER {op} ON {table} "
                    f"BEGIN UPDATE core_dataversion SET n = n + 1 WHERE id = 1; END",
                    params=None)


def triggers_drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("core", "DataVersion").objects.using(schema_editor.connection.alias).all(
    ).delete()
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}",
                                  params=None)
        schema_editor.execute("DROP FUNCTION IF EXISTS kpiboard_data_version_bump()",
                              params=None)
    elif vendor == "sqlite":
        for table in TABLES:
            for op in OPERATIONS:
                schema_editor.execute(
                    f"DROP TRIGGER IF EXISTS {table}_data_version_{op.lower()}", params=None)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("kpis", "0008_organisation_separation_of_duties"),
        ("data", "0005_history_append_only"),
        ("workflow", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                           serialize=False, verbose_name="ID")),
                ("n", models.BigIntegerField(default=0)),
                ("epoch", models.CharField(max_length=32)),
            ],
            options={"verbose_name": "data version"},
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
