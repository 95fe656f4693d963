-- 0036: the audit trail is partitioned by month, created ahead by the nightly, with retention by whole months.
--
-- audit.changes grows with every write of every user for as long as the programme runs (at 10k participants a night
-- adds some 250k rows). It becomes a table partitioned by range of `at`, one partition per calendar month in UTC
-- (audit.changes_yYYYYmMM), plus a default partition so that a write at an unexpected time (a clock set far ahead)
-- never fails. Nothing else changes for its readers and writers: the same name, columns, ids (the sequence carries
-- on), indexes, comments, grants and append-only rules; the oversight views that read it are bound to the new table.
--
-- - audit.ensure_month_partitions(through) creates the months from the current one to `through` that do not exist
--   yet; `homeward nightly` keeps three months ahead. A month whose rows already went to the default partition is
--   left there (creating it would have to move them), and is reported.
-- - Retention (README, "Beyond one server"): audit.detach_months_before(day) detaches the whole months before `day`,
--   as the owner only, and returns them; they are exported (pg_dump -t) and dropped by hand. Row by row the trail stays
--   append-only: UPDATE, DELETE and TRUNCATE are refused on the table and on every partition, to its owner too.
--
-- The key becomes (id, at), as a partitioned table's unique keys must hold the partition column; id alone stays
-- unique in practice (one sequence), and nothing refers to it by foreign key.

SET LOCAL search_path = pg_catalog;

-- The views that read the table, as they are now (qualified names: the search path is pg_catalog alone).
CREATE TEMP TABLE audit_dependent_views ON COMMIT DROP AS
SELECT DISTINCT c.oid::regclass::text AS name, pg_get_viewdef(c.oid) AS definition
FROM pg_depend d
JOIN pg_rewrite r ON r.oid = d.objid
JOIN pg_class c ON c.oid = r.ev_class
WHERE d.refobjid = 'audit.changes'::regclass AND c.oid <> 'audit.changes'::regclass AND c.relkind = 'v';

-- Its comments, to carry over.
CREATE TEMP TABLE audit_comments ON COMMIT DROP AS
SELECT a.attname::text AS column_name, d.description
FROM pg_description d
LEFT JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid AND d.objsubid > 0
WHERE d.classoid = 'pg_class'::regclass AND d.objoid = 'audit.changes'::regclass;

-- Its indexes and CHECK constraints as they are now (0005, 0006, 0020 added to them), to build again on the new table.
CREATE TEMP TABLE audit_indexes ON COMMIT DROP AS
SELECT c.relname::text AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = 'audit.changes'::regclass AND NOT i.indisprimary;
CREATE TEMP TABLE audit_checks ON COMMIT DROP AS
SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition
FROM pg_constraint WHERE conrelid = 'audit.changes'::regclass AND contype = 'c';

ALTER TABLE audit.changes RENAME TO changes_unpartitioned;
DO $$
DECLARE
    v record;
BEGIN
    ALTER TABLE audit.changes_unpartitioned RENAME CONSTRAINT changes_pkey TO changes_unpartitioned_pkey;
    FOR v IN SELECT name FROM audit_checks LOOP
        EXECUTE format('ALTER TABLE audit.changes_unpartitioned RENAME CONSTRAINT %I TO %I', v.name, v.name || '_old');
    END LOOP;
    FOR v IN SELECT name FROM audit_indexes LOOP
        EXECUTE format('ALTER INDEX audit.%I RENAME TO %I', v.name, v.name || '_old');
    END LOOP;
END
$$;

CREATE TABLE audit.changes (
    id               bigint GENERATED ALWAYS AS IDENTITY,
    at               timestamptz NOT NULL DEFAULT now(),  -- as 0005: the transaction's start
    login            name        NOT NULL DEFAULT session_user,
    application_name text        NOT NULL DEFAULT current_setting('application_name'),
    table_name       text        NOT NULL,
    primary_key      jsonb       NOT NULL,
    operation        text        NOT NULL,
    participant_id   bigint,
    changed          jsonb       NOT NULL,
    CONSTRAINT changes_pkey PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT name, definition FROM audit_checks ORDER BY name LOOP
        EXECUTE format('ALTER TABLE audit.changes ADD CONSTRAINT %I %s', v.name, v.definition);
    END LOOP;
    -- On the partitioned table, each index is built on every partition, present and future.
    FOR v IN SELECT name, definition FROM audit_indexes ORDER BY name LOOP
        EXECUTE v.definition;
    END LOOP;
END
$$;
CREATE TABLE audit.changes_default PARTITION OF audit.changes DEFAULT;

-- Row triggers on the partitioned table are cloned to every partition; TRUNCATE of a partition is its own statement,
-- so each partition gets that trigger too (audit.ensure_month_partitions adds it to new ones).
CREATE TRIGGER changes_append_only BEFORE UPDATE OR DELETE ON audit.changes
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON audit.changes
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON audit.changes_default
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- One month's partition with its TRUNCATE trigger: the one place that names and bounds a month (UTC).
CREATE FUNCTION audit.create_month_partition(p_month date) RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_name text := format('changes_y%sm%s', to_char(p_month, 'YYYY'), to_char(p_month, 'MM'));
BEGIN
    EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.changes FOR VALUES FROM (%L) TO (%L)', v_name,
                   p_month::timestamp AT TIME ZONE 'UTC', (p_month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
    EXECUTE format('CREATE TRIGGER changes_no_truncate BEFORE TRUNCATE ON audit.%I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()', v_name);
END
$$;
COMMENT ON FUNCTION audit.create_month_partition(date) IS
    'Creates the partition of audit.changes for the UTC month starting on the given day (audit.changes_yYYYYmMM), with its TRUNCATE refusal. The owner''s; audit.ensure_month_partitions calls it.';
REVOKE ALL ON FUNCTION audit.create_month_partition(date) FROM PUBLIC;

-- Creating a partition locks audit.changes for a moment: a month that cannot get that lock within two seconds (a
-- long open transaction that wrote to the trail) is tried again the next night, three months before it is needed.
CREATE FUNCTION audit.ensure_month_partitions(p_through date) RETURNS int
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    SET lock_timeout = '2s'
AS $$
DECLARE
    v_month date := date_trunc('month', homeward.now() AT TIME ZONE 'UTC')::date;
    v_name text;
    v_created int := 0;
BEGIN
    WHILE v_month <= p_through LOOP
        v_name := format('changes_y%sm%s', to_char(v_month, 'YYYY'), to_char(v_month, 'MM'));
        IF to_regclass('audit.' || v_name) IS NULL THEN
            IF EXISTS (SELECT 1 FROM audit.changes_default
                       WHERE at >= (v_month::timestamp AT TIME ZONE 'UTC')
                         AND at < ((v_month + interval '1 month')::timestamp AT TIME ZONE 'UTC')) THEN
                RAISE NOTICE 'audit: % stays in audit.changes_default, which already holds rows of that month', v_name;
            ELSE
                BEGIN
                    PERFORM audit.create_month_partition(v_month);
                    v_created := v_created + 1;
                EXCEPTION WHEN lock_not_available THEN
                    RAISE NOTICE 'audit: % not created, audit.changes is busy; the next run tries again', v_name;
                END;
            END IF;
        END IF;
        v_month := (v_month + interval '1 month')::date;
    END LOOP;
    RETURN v_created;
END
$$;
COMMENT ON FUNCTION audit.ensure_month_partitions(date) IS
    'Creates the monthly partitions of audit.changes (UTC months, audit.changes_yYYYYmMM) from the current month through the month of the given day that do not exist yet; returns how many. homeward nightly keeps three months ahead. A month with rows already in audit.changes_default is left there.';
REVOKE ALL ON FUNCTION audit.ensure_month_partitions(date) FROM PUBLIC;
GRANT USAGE ON SCHEMA audit TO homeward_scheduler;  -- to call it; no privilege on any table of the schema comes with it
GRANT EXECUTE ON FUNCTION audit.ensure_month_partitions(date) TO homeward_admin, homeward_scheduler;

CREATE FUNCTION audit.detach_months_before(p_before date) RETURNS SETOF text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_partition record;
BEGIN
    FOR v_partition IN
        SELECT c.oid::regclass::text AS name
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit.changes'::regclass
          AND c.relname ~ '^changes_y[0-9]{4}m[0-9]{2}$'
          AND to_date(substr(c.relname, 10, 4) || substr(c.relname, 15, 2), 'YYYYMM') + interval '1 month' <= p_before
        ORDER BY c.relname
    LOOP
        EXECUTE format('ALTER TABLE audit.changes DETACH PARTITION %s', v_partition.name);
        RETURN NEXT v_partition.name;
    END LOOP;
END
$$;
COMMENT ON FUNCTION audit.detach_months_before(date) IS
    'Retention: detaches every whole month of audit.changes that ends on or before the given day and returns the detached tables, to be exported (pg_dump -t) and dropped. The owner''s only: rows never leave the trail one by one.';
REVOKE ALL ON FUNCTION audit.detach_months_before(date) FROM PUBLIC;

-- Months for what is there and for the next three months, then the rows, in their order, with their ids.
SELECT audit.ensure_month_partitions((greatest(homeward.now(), max(at)) + interval '3 months')::date) FROM audit.changes_unpartitioned;
-- Months before the current one that hold rows (a database older than a month).
SELECT audit.create_month_partition(m::date)
FROM (SELECT date_trunc('month', min(at) AT TIME ZONE 'UTC') AS first FROM audit.changes_unpartitioned) f
CROSS JOIN generate_series(f.first, date_trunc('month', homeward.now() AT TIME ZONE 'UTC') - interval '1 month', interval '1 month') m;
INSERT INTO audit.changes (id, at, login, application_name, table_name, primary_key, operation, participant_id, changed)
OVERRIDING SYSTEM VALUE
SELECT id, at, login, application_name, table_name, primary_key, operation, participant_id, changed
FROM audit.changes_unpartitioned ORDER BY id;
SELECT setval(pg_get_serial_sequence('audit.changes', 'id'), coalesce(max(id), 0) + 1, false) FROM audit.changes_unpartitioned;

-- Readers are bound to the new table, with their definitions as they were (grants and comments stay on the views).
DO $$
DECLARE
    v_view record;
BEGIN
    FOR v_view IN SELECT name, definition FROM audit_dependent_views LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %s AS %s', v_view.name,
                       replace(v_view.definition, 'audit.changes_unpartitioned', 'audit.changes'));
    END LOOP;
    FOR v_view IN SELECT column_name, description FROM audit_comments LOOP
        IF v_view.column_name IS NULL THEN
            EXECUTE format('COMMENT ON TABLE audit.changes IS %L', v_view.description);
        ELSE
            EXECUTE format('COMMENT ON COLUMN audit.changes.%I IS %L', v_view.column_name, v_view.description);
        END IF;
    END LOOP;
END
$$;
DROP TABLE audit.changes_unpartitioned;
DO $$
BEGIN
    -- The identity sequence was named while the old one still existed (changes_id_seq1): its usual name back.
    IF pg_get_serial_sequence('audit.changes', 'id') <> 'audit.changes_id_seq' THEN
        EXECUTE format('ALTER SEQUENCE %s RENAME TO changes_id_seq', pg_get_serial_sequence('audit.changes', 'id'));
    END IF;
END
$$;

REVOKE ALL ON audit.changes FROM PUBLIC;
GRANT SELECT, INSERT ON audit.changes TO homeward_admin;
GRANT SELECT ON audit.changes TO homeward_auditor;

SELECT homeward.hand_over_to_owner();
