-- `make bench`'s baseline for `homeward import participants`: what a psql user writes to load the same CSV into the
-- same tables (Scripts/bench puts the file's path in place of the at-sign marker). One transaction, through every constraint, trigger and
-- the audit trail, as the superuser; no row-by-row checks and no messages naming a line.
BEGIN;
CREATE TEMP TABLE load_participants (
    case_number text, given_name text, family_name text, patronymic text, birth_date text, sex text, languages text,
    region_of_origin text, legal_situation text, sentence_ends_on text, status text, returned_on text, centre text,
    placed_from text) ON COMMIT DROP;
\copy load_participants FROM '@FILE@' WITH (FORMAT csv, HEADER true)
INSERT INTO homeward.participants (case_number, given_name, family_name, patronymic, birth_date, sex, languages,
                                   region_of_origin, legal_situation, sentence_ends_on, status, returned_on)
SELECT case_number, given_name, family_name, nullif(patronymic, ''), birth_date::date, sex, string_to_array(languages, ';'),
       region_of_origin, legal_situation, nullif(sentence_ends_on, '')::date, status, returned_on::date
FROM load_participants;
INSERT INTO homeward.participant_placements (participant_id, centre_id, during, reason)
SELECT p.id, c.id, daterange(l.placed_from::date, NULL), 'first placement, loaded with psql'
FROM load_participants l
JOIN homeward.participants p ON p.case_number = l.case_number
JOIN homeward.centres c ON c.code = l.centre;
COMMIT;
