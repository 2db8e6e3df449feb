"""Records change only through the services (ADR 8): the records' foreign keys PROTECT, and on
PostgreSQL triggers refuse UPDATE and DELETE on value revisions and audit events."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The SQL as kpiboard.data.history wrote it when this migration was made (kept here whole,
# so that the migration stays the same whatever that module becomes).
CREATE_SQL = r'''
CREATE OR REPLACE FUNCTION kpiboard_history_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('kpiboard.allow_history_rewrite', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'kpiboard: % refused on %: value revisions and audit events are never '
        'changed or deleted. Correct a figure on its page in kpiboard, giving a reason.',
        TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS data_valuerevision_append_only ON data_valuerevision;
CREATE TRIGGER data_valuerevision_append_only BEFORE UPDATE OR DELETE ON data_valuerevision
    FOR EACH ROW EXECUTE FUNCTION kpiboard_history_append_only();

DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION kpiboard_history_append_only();
'''

DROP_SQL = r'''DROP TRIGGER IF EXISTS data_valuerevision_append_only ON data_valuerevision;
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS kpiboard_history_append_only();
'''


def triggers_create(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def triggers_drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('data', '0004_publishedfigure'),
        ('audit', '0001_initial'),
        ('kpis', '0007_kpi_negatives_allowed'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='commentary',
            name='kpi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commentary', to='kpis.kpi'),
        ),
        migrations.AlterField(
            model_name='periodvalue',
            name='kpi',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='values', to='kpis.kpi'),
        ),
        migrations.AlterField(
            model_name='publishedfigure',
            name='kpi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='published_figures', to='kpis.kpi'),
        ),
        migrations.AlterField(
            model_name='statusoverride',
            name='kpi',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='overrides', to='kpis.kpi'),
        ),
        migrations.AlterField(
            model_name='valuerevision',
            name='changed_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='valuerevision',
            name='period_value',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='revisions', to='data.periodvalue'),
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
