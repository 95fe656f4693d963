-- `make bench`'s baseline for `homeward import attendance`: what a psql user writes to load the same CSV into the same
-- table (Scripts/bench puts the file's path in place of the at-sign marker). One transaction, through every constraint, trigger and the audit
-- trail, as the superuser; no row-by-row checks and no messages naming a line.
BEGIN;
CREATE TEMP TABLE load_attendance (session_id bigint, case_number text, status text, note text, recorded_by text) ON COMMIT DROP;
\copy load_attendance FROM '@FILE@' WITH (FORMAT csv, HEADER true)
INSERT INTO homeward.attendance (session_id, participant_id, status, note, recorded_by)
SELECT l.session_id, p.id, l.status, nullif(l.note, ''), l.recorded_by
FROM load_attendance l JOIN homeward.participants p ON p.case_number = l.case_number;
COMMIT;
