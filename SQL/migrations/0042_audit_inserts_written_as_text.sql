-- 0042: an inserted or deleted row's audit record is written as JSON text and read once.
--
-- Run by `homeward db migrate` (as homeward_owner) in one transaction. Forward only.
--
-- 0032's audit.record_changes built an insert's (or a delete's) changes as one jsonb_build_object('old', …, 'new', …)
-- a column, inside one jsonb_build_object for the row: some 25 small objects built and copied for every session the
-- nightly writes. At 10k participants the nightly's write spent 2.4 s of its 10.7 s in the audit of 43k sessions, 83k
-- seats and 44k staff rows. The changes are now the JSON text of the same object, the values as to_jsonb gives them,
-- read once by jsonb's parser: the same jsonb value (AuditRowsTests compares the rows with 0005's, byte for byte).
-- Updates are recorded as 0032 recorded them.

CREATE OR REPLACE FUNCTION audit.record_changes() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    key_columns text[];
    all_columns text[];
    qualified   text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    is_participants boolean := TG_TABLE_SCHEMA = 'homeward' AND TG_TABLE_NAME = 'participants';
    participant_column text;
    key_expr    text;
    changed_expr text;
    pair_on     text;
    r           text;  -- the alias of the row a single-sided (insert or delete) record is built from
    side        text;  -- 'new' or 'old': which side of the change the row's values are
BEGIN
    SELECT array_agg(a.attname::text ORDER BY k.ord) INTO key_columns
    FROM pg_index i
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE i.indrelid = TG_RELID AND i.indisprimary;

    SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO all_columns
    FROM pg_attribute a
    WHERE a.attrelid = TG_RELID AND a.attnum > 0 AND NOT a.attisdropped;

    participant_column := CASE WHEN is_participants THEN 'id'
                               WHEN 'participant_id' = ANY (all_columns) THEN 'participant_id' END;

    IF TG_OP IN ('INSERT', 'DELETE') THEN
        r := CASE TG_OP WHEN 'INSERT' THEN 'n' ELSE 'o' END;
        side := CASE TG_OP WHEN 'INSERT' THEN 'new' ELSE 'old' END;
        -- jsonb_build_object takes at most 100 arguments: 40 columns a call, joined with ||.
        SELECT coalesce(string_agg(part, ' || '), '''{}''::jsonb') INTO key_expr
        FROM (SELECT format('jsonb_build_object(%s)', string_agg(format('%L, to_jsonb(%s.%I)', c, r, c), ', ' ORDER BY ord)) AS part
              FROM unnest(key_columns) WITH ORDINALITY AS u(c, ord) GROUP BY (ord - 1) / 40) chunks;
        -- The changes are written as JSON text and read once (jsonb_in), not built as one small object a column inside
        -- another: {"column": {"old": null, "new": <to_jsonb of the value, or null>}, ...} for an insert, the other way
        -- round for a delete. The same value as 0032's jsonb_build_object, key order and all (jsonb orders its keys).
        SELECT coalesce('(' || string_agg(format('%L || coalesce(to_jsonb(%s.%I)::text, ''null'') || %L',
                                                 CASE WHEN ord = 1 THEN '{' ELSE ', ' END || to_json(c)::text
                                                     || CASE side WHEN 'new' THEN ': {"old": null, "new": ' ELSE ': {"old": ' END,
                                                 r, c,
                                                 CASE side WHEN 'new' THEN '}' ELSE ', "new": null}' END),
                                          ' || ' ORDER BY ord) || ' || ''}'')::jsonb', '''{}''::jsonb') INTO changed_expr
        FROM unnest(all_columns) WITH ORDINALITY AS u(c, ord);
        EXECUTE format(
            'INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed) '
            'SELECT $1, %s, %L, %s, %s FROM %s %s',
            -- a table without a primary key records NULL as 0005 did (its NOT NULL refuses it the same way)
            CASE WHEN key_columns IS NULL THEN 'NULL::jsonb' ELSE key_expr END,
            lower(TG_OP),
            CASE WHEN participant_column IS NULL THEN 'NULL::bigint' ELSE format('(%s.%I)::bigint', r, participant_column) END,
            changed_expr,
            CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END, r)
        USING qualified;
    ELSE
        -- Old and new rows are paired by primary key (compared as JSON, as 0005 compared them); a row whose key itself
        -- changed shows as an unpaired old and new. A value is the row's JSON value (null for a NULL column) when the
        -- row is there and absent when it is not, as 0005's o.j -> column and n.j -> column were; a paired row that
        -- changed nothing records nothing.
        SELECT format('CASE WHEN n.present THEN jsonb_build_object(%s) ELSE jsonb_build_object(%s) END',
                      string_agg(format('%L, to_jsonb((n.r).%I)', c, c), ', ' ORDER BY ord),
                      string_agg(format('%L, to_jsonb((o.r).%I)', c, c), ', ' ORDER BY ord)) INTO key_expr
        FROM unnest(key_columns) WITH ORDINALITY AS u(c, ord);
        SELECT string_agg(format('CASE WHEN %1$s IS DISTINCT FROM %2$s '
                                 'THEN jsonb_build_object(%3$L, jsonb_build_object(''old'', %1$s, ''new'', %2$s)) ELSE ''{}''::jsonb END',
                                 format('CASE WHEN o.present THEN coalesce(to_jsonb((o.r).%I), ''null''::jsonb) END', c),
                                 format('CASE WHEN n.present THEN coalesce(to_jsonb((n.r).%I), ''null''::jsonb) END', c), c),
                          ' || ' ORDER BY ord) INTO changed_expr
        FROM unnest(all_columns) WITH ORDINALITY AS u(c, ord);
        SELECT string_agg(format('to_jsonb((n.r).%1$I) = to_jsonb((o.r).%1$I)', c), ' AND ') INTO pair_on FROM unnest(key_columns) AS u(c);
        EXECUTE format(
            'INSERT INTO audit.changes (table_name, primary_key, operation, participant_id, changed) '
            'SELECT $1, k, ''update'', p, ch FROM ('
            '  SELECT %s AS k, %s AS p, %s AS ch, o.present AS old_present, n.present AS new_present'
            '  FROM (SELECT x, true FROM old_rows x) o(r, present) FULL JOIN (SELECT x, true FROM new_rows x) n(r, present) ON %s'
            ') q WHERE old_present IS NULL OR new_present IS NULL OR ch <> ''{}''::jsonb',
            CASE WHEN key_columns IS NULL THEN 'NULL::jsonb' ELSE key_expr END,
            CASE WHEN participant_column IS NULL THEN 'NULL::bigint'
                 ELSE format('(CASE WHEN n.present THEN (n.r).%1$I ELSE (o.r).%1$I END)::bigint', participant_column) END,
            coalesce(changed_expr, '''{}''::jsonb'),
            coalesce(pair_on, 'false'))
        USING qualified;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION audit.record_changes() IS
    'Trigger function attached to every audited table: appends one audit.changes row per inserted, updated or deleted row (statement-level, from transition tables; one INSERT ... SELECT a statement, built from the table''s columns; an insert''s or delete''s changes written as JSON text and read once, 0042).';
