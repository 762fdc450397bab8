"""On PostgreSQL, the database itself refuses to delete an audit entry or to change a sealed one
(GB/T 22239-2019 8.1.4.3 c); 网络安全法 第二十一条(三)): a trigger raises on every DELETE, and on
an UPDATE unless the row was unsealed and only its seal columns (seq, chain, alg) change, which
is what the sealer does. TRUNCATE is not a row operation and is not refused (the test suite's
flush uses it); ``audit_verify`` reports a trail emptied that way as a chain whose end is missing.

SQLite, the embedded default, has no such trigger: there the platform's own refusals
(cqo/audit/models.py) and the chain are the protection.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'audit entries are never deleted (GB/T 22239-2019 8.1.4.3 c))'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.seq IS NOT NULL
        OR NEW.id IS DISTINCT FROM OLD.id
        OR NEW.at IS DISTINCT FROM OLD.at
        OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
        OR NEW.actor_name IS DISTINCT FROM OLD.actor_name
        OR NEW.action IS DISTINCT FROM OLD.action
        OR NEW.target_type IS DISTINCT FROM OLD.target_type
        OR NEW.target_id IS DISTINCT FROM OLD.target_id
        OR NEW.target_repr IS DISTINCT FROM OLD.target_repr
        OR NEW.changes IS DISTINCT FROM OLD.changes
        OR NEW.note IS DISTINCT FROM OLD.note
    THEN
        RAISE EXCEPTION 'audit entries are never changed (GB/T 22239-2019 8.1.4.3 c))'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;
"""
TRIGGER = """
CREATE TRIGGER audit_auditentry_append_only
BEFORE UPDATE OR DELETE ON audit_auditentry
FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_auditentry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_auditentry_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(TRIGGER)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_hash_chain")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
