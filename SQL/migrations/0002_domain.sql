-- 0002_domain: the complete Homeward domain schema (schema `homeward`).
--
-- Holds: centres, rooms and their hours; staff, roles, availability and leave; participants,
-- placements, consents and families; programme templates (loaded from Config/programmes/*.yaml
-- by `homeward programme sync`) and enrolments; schooling; prison education courses; sessions
-- with their staff and participants (double-booking is forbidden by exclusion constraints);
-- attendance; assessments and milestones.
--
-- Every constraint and every rule raised by a trigger has an explicit name; the list at the end
-- of this file gives the sentence a coordinator sees for each one.
--
-- Run by `homeward db migrate` inside one transaction, or by a DBA:
--   psql -1 -v ON_ERROR_STOP=1 -f 0001_foundation.sql -f 0002_domain.sql
-- Forward only. Requires 0001_foundation (btree_gist, schema homeward).

------------------------------------------------------------------------------------------------
-- Helper functions and types
------------------------------------------------------------------------------------------------

-- Age in whole years on a given day. Ages are never stored; always compute them with this.
CREATE FUNCTION homeward.age_on(birth_date date, on_day date) RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT extract(year FROM age(on_day::timestamp, birth_date::timestamp))::int $$;
COMMENT ON FUNCTION homeward.age_on(date, date) IS
    'Age in completed years of someone born on birth_date, on the day on_day.';

-- True when the array holds at least one language, each a two-letter lower-case ISO 639-1 code,
-- with no blanks and no repeats (e.g. {kk,ru}).
CREATE FUNCTION homeward.valid_language_codes(codes text[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        cardinality(codes) >= 1
        AND array_ndims(codes) = 1
        AND NOT EXISTS (SELECT 1 FROM unnest(codes) AS c(code) WHERE c.code IS NULL OR c.code !~ '^[a-z]{2}$')
        AND (SELECT count(DISTINCT c.code) FROM unnest(codes) AS c(code)) = cardinality(codes),
        false)
$$;
COMMENT ON FUNCTION homeward.valid_language_codes(text[]) IS
    'True when the array is a non-empty list of distinct two-letter ISO 639-1 language codes such as kk, ru, ar, uz, ky, tg, en, tr.';

-- True when the array is a non-empty list of distinct ISO weekdays (1 = Monday ... 7 = Sunday).
CREATE FUNCTION homeward.valid_weekdays(days smallint[]) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT coalesce(
        cardinality(days) >= 1
        AND array_ndims(days) = 1
        AND NOT EXISTS (SELECT 1 FROM unnest(days) AS d(day) WHERE d.day IS NULL OR d.day NOT BETWEEN 1 AND 7)
        AND (SELECT count(DISTINCT d.day) FROM unnest(days) AS d(day)) = cardinality(days),
        false)
$$;
COMMENT ON FUNCTION homeward.valid_weekdays(smallint[]) IS
    'True when the array is a non-empty list of distinct ISO weekdays, 1 = Monday to 7 = Sunday.';

-- A range of local times of day, used so that opening hours and availability windows
-- cannot overlap (exclusion constraints need a range type).
CREATE TYPE homeward.timerange AS RANGE (subtype = time);
COMMENT ON TYPE homeward.timerange IS 'A range of local times of day, e.g. [09:00, 12:30).';

------------------------------------------------------------------------------------------------
-- Centres and rooms
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.centres (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT centres_pkey PRIMARY KEY,
    code        text NOT NULL,
    name        text NOT NULL,
    kind        text NOT NULL,
    region      text NOT NULL,
    address     text NOT NULL,
    time_zone   text NOT NULL,
    capacity    int  NOT NULL,
    CONSTRAINT centres_code_key UNIQUE (code),
    CONSTRAINT centres_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT centres_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT centres_kind_check CHECK (kind IN ('rehabilitation_centre', 'ngo_day_centre', 'prison', 'community_office')),
    CONSTRAINT centres_time_zone_not_blank CHECK (btrim(time_zone) <> ''),
    CONSTRAINT centres_capacity_positive CHECK (capacity > 0)
);
COMMENT ON TABLE homeward.centres IS
    'Places where the programme runs: the residential rehabilitation centre, NGO day centres for children, prisons and community offices.';
COMMENT ON COLUMN homeward.centres.code IS 'Short code coordinators type, e.g. AKT-RC.';
COMMENT ON COLUMN homeward.centres.kind IS
    'rehabilitation_centre = residential centre (women and children live there ~8 weeks); ngo_day_centre = NGO centre children visit; prison; community_office = local office for follow-up after return home.';
COMMENT ON COLUMN homeward.centres.time_zone IS
    'IANA time zone of the centre, e.g. Asia/Aqtau. Session dates, ages and timetables are read in this zone.';
COMMENT ON COLUMN homeward.centres.capacity IS 'How many participants can be placed at the centre at the same time.';

CREATE TABLE homeward.centre_opening_hours (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT centre_opening_hours_pkey PRIMARY KEY,
    centre_id   bigint   NOT NULL CONSTRAINT centre_opening_hours_centre_fk REFERENCES homeward.centres (id) ON DELETE CASCADE,
    weekday     smallint NOT NULL,
    opens_at    time     NOT NULL,
    closes_at   time     NOT NULL,
    CONSTRAINT centre_opening_hours_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT centre_opening_hours_opens_before_closes CHECK (opens_at < closes_at),
    CONSTRAINT centre_opening_hours_key UNIQUE (centre_id, weekday, opens_at),
    CONSTRAINT centre_opening_hours_no_overlap
        EXCLUDE USING gist (centre_id WITH =, weekday WITH =, homeward.timerange(opens_at, closes_at) WITH &&)
);
COMMENT ON TABLE homeward.centre_opening_hours IS
    'Weekly opening hours of each centre, in the centre''s local time. Several rows per day are allowed (e.g. a lunch break), but they may not overlap.';
COMMENT ON COLUMN homeward.centre_opening_hours.weekday IS 'ISO weekday: 1 = Monday ... 7 = Sunday.';

CREATE TABLE homeward.centre_timetable_blocks (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT centre_timetable_blocks_pkey PRIMARY KEY,
    centre_id   bigint   NOT NULL CONSTRAINT centre_timetable_blocks_centre_fk REFERENCES homeward.centres (id) ON DELETE CASCADE,
    weekday     smallint NOT NULL,
    starts_at   time     NOT NULL,
    ends_at     time     NOT NULL,
    label       text     NOT NULL,
    CONSTRAINT centre_timetable_blocks_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT centre_timetable_blocks_starts_before_ends CHECK (starts_at < ends_at),
    CONSTRAINT centre_timetable_blocks_label_not_blank CHECK (btrim(label) <> '')
);
CREATE INDEX centre_timetable_blocks_centre_idx ON homeward.centre_timetable_blocks (centre_id, weekday);
COMMENT ON TABLE homeward.centre_timetable_blocks IS
    'Fixed daily routine of a centre during which participants placed there cannot attend sessions: meals, prison counts, work shifts, prayer, sleep. The scheduler plans around these.';
COMMENT ON COLUMN homeward.centre_timetable_blocks.weekday IS 'ISO weekday: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN homeward.centre_timetable_blocks.label IS 'What happens in this block, e.g. "Lunch", "Evening count".';

CREATE TABLE homeward.rooms (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT rooms_pkey PRIMARY KEY,
    centre_id   bigint NOT NULL CONSTRAINT rooms_centre_fk REFERENCES homeward.centres (id),
    code        text   NOT NULL,
    name        text   NOT NULL,
    kind        text   NOT NULL,
    capacity    int    NOT NULL,
    CONSTRAINT rooms_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT rooms_code_key UNIQUE (centre_id, code),
    CONSTRAINT rooms_id_centre_key UNIQUE (id, centre_id),
    CONSTRAINT rooms_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT rooms_kind_check CHECK (kind IN ('counselling_room', 'classroom', 'group_hall', 'family_room', 'play_room')),
    CONSTRAINT rooms_capacity_positive CHECK (capacity > 0)
);
COMMENT ON TABLE homeward.rooms IS 'Rooms inside a centre where sessions take place.';
COMMENT ON COLUMN homeward.rooms.code IS 'Room code, unique within its centre, e.g. C-101.';
COMMENT ON COLUMN homeward.rooms.capacity IS 'Maximum number of participants in the room during a session (staff not counted).';

------------------------------------------------------------------------------------------------
-- Staff
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.staff (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT staff_pkey PRIMARY KEY,
    code                    text    NOT NULL,
    given_name              text    NOT NULL,
    family_name             text    NOT NULL,
    languages               text[]  NOT NULL,
    may_work_with_children  boolean NOT NULL DEFAULT false,
    weekly_hour_limit       numeric(4,1) NOT NULL,
    active                  boolean NOT NULL DEFAULT true,
    CONSTRAINT staff_code_key UNIQUE (code),
    CONSTRAINT staff_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT staff_name_not_blank CHECK (btrim(given_name) <> '' AND btrim(family_name) <> ''),
    CONSTRAINT staff_languages_valid CHECK (homeward.valid_language_codes(languages)),
    CONSTRAINT staff_weekly_hour_limit_range CHECK (weekly_hour_limit > 0 AND weekly_hour_limit <= 60)
);
COMMENT ON TABLE homeward.staff IS 'Religious experts, psychologists, social workers, teachers, trainers and lawyers who hold sessions.';
COMMENT ON COLUMN homeward.staff.code IS 'Staff code coordinators type, e.g. ST-0042.';
COMMENT ON COLUMN homeward.staff.languages IS 'Languages the staff member can work in, ISO 639-1 codes, e.g. {kk,ru}.';
COMMENT ON COLUMN homeward.staff.may_work_with_children IS
    'Has the clearance (background check, training) to hold sessions with anyone under 18.';
COMMENT ON COLUMN homeward.staff.weekly_hour_limit IS 'Maximum hours of sessions per week the scheduler may give this person.';
COMMENT ON COLUMN homeward.staff.active IS 'False when the person no longer works for the programme; kept for history.';

CREATE TABLE homeward.staff_roles (
    staff_id    bigint NOT NULL CONSTRAINT staff_roles_staff_fk REFERENCES homeward.staff (id) ON DELETE CASCADE,
    role        text   NOT NULL,
    CONSTRAINT staff_roles_pkey PRIMARY KEY (staff_id, role),
    CONSTRAINT staff_roles_role_check CHECK (role IN ('religious_expert', 'psychologist', 'paediatric_psychologist',
                                                      'social_worker', 'teacher', 'vocational_trainer', 'lawyer'))
);
CREATE INDEX staff_roles_role_idx ON homeward.staff_roles (role);
COMMENT ON TABLE homeward.staff_roles IS 'Professional roles a staff member may take in sessions (one person can hold several).';

CREATE TABLE homeward.staff_centres (
    staff_id    bigint NOT NULL CONSTRAINT staff_centres_staff_fk REFERENCES homeward.staff (id) ON DELETE CASCADE,
    centre_id   bigint NOT NULL CONSTRAINT staff_centres_centre_fk REFERENCES homeward.centres (id),
    CONSTRAINT staff_centres_pkey PRIMARY KEY (staff_id, centre_id)
);
CREATE INDEX staff_centres_centre_idx ON homeward.staff_centres (centre_id);
COMMENT ON TABLE homeward.staff_centres IS 'Centres where a staff member works. Sessions and availability are only allowed at these centres.';

CREATE TABLE homeward.staff_availability (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT staff_availability_pkey PRIMARY KEY,
    staff_id    bigint   NOT NULL,
    centre_id   bigint   NOT NULL,
    weekday     smallint NOT NULL,
    starts_at   time     NOT NULL,
    ends_at     time     NOT NULL,
    valid_from  date     NOT NULL,
    valid_to    date,
    CONSTRAINT staff_availability_works_at_centre_fk FOREIGN KEY (staff_id, centre_id)
        REFERENCES homeward.staff_centres (staff_id, centre_id) ON DELETE CASCADE,
    CONSTRAINT staff_availability_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT staff_availability_starts_before_ends CHECK (starts_at < ends_at),
    CONSTRAINT staff_availability_valid_dates CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT staff_availability_no_overlap EXCLUDE USING gist (
        staff_id WITH =,
        weekday WITH =,
        daterange(valid_from, valid_to, '[]') WITH &&,
        homeward.timerange(starts_at, ends_at) WITH &&)
);
CREATE INDEX staff_availability_centre_idx ON homeward.staff_availability (centre_id, staff_id);
COMMENT ON TABLE homeward.staff_availability IS
    'Recurring weekly hours when a staff member is available at one of their centres, in the centre''s local time. Windows of the same person may not overlap, even at different centres.';
COMMENT ON COLUMN homeward.staff_availability.weekday IS 'ISO weekday: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN homeward.staff_availability.valid_from IS 'First day this weekly pattern applies.';
COMMENT ON COLUMN homeward.staff_availability.valid_to IS 'Last day this weekly pattern applies (inclusive); empty = until further notice.';

CREATE TABLE homeward.staff_leave (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT staff_leave_pkey PRIMARY KEY,
    staff_id    bigint NOT NULL CONSTRAINT staff_leave_staff_fk REFERENCES homeward.staff (id) ON DELETE CASCADE,
    first_day   date   NOT NULL,
    last_day    date   NOT NULL,
    during      daterange NOT NULL GENERATED ALWAYS AS (daterange(first_day, last_day, '[]')) STORED,
    kind        text   NOT NULL,
    note        text,
    CONSTRAINT staff_leave_days_ordered CHECK (last_day >= first_day),
    CONSTRAINT staff_leave_kind_check CHECK (kind IN ('leave', 'sick', 'training', 'other')),
    CONSTRAINT staff_leave_no_overlap EXCLUDE USING gist (staff_id WITH =, during WITH &&)
);
COMMENT ON TABLE homeward.staff_leave IS
    'Days a staff member is away (holiday, sickness, training). Periods of one person may not overlap. Recording leave does not move existing sessions; the application lists the sessions to reassign.';
COMMENT ON COLUMN homeward.staff_leave.first_day IS 'First day away (inclusive).';
COMMENT ON COLUMN homeward.staff_leave.last_day IS 'Last day away (inclusive).';
COMMENT ON COLUMN homeward.staff_leave.during IS 'Computed from first_day and last_day; used to forbid overlapping leave.';

------------------------------------------------------------------------------------------------
-- Participants, placements, consents
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.participants (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT participants_pkey PRIMARY KEY,
    case_number         text   NOT NULL,
    given_name          text   NOT NULL,
    family_name         text   NOT NULL,
    patronymic          text,
    birth_date          date   NOT NULL,
    sex                 text   NOT NULL,
    languages           text[] NOT NULL,
    region_of_origin    text   NOT NULL,
    legal_situation     text   NOT NULL DEFAULT 'free',
    sentence_ends_on    date,
    status              text   NOT NULL DEFAULT 'intake',
    returned_on         date   NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participants_case_number_key UNIQUE (case_number),
    CONSTRAINT participants_case_number_format CHECK (case_number ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT participants_name_not_blank CHECK (btrim(given_name) <> '' AND btrim(family_name) <> ''),
    CONSTRAINT participants_sex_check CHECK (sex IN ('female', 'male')),
    CONSTRAINT participants_languages_valid CHECK (homeward.valid_language_codes(languages)),
    CONSTRAINT participants_legal_situation_check CHECK (legal_situation IN ('free', 'under_investigation', 'in_custody', 'convicted')),
    CONSTRAINT participants_sentence_only_when_convicted CHECK ((legal_situation = 'convicted') = (sentence_ends_on IS NOT NULL)),
    CONSTRAINT participants_status_check CHECK (status IN ('intake', 'residential_rehabilitation', 'in_community', 'in_prison', 'completed', 'withdrawn')),
    CONSTRAINT participants_birth_before_return CHECK (birth_date <= returned_on)
);
CREATE INDEX participants_family_name_idx ON homeward.participants (lower(family_name), lower(given_name));
COMMENT ON TABLE homeward.participants IS 'Women, men and children returned from conflict zones who follow a rehabilitation programme.';
COMMENT ON COLUMN homeward.participants.case_number IS 'Case number coordinators type, e.g. KZ-2019-0417.';
COMMENT ON COLUMN homeward.participants.birth_date IS 'Date of birth. Ages are never stored; use homeward.age_on(birth_date, day).';
COMMENT ON COLUMN homeward.participants.languages IS 'Languages the participant speaks, ISO 639-1 codes, first = preferred, e.g. {kk,ru,ar}.';
COMMENT ON COLUMN homeward.participants.region_of_origin IS 'Region of Kazakhstan the participant (or family) comes from; where they will return.';
COMMENT ON COLUMN homeward.participants.legal_situation IS
    'free; under_investigation; in_custody (awaiting trial); convicted (then sentence_ends_on is required).';
COMMENT ON COLUMN homeward.participants.sentence_ends_on IS 'Expected release date; set if and only if legal_situation is convicted.';
COMMENT ON COLUMN homeward.participants.status IS
    'Where the person is in the programme: intake, residential_rehabilitation, in_community, in_prison, completed, withdrawn.';
COMMENT ON COLUMN homeward.participants.returned_on IS 'Date of repatriation to Kazakhstan.';

CREATE TABLE homeward.participant_placements (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT participant_placements_pkey PRIMARY KEY,
    participant_id  bigint    NOT NULL CONSTRAINT participant_placements_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    centre_id       bigint    NOT NULL CONSTRAINT participant_placements_centre_fk REFERENCES homeward.centres (id),
    during          daterange NOT NULL,
    reason          text,
    CONSTRAINT participant_placements_during_valid CHECK (NOT isempty(during) AND NOT lower_inf(during)),
    CONSTRAINT participant_placements_no_overlap EXCLUDE USING gist (participant_id WITH =, during WITH &&)
);
CREATE INDEX participant_placements_centre_idx ON homeward.participant_placements USING gist (centre_id, during);
COMMENT ON TABLE homeward.participant_placements IS
    'History of where each participant is placed (residential centre, prison, community office). Placements of one person never overlap; the current placement is the row whose range contains today (open-ended = upper bound empty).';
COMMENT ON COLUMN homeward.participant_placements.during IS
    'Days of the placement as a date range, e.g. [2019-05-10,2019-07-05) ; an empty upper bound means "still placed here".';
COMMENT ON COLUMN homeward.participant_placements.reason IS 'Why the person was placed here, e.g. "residential phase", "sentence", "returned home".';

CREATE TABLE homeward.consents (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT consents_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT consents_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    kind            text   NOT NULL,
    given_by        text   NOT NULL,
    given_on        date   NOT NULL,
    withdrawn_on    date,
    CONSTRAINT consents_kind_check CHECK (kind IN ('data_processing', 'psychological_support', 'school_information_sharing', 'photo')),
    CONSTRAINT consents_given_by_not_blank CHECK (btrim(given_by) <> ''),
    CONSTRAINT consents_withdrawn_after_given CHECK (withdrawn_on IS NULL OR withdrawn_on >= given_on)
);
CREATE UNIQUE INDEX consents_one_current_per_kind ON homeward.consents (participant_id, kind) WHERE withdrawn_on IS NULL;
COMMENT ON TABLE homeward.consents IS
    'Consents given by a participant or, for a child, by the guardian. A consent is current until withdrawn; at most one current consent per kind.';
COMMENT ON COLUMN homeward.consents.given_by IS 'Who signed: "participant" or the guardian''s full name.';
COMMENT ON COLUMN homeward.consents.withdrawn_on IS 'Day the consent was withdrawn; empty while it is in force.';

------------------------------------------------------------------------------------------------
-- Families
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.relatives (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT relatives_pkey PRIMARY KEY,
    given_name          text NOT NULL,
    family_name         text NOT NULL,
    phone               text,
    region              text,
    relationship_notes  text,
    CONSTRAINT relatives_name_not_blank CHECK (btrim(given_name) <> '' AND btrim(family_name) <> '')
);
COMMENT ON TABLE homeward.relatives IS
    'Family members who are not participants themselves: grandmothers, aunts, uncles who take in returned children, etc.';
COMMENT ON COLUMN homeward.relatives.relationship_notes IS 'Free notes about the family situation (e.g. "found through DNA test, lives in Atyrau").';

CREATE TABLE homeward.family_links (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT family_links_pkey PRIMARY KEY,
    participant_id          bigint  NOT NULL CONSTRAINT family_links_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    relative_id             bigint  CONSTRAINT family_links_relative_fk REFERENCES homeward.relatives (id) ON DELETE CASCADE,
    related_participant_id  bigint  CONSTRAINT family_links_related_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    relationship            text    NOT NULL,
    is_guardian             boolean NOT NULL DEFAULT false,
    guardian_since          date,
    CONSTRAINT family_links_exactly_one_person CHECK (num_nonnulls(relative_id, related_participant_id) = 1),
    CONSTRAINT family_links_not_self CHECK (related_participant_id IS NULL OR related_participant_id <> participant_id),
    CONSTRAINT family_links_relationship_check CHECK (relationship IN ('mother', 'father', 'grandmother', 'grandfather', 'aunt', 'uncle', 'sibling', 'other')),
    CONSTRAINT family_links_guardian_since_only_for_guardian CHECK (guardian_since IS NULL OR is_guardian),
    CONSTRAINT family_links_relative_key UNIQUE (participant_id, relative_id),
    CONSTRAINT family_links_related_participant_key UNIQUE (participant_id, related_participant_id)
);
CREATE INDEX family_links_relative_idx ON homeward.family_links (relative_id) WHERE relative_id IS NOT NULL;
CREATE INDEX family_links_related_participant_idx ON homeward.family_links (related_participant_id) WHERE related_participant_id IS NOT NULL;
COMMENT ON TABLE homeward.family_links IS
    'Who is related to a participant: either a relative (not a participant) or another participant, exactly one of the two.';
COMMENT ON COLUMN homeward.family_links.participant_id IS 'The participant the link is about (e.g. the child).';
COMMENT ON COLUMN homeward.family_links.relationship IS
    'What the linked person is TO the participant: "grandmother" means the relative is the participant''s grandmother.';
COMMENT ON COLUMN homeward.family_links.is_guardian IS 'The linked person is the participant''s legal guardian (signs consents, attends family sessions).';
COMMENT ON COLUMN homeward.family_links.guardian_since IS 'Day guardianship was granted; only when is_guardian.';

CREATE TABLE homeward.families (
    id      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT families_pkey PRIMARY KEY,
    label   text NOT NULL,
    CONSTRAINT families_label_not_blank CHECK (btrim(label) <> '')
);
COMMENT ON TABLE homeward.families IS
    'A household that can be booked together for a family session, e.g. a mother and her children, or the children placed with one grandmother.';
COMMENT ON COLUMN homeward.families.label IS 'How coordinators name the family, e.g. "Sadykova household (Atyrau)".';

CREATE TABLE homeward.family_members (
    family_id       bigint NOT NULL CONSTRAINT family_members_family_fk REFERENCES homeward.families (id) ON DELETE CASCADE,
    participant_id  bigint NOT NULL CONSTRAINT family_members_participant_fk REFERENCES homeward.participants (id) ON DELETE CASCADE,
    CONSTRAINT family_members_pkey PRIMARY KEY (family_id, participant_id)
);
CREATE INDEX family_members_participant_idx ON homeward.family_members (participant_id);
COMMENT ON TABLE homeward.family_members IS 'Participants belonging to a family. Only members can be added to that family''s sessions.';

------------------------------------------------------------------------------------------------
-- Programmes (templates synced from Config/programmes/*.yaml)
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.programmes (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT programmes_pkey PRIMARY KEY,
    code        text NOT NULL,
    name        text NOT NULL,
    description text,
    audience    text NOT NULL,
    version     int  NOT NULL,
    synced_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT programmes_code_key UNIQUE (code),
    CONSTRAINT programmes_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT programmes_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT programmes_audience_check CHECK (audience IN ('adult_women', 'children', 'adult_men', 'mixed')),
    CONSTRAINT programmes_version_positive CHECK (version >= 1)
);
COMMENT ON TABLE homeward.programmes IS
    'Rehabilitation programme templates, one per YAML file in Config/programmes, loaded by `homeward programme sync`.';
COMMENT ON COLUMN homeward.programmes.code IS 'Programme code from the YAML file, e.g. WOMEN-RESIDENTIAL.';
COMMENT ON COLUMN homeward.programmes.audience IS 'Who the programme is for: adult_women, children, adult_men or mixed.';
COMMENT ON COLUMN homeward.programmes.version IS 'Version number from the YAML file; raise it whenever the template changes.';
COMMENT ON COLUMN homeward.programmes.synced_at IS 'When the YAML file was last loaded into the database.';

CREATE TABLE homeward.programme_phases (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT programme_phases_pkey PRIMARY KEY,
    programme_id            bigint NOT NULL CONSTRAINT programme_phases_programme_fk REFERENCES homeward.programmes (id) ON DELETE CASCADE,
    ordinal                 int    NOT NULL,
    code                    text   NOT NULL,
    name                    text   NOT NULL,
    duration_days           int    NOT NULL,
    review_interval_days    int    NOT NULL,
    CONSTRAINT programme_phases_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT programme_phases_code_key UNIQUE (programme_id, code),
    CONSTRAINT programme_phases_ordinal_key UNIQUE (programme_id, ordinal),
    CONSTRAINT programme_phases_id_programme_key UNIQUE (id, programme_id),
    CONSTRAINT programme_phases_ordinal_positive CHECK (ordinal >= 1),
    CONSTRAINT programme_phases_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT programme_phases_duration_positive CHECK (duration_days > 0),
    CONSTRAINT programme_phases_review_interval_positive CHECK (review_interval_days > 0)
);
COMMENT ON TABLE homeward.programme_phases IS 'Ordered phases of a programme, e.g. residential rehabilitation then community follow-up.';
COMMENT ON COLUMN homeward.programme_phases.ordinal IS 'Position of the phase in the programme, 1 = first (the YAML list order).';
COMMENT ON COLUMN homeward.programme_phases.duration_days IS
    'Planned length of the phase in days. For the prison programme the phase is cut short at the participant''s sentence end.';
COMMENT ON COLUMN homeward.programme_phases.review_interval_days IS 'An assessment of each participant is due every this many days during the phase.';

CREATE TABLE homeward.phase_requirements (
    id                          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT phase_requirements_pkey PRIMARY KEY,
    phase_id                    bigint  NOT NULL CONSTRAINT phase_requirements_phase_fk REFERENCES homeward.programme_phases (id) ON DELETE CASCADE,
    code                        text    NOT NULL,
    session_type                text    NOT NULL,
    staff_role                  text    NOT NULL,
    mode                        text    NOT NULL,
    group_min                   int,
    group_max                   int,
    duration_minutes            int     NOT NULL,
    sessions_per_week           numeric(4,2) NOT NULL,
    min_age                     int,
    max_age                     int,
    sex                         text,
    room_kind                   text    NOT NULL,
    requires_child_clearance    boolean NOT NULL DEFAULT false,
    paediatric_only             boolean NOT NULL DEFAULT false,
    CONSTRAINT phase_requirements_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT phase_requirements_code_key UNIQUE (phase_id, code),
    CONSTRAINT phase_requirements_id_type_mode_key UNIQUE (id, session_type, mode),
    CONSTRAINT phase_requirements_session_type_check CHECK (session_type IN (
        'individual_counselling', 'religious_consultation', 'group_theology_class', 'family_session',
        'paediatric_play_therapy', 'art_therapy', 'prison_education_lesson', 'vocational_training',
        'social_work_meeting', 'legal_consultation', 'group_counselling')),
    CONSTRAINT phase_requirements_staff_role_check CHECK (staff_role IN ('religious_expert', 'psychologist', 'paediatric_psychologist',
                                                                         'social_worker', 'teacher', 'vocational_trainer', 'lawyer')),
    CONSTRAINT phase_requirements_mode_check CHECK (mode IN ('individual', 'group', 'family')),
    CONSTRAINT phase_requirements_group_size CHECK (CASE mode
        WHEN 'group'      THEN group_min IS NOT NULL AND group_max IS NOT NULL AND 2 <= group_min AND group_min <= group_max
        WHEN 'individual' THEN (group_min IS NULL AND group_max IS NULL) OR (group_min = 1 AND group_max = 1)
        WHEN 'family'     THEN group_min IS NULL AND group_max IS NULL
    END),
    CONSTRAINT phase_requirements_duration_check CHECK (duration_minutes BETWEEN 15 AND 240 AND duration_minutes % 15 = 0),
    CONSTRAINT phase_requirements_sessions_per_week_range CHECK (sessions_per_week > 0 AND sessions_per_week <= 14),
    CONSTRAINT phase_requirements_age_range CHECK (
        (min_age IS NULL OR min_age BETWEEN 0 AND 120) AND (max_age IS NULL OR max_age BETWEEN 0 AND 120)
        AND (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)),
    CONSTRAINT phase_requirements_sex_check CHECK (sex IS NULL OR sex IN ('female', 'male')),
    CONSTRAINT phase_requirements_room_kind_check CHECK (room_kind IN ('counselling_room', 'classroom', 'group_hall', 'family_room', 'play_room')),
    CONSTRAINT phase_requirements_paediatric_only_role CHECK (NOT paediatric_only OR staff_role = 'paediatric_psychologist')
);
COMMENT ON TABLE homeward.phase_requirements IS
    'What each participant in a phase must receive: which kind of session, with which professional, how long, how often, for whom.';
COMMENT ON COLUMN homeward.phase_requirements.code IS 'Requirement code, unique within its phase, e.g. PSY-IND.';
COMMENT ON COLUMN homeward.phase_requirements.staff_role IS 'Role the staff member holding the session must have.';
COMMENT ON COLUMN homeward.phase_requirements.mode IS
    'individual = one participant; group = group_min..group_max participants; family = members of one family together.';
COMMENT ON COLUMN homeward.phase_requirements.group_min IS 'Smallest group worth holding (group mode only).';
COMMENT ON COLUMN homeward.phase_requirements.group_max IS 'Largest group allowed (group mode only); enforced when participants are added.';
COMMENT ON COLUMN homeward.phase_requirements.duration_minutes IS 'Length of one session in minutes: a multiple of 15 between 15 and 240.';
COMMENT ON COLUMN homeward.phase_requirements.sessions_per_week IS
    'How many sessions per participant per week. Fractions mean less often: 0.5 = every two weeks, 0.25 = every four weeks.';
COMMENT ON COLUMN homeward.phase_requirements.min_age IS 'Youngest age (in years, on the session day) allowed in the session; empty = no limit.';
COMMENT ON COLUMN homeward.phase_requirements.max_age IS 'Oldest age (in years, on the session day) allowed in the session; empty = no limit.';
COMMENT ON COLUMN homeward.phase_requirements.sex IS 'Only participants of this sex (e.g. women-only theology classes); empty = anyone.';
COMMENT ON COLUMN homeward.phase_requirements.room_kind IS 'Kind of room the session needs (the scheduler picks a room of this kind).';
COMMENT ON COLUMN homeward.phase_requirements.requires_child_clearance IS
    'The staff member must be cleared to work with children even if no child is booked yet. (Clearance is always required when a participant is under 18.)';
COMMENT ON COLUMN homeward.phase_requirements.paediatric_only IS 'Only a paediatric psychologist may hold this session (youngest children).';

------------------------------------------------------------------------------------------------
-- Enrolments in programmes
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.enrolments (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT enrolments_pkey PRIMARY KEY,
    participant_id      bigint NOT NULL CONSTRAINT enrolments_participant_fk REFERENCES homeward.participants (id),
    programme_id        bigint NOT NULL CONSTRAINT enrolments_programme_fk REFERENCES homeward.programmes (id),
    started_on          date   NOT NULL,
    current_phase_id    bigint NOT NULL,
    phase_started_on    date   NOT NULL,
    status              text   NOT NULL DEFAULT 'active',
    planned_end_on      date   NOT NULL,
    ended_on            date,
    CONSTRAINT enrolments_phase_in_programme_fk FOREIGN KEY (current_phase_id, programme_id)
        REFERENCES homeward.programme_phases (id, programme_id),
    CONSTRAINT enrolments_status_check CHECK (status IN ('active', 'paused', 'completed', 'withdrawn')),
    CONSTRAINT enrolments_phase_after_start CHECK (phase_started_on >= started_on),
    CONSTRAINT enrolments_planned_end_after_start CHECK (planned_end_on >= started_on),
    CONSTRAINT enrolments_ended_when_closed CHECK ((status IN ('completed', 'withdrawn')) = (ended_on IS NOT NULL)),
    CONSTRAINT enrolments_end_after_start CHECK (ended_on IS NULL OR ended_on >= started_on)
);
CREATE UNIQUE INDEX enrolments_one_open_per_programme ON homeward.enrolments (participant_id, programme_id)
    WHERE status IN ('active', 'paused');
CREATE INDEX enrolments_participant_idx ON homeward.enrolments (participant_id);
CREATE INDEX enrolments_programme_idx ON homeward.enrolments (programme_id);
CREATE INDEX enrolments_current_phase_idx ON homeward.enrolments (current_phase_id);
COMMENT ON TABLE homeward.enrolments IS
    'A participant following a programme, and which phase they are in now. At most one open (active or paused) enrolment per participant and programme.';
COMMENT ON COLUMN homeward.enrolments.current_phase_id IS 'Phase the participant is in now; must be a phase of the same programme.';
COMMENT ON COLUMN homeward.enrolments.phase_started_on IS 'Day the current phase began (the next review is counted from here and from the last assessment).';
COMMENT ON COLUMN homeward.enrolments.planned_end_on IS 'Day the programme is expected to end (for prison: the sentence end).';
COMMENT ON COLUMN homeward.enrolments.ended_on IS 'Day the enrolment actually ended; set if and only if status is completed or withdrawn.';

------------------------------------------------------------------------------------------------
-- Schooling of children
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.schools (
    id      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT schools_pkey PRIMARY KEY,
    code    text NOT NULL,
    name    text NOT NULL,
    region  text NOT NULL,
    address text,
    CONSTRAINT schools_code_key UNIQUE (code),
    CONSTRAINT schools_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT schools_name_not_blank CHECK (btrim(name) <> '')
);
COMMENT ON TABLE homeward.schools IS 'Schools (and kindergartens, grade 0) where returned children are enrolled.';

CREATE TABLE homeward.school_enrolments (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT school_enrolments_pkey PRIMARY KEY,
    participant_id          bigint     NOT NULL CONSTRAINT school_enrolments_participant_fk REFERENCES homeward.participants (id),
    school_id               bigint     NOT NULL CONSTRAINT school_enrolments_school_fk REFERENCES homeward.schools (id),
    grade                   smallint   NOT NULL,
    shift                   text       NOT NULL DEFAULT 'morning',
    school_day_starts_at    time       NOT NULL,
    school_day_ends_at      time       NOT NULL,
    school_weekdays         smallint[] NOT NULL DEFAULT '{1,2,3,4,5}',
    enrolled_from           date       NOT NULL,
    enrolled_to             date,
    status                  text       NOT NULL DEFAULT 'enrolled',
    CONSTRAINT school_enrolments_grade_range CHECK (grade BETWEEN 0 AND 11),
    CONSTRAINT school_enrolments_shift_check CHECK (shift IN ('morning', 'afternoon')),
    CONSTRAINT school_enrolments_day_ordered CHECK (school_day_starts_at < school_day_ends_at),
    CONSTRAINT school_enrolments_weekdays_valid CHECK (homeward.valid_weekdays(school_weekdays)),
    CONSTRAINT school_enrolments_dates_ordered CHECK (enrolled_to IS NULL OR enrolled_to >= enrolled_from),
    CONSTRAINT school_enrolments_status_check CHECK (status IN ('enrolled', 'transferred', 'left', 'completed')),
    CONSTRAINT school_enrolments_end_when_closed CHECK (status = 'enrolled' OR enrolled_to IS NOT NULL),
    CONSTRAINT school_enrolments_id_participant_key UNIQUE (id, participant_id),
    CONSTRAINT school_enrolments_no_overlap EXCLUDE USING gist (
        participant_id WITH =, daterange(enrolled_from, enrolled_to, '[]') WITH &&)
);
CREATE INDEX school_enrolments_school_idx ON homeward.school_enrolments (school_id);
COMMENT ON TABLE homeward.school_enrolments IS
    'A child''s enrolment in a school. A child is never enrolled in two schools over overlapping dates (a transfer closes the old enrolment the day before the new one starts). Sessions are not planned during school hours.';
COMMENT ON COLUMN homeward.school_enrolments.grade IS 'School grade 0 (pre-school class) to 11.';
COMMENT ON COLUMN homeward.school_enrolments.shift IS 'morning or afternoon shift (many Kazakh schools run two shifts).';
COMMENT ON COLUMN homeward.school_enrolments.school_day_starts_at IS 'Local time the child''s school day starts.';
COMMENT ON COLUMN homeward.school_enrolments.school_day_ends_at IS 'Local time the child''s school day ends.';
COMMENT ON COLUMN homeward.school_enrolments.school_weekdays IS 'ISO weekdays the child goes to school, 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN homeward.school_enrolments.enrolled_to IS 'Last school day (inclusive); empty while still enrolled. Required once transferred, left or completed.';

CREATE TABLE homeward.school_attendance (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT school_attendance_pkey PRIMARY KEY,
    participant_id      bigint NOT NULL,
    school_enrolment_id bigint NOT NULL,
    day                 date   NOT NULL,
    status              text   NOT NULL,
    reported_by         text   NOT NULL,
    reported_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT school_attendance_enrolment_fk FOREIGN KEY (school_enrolment_id, participant_id)
        REFERENCES homeward.school_enrolments (id, participant_id) ON DELETE CASCADE,
    CONSTRAINT school_attendance_status_check CHECK (status IN ('present', 'absent_excused', 'absent_unexcused')),
    CONSTRAINT school_attendance_one_per_day UNIQUE (participant_id, day)
);
CREATE INDEX school_attendance_enrolment_idx ON homeward.school_attendance (school_enrolment_id, participant_id);
COMMENT ON TABLE homeward.school_attendance IS 'Daily school attendance reported by the school or the social worker; one row per child per day.';
COMMENT ON COLUMN homeward.school_attendance.school_enrolment_id IS 'The enrolment the day belongs to; must be the same child''s enrolment and the day must fall inside it.';
COMMENT ON COLUMN homeward.school_attendance.reported_by IS 'Who reported it (teacher or social worker name, or staff code).';

------------------------------------------------------------------------------------------------
-- Prison education
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.courses (
    id          bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT courses_pkey PRIMARY KEY,
    code        text   NOT NULL,
    name        text   NOT NULL,
    centre_id   bigint CONSTRAINT courses_centre_fk REFERENCES homeward.centres (id),
    description text,
    CONSTRAINT courses_code_key UNIQUE (code),
    CONSTRAINT courses_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT courses_name_not_blank CHECK (btrim(name) <> '')
);
CREATE INDEX courses_centre_idx ON homeward.courses (centre_id);
COMMENT ON TABLE homeward.courses IS
    'Prison education courses (loaded from Config/programmes/prison-education-courses.yaml): a course is an ordered list of modules.';
COMMENT ON COLUMN homeward.courses.centre_id IS 'Prison where the course is taught; empty = the course is offered in every prison.';

CREATE TABLE homeward.course_modules (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT course_modules_pkey PRIMARY KEY,
    course_id       bigint NOT NULL CONSTRAINT course_modules_course_fk REFERENCES homeward.courses (id) ON DELETE CASCADE,
    ordinal         int    NOT NULL,
    code            text   NOT NULL,
    title           text   NOT NULL,
    expected_weeks  int    NOT NULL,
    CONSTRAINT course_modules_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
    CONSTRAINT course_modules_ordinal_key UNIQUE (course_id, ordinal),
    CONSTRAINT course_modules_code_key UNIQUE (course_id, code),
    CONSTRAINT course_modules_id_course_key UNIQUE (id, course_id),
    CONSTRAINT course_modules_ordinal_positive CHECK (ordinal >= 1),
    CONSTRAINT course_modules_title_not_blank CHECK (btrim(title) <> ''),
    CONSTRAINT course_modules_expected_weeks_positive CHECK (expected_weeks > 0)
);
COMMENT ON TABLE homeward.course_modules IS 'Modules of a course in teaching order.';
COMMENT ON COLUMN homeward.course_modules.ordinal IS 'Position of the module in the course, 1 = first.';
COMMENT ON COLUMN homeward.course_modules.expected_weeks IS 'Usual number of weeks to complete the module.';

CREATE TABLE homeward.course_enrolments (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT course_enrolments_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT course_enrolments_participant_fk REFERENCES homeward.participants (id),
    course_id       bigint NOT NULL CONSTRAINT course_enrolments_course_fk REFERENCES homeward.courses (id),
    started_on      date   NOT NULL,
    status          text   NOT NULL DEFAULT 'active',
    CONSTRAINT course_enrolments_status_check CHECK (status IN ('active', 'completed', 'withdrawn')),
    CONSTRAINT course_enrolments_id_course_key UNIQUE (id, course_id)
);
CREATE UNIQUE INDEX course_enrolments_one_active ON homeward.course_enrolments (participant_id, course_id) WHERE status = 'active';
CREATE INDEX course_enrolments_course_idx ON homeward.course_enrolments (course_id);
COMMENT ON TABLE homeward.course_enrolments IS 'A prisoner following a prison education course. At most one active enrolment per person and course.';

CREATE TABLE homeward.module_completions (
    id                  bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT module_completions_pkey PRIMARY KEY,
    course_enrolment_id bigint NOT NULL,
    course_id           bigint NOT NULL,
    module_id           bigint NOT NULL,
    completed_on        date   NOT NULL,
    result              text   NOT NULL,
    score               numeric(5,2),
    CONSTRAINT module_completions_enrolment_fk FOREIGN KEY (course_enrolment_id, course_id)
        REFERENCES homeward.course_enrolments (id, course_id) ON DELETE CASCADE,
    CONSTRAINT module_completions_module_in_course_fk FOREIGN KEY (module_id, course_id)
        REFERENCES homeward.course_modules (id, course_id),
    CONSTRAINT module_completions_result_check CHECK (result IN ('passed', 'failed', 'incomplete')),
    CONSTRAINT module_completions_score_range CHECK (score IS NULL OR score BETWEEN 0 AND 100)
);
CREATE UNIQUE INDEX module_completions_passed_once ON homeward.module_completions (course_enrolment_id, module_id) WHERE result = 'passed';
CREATE INDEX module_completions_enrolment_idx ON homeward.module_completions (course_enrolment_id);
CREATE INDEX module_completions_module_idx ON homeward.module_completions (module_id);
COMMENT ON TABLE homeward.module_completions IS
    'Results of modules taken by an enrolled prisoner. A module can be retaken after failing but passed only once per enrolment.';
COMMENT ON COLUMN homeward.module_completions.course_id IS
    'Course of the enrolment; filled in automatically from course_enrolment_id when left empty. Guarantees the module belongs to the enrolment''s course.';
COMMENT ON COLUMN homeward.module_completions.score IS 'Score out of 100 when the module is graded; empty otherwise.';

------------------------------------------------------------------------------------------------
-- Sessions
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.sessions (
    id                      bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT sessions_pkey PRIMARY KEY,
    session_type            text        NOT NULL,
    requirement_id          bigint,
    mode                    text        NOT NULL,
    centre_id               bigint      NOT NULL,
    room_id                 bigint      NOT NULL,
    starts_at               timestamptz NOT NULL,
    ends_at                 timestamptz NOT NULL,
    during                  tstzrange   NOT NULL GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    status                  text        NOT NULL DEFAULT 'planned',
    occupies                boolean     NOT NULL GENERATED ALWAYS AS (status IN ('planned', 'held')) STORED,
    cancel_reason           text,
    cancelled_by            text,
    replaced_by_session_id  bigint CONSTRAINT sessions_replaced_by_fk REFERENCES homeward.sessions (id),
    family_id               bigint CONSTRAINT sessions_family_fk REFERENCES homeward.families (id),
    schedule_run_id         bigint,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT sessions_centre_fk FOREIGN KEY (centre_id) REFERENCES homeward.centres (id),
    CONSTRAINT sessions_room_in_centre_fk FOREIGN KEY (room_id, centre_id) REFERENCES homeward.rooms (id, centre_id),
    CONSTRAINT sessions_matches_requirement_fk FOREIGN KEY (requirement_id, session_type, mode)
        REFERENCES homeward.phase_requirements (id, session_type, mode),
    CONSTRAINT sessions_session_type_check CHECK (session_type IN (
        'individual_counselling', 'religious_consultation', 'group_theology_class', 'family_session',
        'paediatric_play_therapy', 'art_therapy', 'prison_education_lesson', 'vocational_training',
        'social_work_meeting', 'legal_consultation', 'group_counselling')),
    CONSTRAINT sessions_mode_check CHECK (mode IN ('individual', 'group', 'family')),
    CONSTRAINT sessions_ends_after_starts CHECK (ends_at > starts_at),
    CONSTRAINT sessions_at_most_8_hours CHECK (ends_at - starts_at <= interval '8 hours'),
    CONSTRAINT sessions_status_check CHECK (status IN ('planned', 'held', 'cancelled', 'rescheduled')),
    CONSTRAINT sessions_cancelled_by_check CHECK (cancelled_by IS NULL OR cancelled_by IN ('staff', 'participant', 'centre', 'other')),
    CONSTRAINT sessions_cancellation_reason_required CHECK (
        status <> 'cancelled' OR (cancelled_by IS NOT NULL AND cancel_reason IS NOT NULL AND btrim(cancel_reason) <> '')),
    CONSTRAINT sessions_cancellation_only_when_cancelled CHECK (
        status IN ('cancelled', 'rescheduled') OR (cancelled_by IS NULL AND cancel_reason IS NULL)),
    CONSTRAINT sessions_replacement_iff_rescheduled CHECK ((status = 'rescheduled') = (replaced_by_session_id IS NOT NULL)),
    CONSTRAINT sessions_not_replaced_by_itself CHECK (replaced_by_session_id IS NULL OR replaced_by_session_id <> id),
    CONSTRAINT sessions_family_iff_family_mode CHECK ((mode = 'family') = (family_id IS NOT NULL)),
    CONSTRAINT sessions_id_during_occupies_key UNIQUE (id, during, occupies),
    CONSTRAINT sessions_room_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&) WHERE (occupies)
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX sessions_centre_starts_idx ON homeward.sessions (centre_id, starts_at);
CREATE INDEX sessions_starts_idx ON homeward.sessions (starts_at);
CREATE INDEX sessions_requirement_idx ON homeward.sessions (requirement_id) WHERE requirement_id IS NOT NULL;
CREATE INDEX sessions_family_idx ON homeward.sessions (family_id) WHERE family_id IS NOT NULL;
CREATE INDEX sessions_replaced_by_idx ON homeward.sessions (replaced_by_session_id) WHERE replaced_by_session_id IS NOT NULL;
CREATE INDEX sessions_schedule_run_idx ON homeward.sessions (schedule_run_id) WHERE schedule_run_id IS NOT NULL;
COMMENT ON TABLE homeward.sessions IS
    'Booked sessions: who (session_staff, session_participants), where (room), when. A room, a staff member or a participant can never be in two planned or held sessions at the same time.';
COMMENT ON COLUMN homeward.sessions.requirement_id IS
    'The programme requirement this session fulfils; empty for ad-hoc sessions. Session type and mode must match it; its age, sex, role and group-size rules are enforced.';
COMMENT ON COLUMN homeward.sessions.mode IS 'individual, group or family (family sessions name a family in family_id).';
COMMENT ON COLUMN homeward.sessions.centre_id IS 'Centre where the session takes place; the room must belong to it.';
COMMENT ON COLUMN homeward.sessions.during IS 'Computed [starts_at, ends_at) range used by the no-double-booking rules.';
COMMENT ON COLUMN homeward.sessions.status IS
    'planned; held (took place); cancelled (will not take place, reason required); rescheduled (moved: replaced_by_session_id is the new session).';
COMMENT ON COLUMN homeward.sessions.occupies IS
    'Computed: true while planned or held. Only such sessions block the room, staff and participants; cancelled and rescheduled ones free the slot.';
COMMENT ON COLUMN homeward.sessions.cancel_reason IS 'Why the session was cancelled (required when cancelled, optional when rescheduled).';
COMMENT ON COLUMN homeward.sessions.cancelled_by IS 'Who cancelled: staff, participant, centre or other (required when cancelled).';
COMMENT ON COLUMN homeward.sessions.replaced_by_session_id IS 'For a rescheduled session, the new session that replaces it.';
COMMENT ON COLUMN homeward.sessions.family_id IS 'For family sessions, the family being seen; every participant must be a member.';
COMMENT ON COLUMN homeward.sessions.schedule_run_id IS 'Scheduler run that created the session; empty when booked by hand.';

CREATE TABLE homeward.session_staff (
    session_id  bigint    NOT NULL,
    staff_id    bigint    NOT NULL CONSTRAINT session_staff_staff_fk REFERENCES homeward.staff (id),
    during      tstzrange NOT NULL,
    occupies    boolean   NOT NULL,
    CONSTRAINT session_staff_pkey PRIMARY KEY (session_id, staff_id),
    CONSTRAINT session_staff_session_fk FOREIGN KEY (session_id, during, occupies)
        REFERENCES homeward.sessions (id, during, occupies) ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT session_staff_no_overlap EXCLUDE USING gist (staff_id WITH =, during WITH &&) WHERE (occupies)
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX session_staff_fk_idx ON homeward.session_staff (session_id, during, occupies);
CREATE INDEX session_staff_staff_idx ON homeward.session_staff (staff_id);
COMMENT ON TABLE homeward.session_staff IS
    'Staff holding a session. during and occupies are copies of the session''s, filled in automatically and kept in step by the foreign key, so the database can forbid double-booking a staff member.';
COMMENT ON COLUMN homeward.session_staff.during IS 'Copy of sessions.during (filled in automatically on insert; do not set).';
COMMENT ON COLUMN homeward.session_staff.occupies IS 'Copy of sessions.occupies (filled in automatically on insert; do not set).';

CREATE TABLE homeward.session_participants (
    session_id      bigint    NOT NULL,
    participant_id  bigint    NOT NULL CONSTRAINT session_participants_participant_fk REFERENCES homeward.participants (id),
    during          tstzrange NOT NULL,
    occupies        boolean   NOT NULL,
    CONSTRAINT session_participants_pkey PRIMARY KEY (session_id, participant_id),
    CONSTRAINT session_participants_session_fk FOREIGN KEY (session_id, during, occupies)
        REFERENCES homeward.sessions (id, during, occupies) ON UPDATE CASCADE ON DELETE CASCADE,
    CONSTRAINT session_participants_no_overlap EXCLUDE USING gist (participant_id WITH =, during WITH &&) WHERE (occupies)
        DEFERRABLE INITIALLY IMMEDIATE
);
CREATE INDEX session_participants_fk_idx ON homeward.session_participants (session_id, during, occupies);
CREATE INDEX session_participants_participant_idx ON homeward.session_participants (participant_id);
COMMENT ON TABLE homeward.session_participants IS
    'Participants booked into a session. during and occupies are copies of the session''s, filled in automatically, so the database can forbid double-booking a participant.';
COMMENT ON COLUMN homeward.session_participants.during IS 'Copy of sessions.during (filled in automatically on insert; do not set).';
COMMENT ON COLUMN homeward.session_participants.occupies IS 'Copy of sessions.occupies (filled in automatically on insert; do not set).';

CREATE TABLE homeward.attendance (
    session_id      bigint NOT NULL,
    participant_id  bigint NOT NULL,
    status          text   NOT NULL,
    note            text,
    recorded_by     text   NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT attendance_pkey PRIMARY KEY (session_id, participant_id),
    CONSTRAINT attendance_participant_in_session_fk FOREIGN KEY (session_id, participant_id)
        REFERENCES homeward.session_participants (session_id, participant_id),
    CONSTRAINT attendance_status_check CHECK (status IN ('attended', 'late', 'absent_excused', 'absent_unexcused'))
);
CREATE INDEX attendance_participant_idx ON homeward.attendance (participant_id);
COMMENT ON TABLE homeward.attendance IS
    'Whether each booked participant came to a session. Only for participants booked into the session, and only once the session has started and was not cancelled or moved.';
COMMENT ON COLUMN homeward.attendance.recorded_by IS 'Who recorded it (staff code or user name).';

------------------------------------------------------------------------------------------------
-- Progress: assessments and milestones
------------------------------------------------------------------------------------------------

CREATE TABLE homeward.assessments (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT assessments_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT assessments_participant_fk REFERENCES homeward.participants (id),
    staff_id        bigint NOT NULL CONSTRAINT assessments_staff_fk REFERENCES homeward.staff (id),
    assessed_on     date   NOT NULL,
    kind            text   NOT NULL,
    score           numeric(6,2),
    level           text,
    summary         text   NOT NULL,
    CONSTRAINT assessments_kind_check CHECK (kind IN ('psychological', 'religious_views', 'educational', 'social', 'family', 'vocational')),
    CONSTRAINT assessments_level_not_blank CHECK (level IS NULL OR btrim(level) <> ''),
    CONSTRAINT assessments_summary_not_blank CHECK (btrim(summary) <> '')
);
CREATE INDEX assessments_participant_idx ON homeward.assessments (participant_id, assessed_on DESC);
CREATE INDEX assessments_staff_idx ON homeward.assessments (staff_id);
COMMENT ON TABLE homeward.assessments IS
    'Periodic reviews of a participant by a professional. Reviews are due every review_interval_days of the current programme phase.';
COMMENT ON COLUMN homeward.assessments.kind IS 'psychological, religious_views, educational, social, family or vocational.';
COMMENT ON COLUMN homeward.assessments.score IS 'Score on the instrument used, if any (scale depends on the instrument).';
COMMENT ON COLUMN homeward.assessments.level IS 'Overall level, usually low, moderate or high (free text allowed).';

CREATE TABLE homeward.milestones (
    id              bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT milestones_pkey PRIMARY KEY,
    participant_id  bigint NOT NULL CONSTRAINT milestones_participant_fk REFERENCES homeward.participants (id),
    kind            text   NOT NULL,
    achieved_on     date   NOT NULL,
    note            text,
    CONSTRAINT milestones_kind_check CHECK (kind IN ('birth_certificate_issued', 'school_enrolled', 'job_found', 'sentence_ended',
                                                     'returned_home', 'housing_found', 'documents_restored')),
    CONSTRAINT milestones_once_per_day UNIQUE (participant_id, kind, achieved_on)
);
COMMENT ON TABLE homeward.milestones IS 'Reintegration steps reached by a participant: documents, school, job, housing, return home, end of sentence.';

------------------------------------------------------------------------------------------------
-- Trigger rules (what a CHECK cannot express)
--
-- Every rule raises SQLSTATE 23514 (check_violation) with CONSTRAINT set to the rule name,
-- exactly like a CHECK constraint, so the store maps it the same way.
------------------------------------------------------------------------------------------------

-- centres.time_zone must be a zone PostgreSQL knows (a CHECK cannot look this up).
CREATE FUNCTION homeward.centres_check_time_zone() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'centres_time_zone_known: unknown time zone "%" for centre %', NEW.time_zone, NEW.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'centres_time_zone_known',
                  SCHEMA = 'homeward', TABLE = 'centres', COLUMN = 'time_zone',
                  HINT = 'Use an IANA zone name such as Asia/Aqtau or Asia/Almaty.';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER centres_time_zone_known BEFORE INSERT OR UPDATE OF time_zone ON homeward.centres
    FOR EACH ROW EXECUTE FUNCTION homeward.centres_check_time_zone();

-- Courses are taught in prisons.
CREATE FUNCTION homeward.courses_check_centre() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.centre_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM homeward.centres c WHERE c.id = NEW.centre_id AND c.kind = 'prison') THEN
        RAISE EXCEPTION 'courses_centre_is_prison: course % must be attached to a prison', NEW.code
            USING ERRCODE = 'check_violation', CONSTRAINT = 'courses_centre_is_prison',
                  SCHEMA = 'homeward', TABLE = 'courses', COLUMN = 'centre_id';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER courses_centre_is_prison BEFORE INSERT OR UPDATE OF centre_id ON homeward.courses
    FOR EACH ROW EXECUTE FUNCTION homeward.courses_check_centre();

-- module_completions.course_id is filled from the enrolment when not given.
CREATE FUNCTION homeward.module_completions_fill_course() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.course_id IS NULL THEN
        SELECT ce.course_id INTO NEW.course_id FROM homeward.course_enrolments ce WHERE ce.id = NEW.course_enrolment_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER module_completions_fill_course BEFORE INSERT OR UPDATE ON homeward.module_completions
    FOR EACH ROW EXECUTE FUNCTION homeward.module_completions_fill_course();

-- School attendance only on days inside the enrolment.
CREATE FUNCTION homeward.school_attendance_check_day() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM homeward.school_enrolments e
               WHERE e.id = NEW.school_enrolment_id
                 AND (NEW.day < e.enrolled_from OR (e.enrolled_to IS NOT NULL AND NEW.day > e.enrolled_to))) THEN
        RAISE EXCEPTION 'school_attendance_within_enrolment: % is outside the school enrolment dates', NEW.day
            USING ERRCODE = 'check_violation', CONSTRAINT = 'school_attendance_within_enrolment',
                  SCHEMA = 'homeward', TABLE = 'school_attendance', COLUMN = 'day';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER school_attendance_within_enrolment BEFORE INSERT OR UPDATE OF day, school_enrolment_id ON homeward.school_attendance
    FOR EACH ROW EXECUTE FUNCTION homeward.school_attendance_check_day();

-- sessions.updated_at
CREATE FUNCTION homeward.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER sessions_touch_updated_at BEFORE UPDATE ON homeward.sessions
    FOR EACH ROW EXECUTE FUNCTION homeward.touch_updated_at();

-- session_staff / session_participants: copy during and occupies from the session, so callers
-- only insert (session_id, staff_id) or (session_id, participant_id). Later changes to the
-- session reach the copies through the ON UPDATE CASCADE foreign key.
CREATE FUNCTION homeward.session_member_copy_session() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_during   tstzrange;
    v_occupies boolean;
BEGIN
    SELECT s.during, s.occupies INTO v_during, v_occupies FROM homeward.sessions s WHERE s.id = NEW.session_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '%: session % does not exist', TG_TABLE_NAME || '_session_fk', NEW.session_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_TABLE_NAME || '_session_fk',
                  SCHEMA = 'homeward', TABLE = TG_TABLE_NAME;
    END IF;
    NEW.during := v_during;
    NEW.occupies := v_occupies;
    RETURN NEW;
END $$;
CREATE TRIGGER session_staff_copy_session BEFORE INSERT ON homeward.session_staff
    FOR EACH ROW EXECUTE FUNCTION homeward.session_member_copy_session();
CREATE TRIGGER session_staff_copy_session_on_move BEFORE UPDATE OF session_id ON homeward.session_staff
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id) EXECUTE FUNCTION homeward.session_member_copy_session();
CREATE TRIGGER session_participants_copy_session BEFORE INSERT ON homeward.session_participants
    FOR EACH ROW EXECUTE FUNCTION homeward.session_member_copy_session();
CREATE TRIGGER session_participants_copy_session_on_move BEFORE UPDATE OF session_id ON homeward.session_participants
    FOR EACH ROW WHEN (OLD.session_id IS DISTINCT FROM NEW.session_id) EXECUTE FUNCTION homeward.session_member_copy_session();

-- The sessions among the given ids that occupy their slot (planned or held), with their local
-- start and end day in the centre's time zone. Deliberately plpgsql (never inlined): the rule
-- queries below scan its result once, as the outer side of every join.
CREATE FUNCTION homeward.sessions_to_check(p_session_ids bigint[])
    RETURNS TABLE (id bigint, local_day date, local_end date, mode text, status text, centre_id bigint,
                   centre_code text, room_id bigint, requirement_id bigint, family_id bigint)
    LANGUAGE plpgsql STABLE ROWS 100
AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, (s.starts_at AT TIME ZONE c.time_zone)::date, (s.ends_at AT TIME ZONE c.time_zone)::date,
           s.mode, s.status, s.centre_id, c.code, s.room_id, s.requirement_id, s.family_id
    FROM (SELECT DISTINCT u.id FROM unnest(p_session_ids) AS u(id)) AS i
    JOIN homeward.sessions s ON s.id = i.id AND s.occupies
    JOIN homeward.centres c ON c.id = s.centre_id;
END $$;
COMMENT ON FUNCTION homeward.sessions_to_check(bigint[]) IS
    'Internal: the planned or held sessions among the given ids, with their local day; used by check_session_rules.';

-- The session rules, checked set-based for a batch of session ids. Only sessions that occupy
-- their slot (planned or held) are checked; cancelled and rescheduled sessions are history.
--
-- Plan shape matters: these queries run inside bulk loads, when the planner's statistics for
-- session_staff / session_participants are often stale (e.g. "empty"), and a hash join of a
-- whole table per session would be quadratic. Every query therefore starts from the batch
-- (sessions_to_check, scanned once) and reaches everything else through LATERAL subqueries
-- fenced with OFFSET 0: one index lookup per row whatever the statistics say.
CREATE FUNCTION homeward.check_session_rules(p_session_ids bigint[], p_check_staff boolean DEFAULT true,
                                             p_check_participants boolean DEFAULT true) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    r  record;
    r2 record;
BEGIN
    IF p_session_ids IS NULL OR cardinality(p_session_ids) = 0 THEN
        RETURN;
    END IF;

    IF p_check_participants THEN
        -- One pass over the participants of each session:
        --   sessions_room_capacity, session_participants_group_size, session_participants_in_family,
        --   session_participants_eligibility, and session_staff_child_clearance for a child just added.
        SELECT k.id, k.mode, rm.room_code, rm.capacity, q.req_code, q.min_age, q.max_age, q.req_sex,
               CASE k.mode WHEN 'individual' THEN 1 WHEN 'group' THEN q.group_max END AS size_limit,
               x.booked, x.ineligible, x.outsider, x.child
          INTO r
        FROM homeward.sessions_to_check(p_session_ids) k
        CROSS JOIN LATERAL (
            SELECT r1.code AS room_code, r1.capacity FROM homeward.rooms r1 WHERE r1.id = k.room_id OFFSET 0) rm
        LEFT JOIN LATERAL (
            SELECT q1.code AS req_code, q1.min_age, q1.max_age, q1.sex AS req_sex, q1.group_max
            FROM homeward.phase_requirements q1 WHERE q1.id = k.requirement_id OFFSET 0) q ON true
        CROSS JOIN LATERAL (
            SELECT count(*) AS booked,
                   (array_agg(format('%s (%s years, %s)', p.case_number, p.age, p.sex))
                        FILTER (WHERE (q.req_sex IS NOT NULL AND p.sex <> q.req_sex)
                                   OR (q.min_age IS NOT NULL AND p.age < q.min_age)
                                   OR (q.max_age IS NOT NULL AND p.age > q.max_age)))[1] AS ineligible,
                   (array_agg(p.case_number)
                        FILTER (WHERE k.mode = 'family' AND NOT EXISTS (
                            SELECT 1 FROM homeward.family_members fm WHERE fm.family_id = k.family_id AND fm.participant_id = sp.participant_id)))[1] AS outsider,
                   (array_agg(p.case_number) FILTER (WHERE p.age < 18))[1] AS child
            FROM homeward.session_participants sp
            CROSS JOIN LATERAL (
                SELECT p1.case_number, p1.sex, homeward.age_on(p1.birth_date, k.local_day) AS age
                FROM homeward.participants p1 WHERE p1.id = sp.participant_id OFFSET 0) p
            WHERE sp.session_id = k.id
            OFFSET 0) x
        WHERE x.booked > rm.capacity
           OR x.booked > CASE k.mode WHEN 'individual' THEN 1 WHEN 'group' THEN q.group_max END
           OR x.ineligible IS NOT NULL
           OR x.outsider IS NOT NULL
           OR (x.child IS NOT NULL AND EXISTS (
                   SELECT 1 FROM homeward.session_staff ss
                   WHERE ss.session_id = k.id
                     AND NOT (SELECT s1.may_work_with_children FROM homeward.staff s1 WHERE s1.id = ss.staff_id)))
        LIMIT 1;
        IF FOUND THEN
            IF r.booked > r.capacity THEN
                RAISE EXCEPTION 'sessions_room_capacity: session % has % participants but room % holds %', r.id, r.booked, r.room_code, r.capacity
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'sessions_room_capacity', SCHEMA = 'homeward', TABLE = 'session_participants';
            ELSIF r.booked > r.size_limit THEN
                RAISE EXCEPTION 'session_participants_group_size: % session % has % participants, at most % allowed', r.mode, r.id, r.booked, r.size_limit
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_participants_group_size', SCHEMA = 'homeward', TABLE = 'session_participants';
            ELSIF r.outsider IS NOT NULL THEN
                RAISE EXCEPTION 'session_participants_in_family: participant % is not a member of the family of session %', r.outsider, r.id
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_participants_in_family', SCHEMA = 'homeward', TABLE = 'session_participants';
            ELSIF r.ineligible IS NOT NULL THEN
                RAISE EXCEPTION 'session_participants_eligibility: participant % may not join session % (requirement %: ages %-%, sex %)',
                        r.ineligible, r.id, r.req_code, coalesce(r.min_age::text, 'any'), coalesce(r.max_age::text, 'any'), coalesce(r.req_sex, 'any')
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_participants_eligibility', SCHEMA = 'homeward', TABLE = 'session_participants';
            ELSE
                SELECT st.code INTO r2 FROM homeward.session_staff ss JOIN homeward.staff st ON st.id = ss.staff_id
                WHERE ss.session_id = r.id AND NOT st.may_work_with_children LIMIT 1;
                RAISE EXCEPTION 'session_staff_child_clearance: staff % is not cleared to work with children (session %, child %)', r2.code, r.id, r.child
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_child_clearance', SCHEMA = 'homeward', TABLE = 'session_participants';
            END IF;
        END IF;
    END IF;

    IF p_check_staff THEN
        -- One pass over the staff of each session:
        --   session_staff_works_at_centre, session_staff_active, session_staff_has_role,
        --   session_staff_child_clearance, session_staff_on_leave.
        SELECT k.id, k.centre_code, k.status, q.staff_role, q.requires_child_clearance, x.*
          INTO r
        FROM homeward.sessions_to_check(p_session_ids) k
        LEFT JOIN LATERAL (
            SELECT q1.staff_role, q1.requires_child_clearance
            FROM homeward.phase_requirements q1 WHERE q1.id = k.requirement_id OFFSET 0) q ON true
        CROSS JOIN LATERAL (
            SELECT st.code, st.active, st.may_work_with_children,
                   EXISTS (SELECT 1 FROM homeward.staff_centres sc WHERE sc.staff_id = ss.staff_id AND sc.centre_id = k.centre_id) AS works_here,
                   (q.staff_role IS NULL OR EXISTS (SELECT 1 FROM homeward.staff_roles sr WHERE sr.staff_id = ss.staff_id AND sr.role = q.staff_role)) AS has_role,
                   (SELECT l.id FROM homeward.staff_leave l
                     WHERE k.status = 'planned' AND l.staff_id = ss.staff_id AND l.during && daterange(k.local_day, k.local_end, '[]') LIMIT 1) AS leave_id,
                   CASE WHEN NOT st.may_work_with_children THEN
                       (SELECT (SELECT p1.case_number FROM homeward.participants p1
                                 WHERE p1.id = sp.participant_id AND homeward.age_on(p1.birth_date, k.local_day) < 18)
                          FROM homeward.session_participants sp
                         WHERE sp.session_id = k.id
                           AND (SELECT homeward.age_on(p1.birth_date, k.local_day) < 18 FROM homeward.participants p1 WHERE p1.id = sp.participant_id)
                         LIMIT 1) END AS child
            FROM homeward.session_staff ss
            CROSS JOIN LATERAL (
                SELECT s1.code, s1.active, s1.may_work_with_children FROM homeward.staff s1 WHERE s1.id = ss.staff_id OFFSET 0) st
            WHERE ss.session_id = k.id
            OFFSET 0) x
        WHERE NOT x.works_here
           OR (k.status = 'planned' AND NOT x.active)
           OR NOT x.has_role
           OR x.leave_id IS NOT NULL
           OR (NOT x.may_work_with_children AND (coalesce(q.requires_child_clearance, false) OR x.child IS NOT NULL))
        LIMIT 1;
        IF FOUND THEN
            IF NOT r.works_here THEN
                RAISE EXCEPTION 'session_staff_works_at_centre: staff % does not work at centre % (session %)', r.code, r.centre_code, r.id
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_works_at_centre', SCHEMA = 'homeward', TABLE = 'session_staff';
            ELSIF r.status = 'planned' AND NOT r.active THEN
                RAISE EXCEPTION 'session_staff_active: staff % is no longer active and cannot hold planned session %', r.code, r.id
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_active', SCHEMA = 'homeward', TABLE = 'session_staff';
            ELSIF NOT r.has_role THEN
                RAISE EXCEPTION 'session_staff_has_role: staff % does not have the role % needed for session %', r.code, r.staff_role, r.id
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_has_role', SCHEMA = 'homeward', TABLE = 'session_staff';
            ELSIF NOT r.may_work_with_children AND (coalesce(r.requires_child_clearance, false) OR r.child IS NOT NULL) THEN
                RAISE EXCEPTION 'session_staff_child_clearance: staff % is not cleared to work with children (session %, child %)',
                        r.code, r.id, coalesce(r.child, 'none yet; the requirement needs clearance')
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_child_clearance', SCHEMA = 'homeward', TABLE = 'session_staff';
            ELSE
                SELECT l.kind, l.first_day, l.last_day INTO r2 FROM homeward.staff_leave l WHERE l.id = r.leave_id;
                RAISE EXCEPTION 'session_staff_on_leave: staff % is away (%) from % to %, during session %',
                        r.code, r2.kind, r2.first_day, r2.last_day, r.id
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'session_staff_on_leave', SCHEMA = 'homeward', TABLE = 'session_staff';
            END IF;
        END IF;
    END IF;
END $$;
COMMENT ON FUNCTION homeward.check_session_rules(bigint[], boolean, boolean) IS
    'Checks the session rules a CHECK cannot express for the given sessions; raises check_violation with CONSTRAINT set to the rule name.';

-- Statement-level triggers feeding check_session_rules with the touched session ids.
CREATE FUNCTION homeward.session_rules_after_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'sessions' THEN
        -- a session that was moved to another room/centre, changed requirement, family or mode,
        -- or came back to life (cancelled -> planned). Time changes reach the members via the
        -- cascading foreign key and are checked by their triggers.
        SELECT array_agg(n.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.occupies
          AND ((n.room_id, n.centre_id, n.requirement_id, n.family_id, n.mode, n.occupies, n.status)
               IS DISTINCT FROM (o.room_id, o.centre_id, o.requirement_id, o.family_id, o.mode, o.occupies, o.status));
        PERFORM homeward.check_session_rules(v_ids);
    ELSE
        SELECT array_agg(DISTINCT n.session_id) INTO v_ids FROM new_rows n WHERE n.occupies;
        -- staff rows: staff rules (incl. child clearance); participant rows: participant rules (incl. child clearance)
        PERFORM homeward.check_session_rules(v_ids, TG_TABLE_NAME = 'session_staff', TG_TABLE_NAME = 'session_participants');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER session_staff_rules_on_insert AFTER INSERT ON homeward.session_staff
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_change();
CREATE TRIGGER session_staff_rules_on_update AFTER UPDATE ON homeward.session_staff
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_change();
CREATE TRIGGER session_participants_rules_on_insert AFTER INSERT ON homeward.session_participants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_change();
CREATE TRIGGER session_participants_rules_on_update AFTER UPDATE ON homeward.session_participants
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_change();
CREATE TRIGGER sessions_rules_on_update AFTER UPDATE ON homeward.sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_change();

-- Changes to reference data re-check the planned sessions that are still to come
-- (past and held sessions are history and are not re-judged).
CREATE FUNCTION homeward.session_rules_after_reference_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_ids bigint[];
BEGIN
    IF TG_TABLE_NAME = 'staff' THEN
        SELECT array_agg(DISTINCT ss.session_id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.session_staff ss ON ss.staff_id = n.id AND ss.occupies
        JOIN homeward.sessions s ON s.id = ss.session_id AND s.status = 'planned' AND s.ends_at > now()
        WHERE (n.may_work_with_children, n.active) IS DISTINCT FROM (o.may_work_with_children, o.active);
    ELSIF TG_TABLE_NAME IN ('staff_roles', 'staff_centres') THEN
        SELECT array_agg(DISTINCT ss.session_id) INTO v_ids
        FROM (SELECT DISTINCT o.staff_id FROM old_rows o) AS o
        JOIN homeward.session_staff ss ON ss.staff_id = o.staff_id AND ss.occupies
        JOIN homeward.sessions s ON s.id = ss.session_id AND s.status = 'planned' AND s.ends_at > now();
    ELSIF TG_TABLE_NAME = 'participants' THEN
        SELECT array_agg(DISTINCT sp.session_id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.session_participants sp ON sp.participant_id = n.id AND sp.occupies
        JOIN homeward.sessions s ON s.id = sp.session_id AND s.status = 'planned' AND s.ends_at > now()
        WHERE (n.birth_date, n.sex) IS DISTINCT FROM (o.birth_date, o.sex);
    ELSIF TG_TABLE_NAME = 'rooms' THEN
        SELECT array_agg(s.id) INTO v_ids
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        JOIN homeward.sessions s ON s.room_id = n.id AND s.status = 'planned' AND s.ends_at > now()
        WHERE n.capacity < o.capacity;
    ELSIF TG_TABLE_NAME = 'family_members' THEN
        SELECT array_agg(DISTINCT s.id) INTO v_ids
        FROM old_rows o
        JOIN homeward.sessions s ON s.family_id = o.family_id AND s.status = 'planned' AND s.ends_at > now();
    END IF;
    PERFORM homeward.check_session_rules(v_ids);
    RETURN NULL;
END $$;

CREATE TRIGGER staff_recheck_sessions AFTER UPDATE ON homeward.staff
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER staff_roles_recheck_sessions_on_delete AFTER DELETE ON homeward.staff_roles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER staff_roles_recheck_sessions_on_update AFTER UPDATE ON homeward.staff_roles
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER staff_centres_recheck_sessions_on_delete AFTER DELETE ON homeward.staff_centres
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER staff_centres_recheck_sessions_on_update AFTER UPDATE ON homeward.staff_centres
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER participants_recheck_sessions AFTER UPDATE ON homeward.participants
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER rooms_recheck_sessions AFTER UPDATE ON homeward.rooms
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER family_members_recheck_sessions_on_delete AFTER DELETE ON homeward.family_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();
CREATE TRIGGER family_members_recheck_sessions_on_update AFTER UPDATE ON homeward.family_members
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.session_rules_after_reference_change();

-- Attendance only for sessions that have started and still take (or took) place.
CREATE FUNCTION homeward.attendance_check_session() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    SELECT s.id, s.status, s.starts_at INTO r
    FROM (SELECT DISTINCT n.session_id FROM new_rows n) AS n
    JOIN homeward.sessions s ON s.id = n.session_id
    WHERE NOT s.occupies OR s.starts_at > now()
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'attendance_session_took_place: cannot record attendance for session % (status %, starts %)', r.id, r.status, r.starts_at
            USING ERRCODE = 'check_violation', CONSTRAINT = 'attendance_session_took_place', SCHEMA = 'homeward', TABLE = 'attendance';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER attendance_session_took_place_on_insert AFTER INSERT ON homeward.attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.attendance_check_session();
CREATE TRIGGER attendance_session_took_place_on_update AFTER UPDATE ON homeward.attendance
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION homeward.attendance_check_session();

------------------------------------------------------------------------------------------------
-- Error names -> sentences for the Swift error mapper (constraint names and trigger rule names).
-- Unique-index names appear as the constraint name of a unique_violation.
------------------------------------------------------------------------------------------------
--
-- SQLSTATE: 23P01 exclusion, 23505 unique, 23503 foreign key, 23514 check and trigger rules.
-- A foreign key error raised by UPDATE/DELETE of the referenced row (message starts with
-- "update or delete on table") means "it is still in use" rather than "does not exist".
--
-- Double booking and time overlaps
-- sessions_room_no_overlap: this room is already booked for another session at that time
-- session_staff_no_overlap: this staff member already has a session at that time
-- session_participants_no_overlap: this participant already has a session at that time
-- staff_leave_no_overlap: this staff member already has leave recorded on some of these days
-- staff_availability_no_overlap: this staff member is already available somewhere else at that time on that weekday
-- participant_placements_no_overlap: this participant is already placed somewhere else during these dates
-- school_enrolments_no_overlap: this child is already enrolled in a school during these dates
-- centre_opening_hours_no_overlap: these opening hours overlap other opening hours of the centre on that day
-- centre_opening_hours_key: the centre already has opening hours starting at that time on that day
--
-- Session rules (triggers)
-- sessions_room_capacity: the room is too small for the number of participants booked
-- session_participants_group_size: the session already has the maximum number of participants (one for an individual session)
-- session_participants_in_family: only members of the session's family can be added to a family session
-- session_participants_eligibility: this participant's age or sex does not fit this session (e.g. a child in an adults-only group)
-- session_staff_works_at_centre: this staff member does not work at the centre where the session takes place
-- session_staff_active: this staff member is no longer active and cannot hold planned sessions
-- session_staff_has_role: this staff member does not have the professional role this session needs
-- session_staff_child_clearance: this staff member is not cleared to work with children, and the session includes a child (or requires clearance)
-- session_staff_on_leave: this staff member is on leave on the day of the session
-- attendance_session_took_place: attendance can only be recorded for a session that has started and was not cancelled or moved
-- sessions_room_in_centre_fk: this room does not belong to the chosen centre
-- sessions_matches_requirement_fk: the session type or mode does not match the programme requirement it is meant to fulfil
-- sessions_centre_fk: unknown centre (or the centre still has sessions)
-- sessions_family_fk: unknown family (or the family still has sessions)
-- sessions_replaced_by_fk: the replacement session does not exist (or this session is named as a replacement)
-- session_staff_session_fk: the session does not exist
-- session_participants_session_fk: the session does not exist
-- session_staff_staff_fk: unknown staff member (or the staff member still has sessions)
-- session_participants_participant_fk: unknown participant (or the participant still has sessions)
-- session_staff_pkey: this staff member is already on this session
-- session_participants_pkey: this participant is already booked into this session
-- sessions_ends_after_starts: a session must end after it starts
-- sessions_at_most_8_hours: a session cannot last more than 8 hours
-- sessions_session_type_check: unknown session type
-- sessions_mode_check: the mode must be individual, group or family
-- sessions_status_check: the status must be planned, held, cancelled or rescheduled
-- sessions_cancelled_by_check: "cancelled by" must be staff, participant, centre or other
-- sessions_cancellation_reason_required: say who cancelled the session and why
-- sessions_cancellation_only_when_cancelled: a cancellation reason can only be given for a cancelled or rescheduled session
-- sessions_replacement_iff_rescheduled: a rescheduled session must name its replacement, and only a rescheduled session can
-- sessions_not_replaced_by_itself: a session cannot be its own replacement
-- sessions_family_iff_family_mode: a family session must name the family, and only a family session can
-- sessions_id_during_occupies_key: (internal) session key used to keep staff and participant bookings in step
--
-- Attendance
-- attendance_participant_in_session_fk: this participant is not booked into this session (or attendance was already recorded for the booking being removed)
-- attendance_pkey: attendance for this participant in this session is already recorded
-- attendance_status_check: attendance must be attended, late, absent_excused or absent_unexcused
--
-- Centres and rooms
-- centres_code_key: another centre already uses this code
-- centres_code_format: a centre code uses capital letters, digits and dashes, 2 to 32 characters (e.g. AKT-RC)
-- centres_name_not_blank: the centre needs a name
-- centres_kind_check: the centre kind must be rehabilitation_centre, ngo_day_centre, prison or community_office
-- centres_time_zone_not_blank: the centre needs a time zone
-- centres_time_zone_known: unknown time zone; use a name such as Asia/Aqtau
-- centres_capacity_positive: the centre capacity must be at least 1
-- centre_opening_hours_centre_fk: unknown centre
-- centre_opening_hours_weekday_check: the weekday must be between 1 (Monday) and 7 (Sunday)
-- centre_opening_hours_opens_before_closes: the centre must open before it closes
-- centre_timetable_blocks_centre_fk: unknown centre
-- centre_timetable_blocks_weekday_check: the weekday must be between 1 (Monday) and 7 (Sunday)
-- centre_timetable_blocks_starts_before_ends: a timetable block must start before it ends
-- centre_timetable_blocks_label_not_blank: the timetable block needs a label (e.g. Lunch)
-- rooms_centre_fk: unknown centre (or the centre still has rooms)
-- rooms_code_key: this centre already has a room with this code
-- rooms_code_format: a room code uses capital letters, digits and dashes, 2 to 32 characters
-- rooms_id_centre_key: (internal) room key used to check that a session's room is in its centre
-- rooms_name_not_blank: the room needs a name
-- rooms_kind_check: the room kind must be counselling_room, classroom, group_hall, family_room or play_room
-- rooms_capacity_positive: the room capacity must be at least 1
--
-- Staff
-- staff_code_key: another staff member already uses this code
-- staff_code_format: a staff code uses capital letters, digits and dashes, 2 to 32 characters (e.g. ST-0042)
-- staff_name_not_blank: the staff member needs a given name and a family name
-- staff_languages_valid: give at least one language as a two-letter code (kk, ru, ar, uz, ky, tg, en, tr), without repeats
-- staff_weekly_hour_limit_range: the weekly hour limit must be more than 0 and at most 60
-- staff_roles_pkey: this staff member already has this role
-- staff_roles_role_check: unknown role
-- staff_roles_staff_fk: unknown staff member
-- staff_centres_pkey: this staff member is already registered at this centre
-- staff_centres_staff_fk: unknown staff member
-- staff_centres_centre_fk: unknown centre (or staff still work there)
-- staff_availability_works_at_centre_fk: this staff member does not work at that centre, so cannot be available there
-- staff_availability_weekday_check: the weekday must be between 1 (Monday) and 7 (Sunday)
-- staff_availability_starts_before_ends: availability must start before it ends
-- staff_availability_valid_dates: the last valid day cannot be before the first
-- staff_leave_staff_fk: unknown staff member
-- staff_leave_days_ordered: the last day of leave cannot be before the first
-- staff_leave_kind_check: the leave kind must be leave, sick, training or other
--
-- Participants, placements, consents, families
-- participants_case_number_key: another participant already has this case number
-- participants_case_number_format: a case number uses capital letters, digits and dashes, 2 to 32 characters (e.g. KZ-2019-0417)
-- participants_name_not_blank: the participant needs a given name and a family name
-- participants_sex_check: sex must be female or male
-- participants_languages_valid: give at least one language as a two-letter code (kk, ru, ar, uz, ky, tg, en, tr), without repeats
-- participants_legal_situation_check: the legal situation must be free, under_investigation, in_custody or convicted
-- participants_sentence_only_when_convicted: give the sentence end date for a convicted person, and only for a convicted person
-- participants_status_check: unknown participant status
-- participants_birth_before_return: the date of birth cannot be after the date of return
-- participant_placements_participant_fk: unknown participant
-- participant_placements_centre_fk: unknown centre (or participants are placed there)
-- participant_placements_during_valid: a placement needs a start date and cannot be empty
-- consents_participant_fk: unknown participant
-- consents_kind_check: unknown consent kind
-- consents_given_by_not_blank: say who gave the consent
-- consents_withdrawn_after_given: a consent cannot be withdrawn before it was given
-- consents_one_current_per_kind: this participant already has a current consent of this kind
-- relatives_name_not_blank: the relative needs a given name and a family name
-- family_links_participant_fk: unknown participant
-- family_links_relative_fk: unknown relative
-- family_links_related_participant_fk: unknown related participant
-- family_links_exactly_one_person: link the participant to either a relative or another participant, not both or neither
-- family_links_not_self: a participant cannot be linked to themselves
-- family_links_relationship_check: unknown relationship
-- family_links_guardian_since_only_for_guardian: a guardianship date can only be given for a guardian
-- family_links_relative_key: this relative is already linked to this participant
-- family_links_related_participant_key: these two participants are already linked
-- families_label_not_blank: the family needs a name
-- family_members_pkey: this participant is already a member of this family
-- family_members_family_fk: unknown family
-- family_members_participant_fk: unknown participant
--
-- Programmes and enrolments
-- programmes_code_key: another programme already uses this code
-- programmes_code_format: a programme code uses capital letters, digits and dashes, 2 to 32 characters
-- programmes_name_not_blank: the programme needs a name
-- programmes_audience_check: the audience must be adult_women, children, adult_men or mixed
-- programmes_version_positive: the programme version must be 1 or more
-- programme_phases_programme_fk: unknown programme
-- programme_phases_code_key: this programme already has a phase with this code
-- programme_phases_code_format: a phase code uses capital letters, digits and dashes, 2 to 32 characters
-- programme_phases_ordinal_key: this programme already has a phase in that position
-- programme_phases_id_programme_key: (internal) phase key used to check enrolments
-- programme_phases_ordinal_positive: phase positions start at 1
-- programme_phases_name_not_blank: the phase needs a name
-- programme_phases_duration_positive: the phase must last at least one day
-- programme_phases_review_interval_positive: the review interval must be at least one day
-- phase_requirements_phase_fk: unknown phase
-- phase_requirements_code_key: this phase already has a requirement with this code
-- phase_requirements_code_format: a requirement code uses capital letters, digits and dashes, 2 to 32 characters
-- phase_requirements_id_type_mode_key: (internal) requirement key used to check sessions
-- phase_requirements_session_type_check: unknown session type
-- phase_requirements_staff_role_check: unknown staff role
-- phase_requirements_mode_check: the mode must be individual, group or family
-- phase_requirements_group_size: group sessions need a minimum of at least 2 and a maximum not below it; individual and family sessions have no group size
-- phase_requirements_duration_check: a session lasts 15 to 240 minutes, in steps of 15
-- phase_requirements_sessions_per_week_range: sessions per week must be more than 0 and at most 14
-- phase_requirements_age_range: ages must be between 0 and 120, and the minimum age cannot be above the maximum
-- phase_requirements_sex_check: sex must be female, male or left empty
-- phase_requirements_room_kind_check: unknown room kind
-- phase_requirements_paediatric_only_role: a paediatric-only requirement must be held by a paediatric psychologist
-- enrolments_participant_fk: unknown participant (or the participant still has enrolments)
-- enrolments_programme_fk: unknown programme (or participants are still enrolled in it)
-- enrolments_phase_in_programme_fk: the chosen phase does not belong to this programme (or it still has enrolled participants)
-- enrolments_status_check: the enrolment status must be active, paused, completed or withdrawn
-- enrolments_phase_after_start: the current phase cannot start before the enrolment
-- enrolments_planned_end_after_start: the planned end cannot be before the start
-- enrolments_ended_when_closed: give an end date for a completed or withdrawn enrolment, and only for those
-- enrolments_end_after_start: the end date cannot be before the start
-- enrolments_one_open_per_programme: this participant is already enrolled (active or paused) in this programme
--
-- Schooling
-- schools_code_key: another school already uses this code
-- schools_code_format: a school code uses capital letters, digits and dashes, 2 to 32 characters
-- schools_name_not_blank: the school needs a name
-- school_enrolments_participant_fk: unknown participant
-- school_enrolments_school_fk: unknown school (or children are enrolled there)
-- school_enrolments_grade_range: the grade must be between 0 and 11
-- school_enrolments_shift_check: the shift must be morning or afternoon
-- school_enrolments_day_ordered: the school day must start before it ends
-- school_enrolments_weekdays_valid: school days must be weekdays 1 (Monday) to 7 (Sunday), at least one, without repeats
-- school_enrolments_dates_ordered: the last school day cannot be before the first
-- school_enrolments_status_check: the status must be enrolled, transferred, left or completed
-- school_enrolments_end_when_closed: give the last school day when a child is transferred, has left or completed
-- school_enrolments_id_participant_key: (internal) enrolment key used to check attendance
-- school_attendance_enrolment_fk: this school enrolment does not belong to this child
-- school_attendance_status_check: school attendance must be present, absent_excused or absent_unexcused
-- school_attendance_one_per_day: school attendance for this child on this day is already recorded
-- school_attendance_within_enrolment: this day is outside the child's school enrolment
--
-- Prison education
-- courses_code_key: another course already uses this code
-- courses_code_format: a course code uses capital letters, digits and dashes, 2 to 32 characters
-- courses_name_not_blank: the course needs a name
-- courses_centre_fk: unknown centre
-- courses_centre_is_prison: courses can only be attached to a prison
-- course_modules_course_fk: unknown course
-- course_modules_code_key: this course already has a module with this code
-- course_modules_code_format: a module code uses capital letters, digits and dashes, 2 to 32 characters
-- course_modules_ordinal_key: this course already has a module in that position
-- course_modules_id_course_key: (internal) module key used to check results
-- course_modules_ordinal_positive: module positions start at 1
-- course_modules_title_not_blank: the module needs a title
-- course_modules_expected_weeks_positive: a module must be expected to take at least one week
-- course_enrolments_participant_fk: unknown participant
-- course_enrolments_course_fk: unknown course (or people are enrolled in it)
-- course_enrolments_status_check: the status must be active, completed or withdrawn
-- course_enrolments_id_course_key: (internal) course enrolment key used to check module results
-- course_enrolments_one_active: this person is already actively enrolled in this course
-- module_completions_enrolment_fk: unknown course enrolment
-- module_completions_module_in_course_fk: this module is not part of the course the person is enrolled in
-- module_completions_result_check: the result must be passed, failed or incomplete
-- module_completions_score_range: the score must be between 0 and 100
-- module_completions_passed_once: this module is already recorded as passed for this enrolment
--
-- Progress
-- assessments_participant_fk: unknown participant
-- assessments_staff_fk: unknown staff member (or the staff member has recorded assessments)
-- assessments_kind_check: the assessment kind must be psychological, religious_views, educational, social, family or vocational
-- assessments_level_not_blank: the level cannot be blank (leave it empty instead)
-- assessments_summary_not_blank: the assessment needs a summary
-- milestones_participant_fk: unknown participant
-- milestones_kind_check: unknown milestone kind
-- milestones_once_per_day: this milestone is already recorded for this participant on that day
