-- 0037: the booking rules' participant locks stay within the server's lock table, however many people a write seats.
--
-- The bug: homeward.lock_counted_rows (0019) took one transaction-scoped advisory lock per participant seated by a
-- write, so that concurrent writers count each person's sessions one after the other. Advisory locks live in the
-- server's shared lock table (max_locks_per_transaction x max_connections slots: 64 x 200 here). The nightly at
-- 100,000 participants seats some 90,000 people in one transaction and failed with "out of shared memory" after
-- reading and solving; at 10,000 it fitted by luck.
--
-- Now every participant belongs to one of 1,024 buckets (id mod 1024), and:
-- - a write that seats at most 256 people takes each person's lock as before, after a shared lock on their bucket;
-- - a larger write (the nightly, a big import) takes the exclusive lock of each bucket its people fall in: at most
--   1,024 locks, and no small writer can count one of them meanwhile (its shared bucket lock waits).
-- Both take buckets in ascending order, then people in ascending order, so the rule "counted one after the other"
-- holds between any two writers. What it costs: while the nightly's write is open, a coordinator's booking for
-- someone in a bucket it holds waits for it, up to the interactive lock_timeout (then exit 75, "try again").

CREATE OR REPLACE FUNCTION homeward.participant_lock_limit() RETURNS int
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 256 $$;
COMMENT ON FUNCTION homeward.participant_lock_limit() IS
    'How many people a write may seat and still lock one by one (homeward.lock_counted_rows); a larger write locks their buckets.';

CREATE OR REPLACE FUNCTION homeward.lock_counted_rows(p_session_ids bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_people bigint[];
BEGIN
    IF p_session_ids IS NULL OR cardinality(p_session_ids) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM homeward.sessions s WHERE s.id = ANY (p_session_ids) ORDER BY s.id FOR NO KEY UPDATE;
    SELECT array_agg(DISTINCT sp.participant_id ORDER BY sp.participant_id) INTO v_people
    FROM homeward.session_participants sp WHERE sp.session_id = ANY (p_session_ids);
    IF v_people IS NULL THEN
        RETURN;
    END IF;
    IF cardinality(v_people) > homeward.participant_lock_limit() THEN
        PERFORM pg_advisory_xact_lock(hashtext('homeward.participant_bucket'), b.bucket)
        FROM (SELECT DISTINCT (p % 1024)::int AS bucket FROM unnest(v_people) p ORDER BY 1) b;
    ELSE
        PERFORM pg_advisory_xact_lock_shared(hashtext('homeward.participant_bucket'), b.bucket)
        FROM (SELECT DISTINCT (p % 1024)::int AS bucket FROM unnest(v_people) p ORDER BY 1) b;
        PERFORM pg_advisory_xact_lock(hashtext('homeward.participant_day'), x.p::int)
        FROM (SELECT p FROM unnest(v_people) p ORDER BY 1) x;
    END IF;
END $$;
COMMENT ON FUNCTION homeward.lock_counted_rows(bigint[]) IS
    'Locks the sessions a rule is about to count seats of, and the participants it is about to count sessions of, in order: concurrent writers are counted one after the other. Up to homeward.participant_lock_limit() people, one advisory lock each after a shared lock on their bucket (id mod 1024); more, the exclusive lock of each of their buckets, so that a write of any size holds at most 1,024 advisory locks.';
REVOKE ALL ON FUNCTION homeward.lock_counted_rows(bigint[]) FROM PUBLIC;
