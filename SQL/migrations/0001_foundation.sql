-- 0001_foundation: the schemas and extensions every later migration relies on.
--
-- Run by `homeward db migrate`, which wraps each file in one transaction and records it in
-- homeward.schema_migrations. A DBA can also run it alone: psql -1 -v ON_ERROR_STOP=1 -f 0001_foundation.sql

-- btree_gist lets exclusion constraints combine equality on ids with overlap on time ranges,
-- which is how the database itself forbids double-booking a staff member, room or participant.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE SCHEMA IF NOT EXISTS homeward;
COMMENT ON SCHEMA homeward IS
    'Homeward: participants, staff, centres, programmes, sessions, attendance and progress of the returnee rehabilitation programme.';
