-- The role matrix as the database grants it: one row per table or view of homeward, audit and oversight, one column per
-- group role. Each cell lists the operations allowed: S select, I insert, U update, D delete. A lower-case letter means
-- only the rows that row-level security lets the role reach (coordinators: their centres' participants and sessions;
-- the scheduler: the sessions of its own runs); * after a letter means only some columns; - means nothing.
-- SQL/roles/matrix.txt declares the intended matrix; RoleMatrixTests compares the two as real logins.
-- A partition (audit.changes_yYYYYmMM) is not listed: it grants nothing, and is read and written through its table.
-- psql: \i SQL/roles/matrix.sql   (as any login)
WITH objects AS (
    SELECT c.oid, n.nspname || '.' || c.relname AS object, c.relrowsecurity AS rls,
           coalesce('security_invoker=true' = ANY (c.reloptions), false) AS invoker
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('homeward', 'audit', 'oversight') AND c.relkind IN ('r', 'p', 'v') AND NOT c.relispartition
), operations (op, letter, k) AS (
    VALUES ('SELECT', 'S', 1), ('INSERT', 'I', 2), ('UPDATE', 'U', 3), ('DELETE', 'D', 4)
), roles (role, k) AS (  -- the group roles, in the matrix's column order
    VALUES ('homeward_admin', 1), ('homeward_coordinator', 2), ('homeward_scheduler', 3), ('homeward_auditor', 4), ('homeward_oversight', 5)
), cells AS (
    SELECT o.object, r.role, r.k AS role_k, op.k AS op_k,
           CASE WHEN has_table_privilege(r.role, o.oid, op.op) THEN ''
                WHEN op.op <> 'DELETE' AND has_any_column_privilege(r.role, o.oid, op.op) THEN '*' END AS columns,
           -- a view with the caller's rights passes on its tables' scope (only coordinators' policies narrow rows there)
           (o.invoker AND pg_has_role(r.role, 'homeward_coordinator', 'MEMBER') AND NOT pg_has_role(r.role, 'homeward_admin', 'MEMBER'))
           OR o.rls AND (
               NOT EXISTS (SELECT 1 FROM pg_policies p
                           WHERE p.schemaname || '.' || p.tablename = o.object AND p.permissive = 'PERMISSIVE'
                             AND EXISTS (SELECT 1 FROM unnest(p.roles) AS pr WHERE pr = 'public' OR pg_has_role(r.role, pr, 'MEMBER'))
                             AND p.cmd IN (op.op, 'ALL')
                             AND coalesce(CASE WHEN op.op = 'INSERT' THEN coalesce(p.with_check, p.qual) ELSE p.qual END, 'true') = 'true')
               OR EXISTS (SELECT 1 FROM pg_policies p
                          WHERE p.schemaname || '.' || p.tablename = o.object AND p.permissive = 'RESTRICTIVE'
                            AND EXISTS (SELECT 1 FROM unnest(p.roles) AS pr WHERE pr = 'public' OR pg_has_role(r.role, pr, 'MEMBER'))
                            AND p.cmd IN (op.op, 'ALL'))) AS scoped,
           op.letter
    FROM objects o CROSS JOIN operations op CROSS JOIN roles r
)
SELECT object,
       max(cell) FILTER (WHERE role_k = 1) AS admin,
       max(cell) FILTER (WHERE role_k = 2) AS coordinator,
       max(cell) FILTER (WHERE role_k = 3) AS scheduler,
       max(cell) FILTER (WHERE role_k = 4) AS auditor,
       max(cell) FILTER (WHERE role_k = 5) AS oversight
FROM (
    SELECT object, role, role_k, coalesce(nullif(string_agg(CASE WHEN columns IS NULL THEN NULL
                                                         WHEN scoped THEN lower(letter) || columns ELSE letter || columns END,
                                                    '' ORDER BY op_k), ''), '-') AS cell
    FROM cells GROUP BY object, role, role_k
) x
GROUP BY object
ORDER BY object;
