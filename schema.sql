-- dhis2-sync database schema.
--
-- Applied by `dhis2-sync migrate` (and at every start of `serve`), which runs each section below
-- whose version is not yet recorded in schema_migrations, in order, each in its own transaction,
-- under an advisory lock so that two processes starting together cannot race. Sections are
-- append-only: never edit one that has shipped; add a new section instead. The migrator stores a
-- checksum of every section it applied and refuses to run if a shipped section was edited.
--
-- Secrets are never stored: instances keep a credential *reference* (env:VAR or file:PATH).

-- migrate: 1 instances, pairs, org units, data sets, runs, slices, conflict ledger, watermarks

CREATE TABLE instances (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    -- Base URL including any context path, without a trailing slash: https://hmis.example.org/dhis
    base_url        text NOT NULL CHECK (base_url ~ '^https?://[^/]' AND base_url !~ '/$'),
    auth_kind       text NOT NULL CHECK (auth_kind IN ('basic', 'token')),
    username        text,
    credential_ref  text NOT NULL CHECK (credential_ref ~ '^(env:[A-Za-z0-9_]+|file:.+)$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((auth_kind = 'basic') = (username IS NOT NULL))
);

CREATE TABLE pairs (
    id                  bigserial PRIMARY KEY,
    name                text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    source_id           bigint NOT NULL REFERENCES instances (id) ON DELETE RESTRICT,
    destination_id      bigint NOT NULL REFERENCES instances (id) ON DELETE RESTRICT,
    -- Data is read per org unit at this level, with children=true.
    org_unit_level      integer NOT NULL DEFAULT 3 CHECK (org_unit_level BETWEEN 1 AND 10),
    -- Only org units under these roots (uids); empty means the whole hierarchy.
    root_org_units      text[] NOT NULL DEFAULT '{}',
    -- Only these data sets (uids); empty means every data set of the source.
    data_set_filter     text[] NOT NULL DEFAULT '{}',
    include_deleted     boolean NOT NULL DEFAULT false,
    -- What a value deleted at the source does at the destination.
    deletion_policy     text NOT NULL DEFAULT 'propagate' CHECK (deletion_policy IN ('propagate', 'ignore')),
    id_scheme           text NOT NULL DEFAULT 'UID' CHECK (id_scheme IN ('UID', 'CODE')),
    batch_size          integer NOT NULL DEFAULT 5000 CHECK (batch_size BETWEEN 1 AND 1000000),
    -- Middleware mode: batches are posted here instead of to the destination.
    via_url             text CHECK (via_url IS NULL OR via_url ~ '^https?://[^/]'),
    enabled             boolean NOT NULL DEFAULT true,
    -- Overrides the configured scheduling interval of `serve`.
    interval_seconds    integer CHECK (interval_seconds IS NULL OR interval_seconds >= 60),
    refresh_analytics   boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (source_id <> destination_id)
);
CREATE INDEX pairs_source_idx ON pairs (source_id);
CREATE INDEX pairs_destination_idx ON pairs (destination_id);

-- The source's org units at the pair's level. Ones that vanish are marked inactive, never deleted:
-- runs and conflicts keep pointing at them.
CREATE TABLE pair_org_units (
    pair_id         bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    uid             text NOT NULL CHECK (uid ~ '^[A-Za-z][A-Za-z0-9]{10}$'),
    name            text NOT NULL,
    code            text,
    path            text NOT NULL,
    level           integer NOT NULL,
    parent_uid      text,
    active          boolean NOT NULL DEFAULT true,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair_id, uid)
);
-- `run --districts "Name A,Name B"` looks org units up by name.
CREATE INDEX pair_org_units_name_idx ON pair_org_units (pair_id, lower(name)) WHERE active;

CREATE TABLE pair_data_sets (
    pair_id         bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    uid             text NOT NULL CHECK (uid ~ '^[A-Za-z][A-Za-z0-9]{10}$'),
    name            text NOT NULL,
    code            text,
    period_type     text NOT NULL,
    active          boolean NOT NULL DEFAULT true,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair_id, uid)
);

CREATE TABLE runs (
    id                  bigserial PRIMARY KEY,
    pair_id             bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    kind                text NOT NULL CHECK (kind IN ('backlog', 'incremental', 'verify', 'retry')),
    state               text NOT NULL DEFAULT 'running'
                        CHECK (state IN ('running', 'done', 'failed', 'abandoned')),
    dry_run             boolean NOT NULL DEFAULT false,
    -- The period window (backlog) or the lastUpdated start (incremental) the run covers.
    window_start        date,
    window_end          date,
    last_updated_from   timestamptz,
    -- The source's clock at run start (serverDate of /api/system/info): the next watermark.
    source_server_date  timestamptz,
    values_read         bigint NOT NULL DEFAULT 0,
    imported            bigint NOT NULL DEFAULT 0,
    updated             bigint NOT NULL DEFAULT 0,
    ignored             bigint NOT NULL DEFAULT 0,
    deleted             bigint NOT NULL DEFAULT 0,
    conflicts           bigint NOT NULL DEFAULT 0,
    error               text,
    analytics_outcome   text,
    host                text,
    pid                 integer,
    started_at          timestamptz NOT NULL DEFAULT now(),
    finished_at         timestamptz,
    CHECK ((state = 'running') = (finished_at IS NULL))
);
CREATE INDEX runs_pair_started_idx ON runs (pair_id, started_at DESC);
CREATE INDEX runs_running_idx ON runs (pair_id) WHERE state = 'running';

-- The unit of work and of checkpointing: (data set, period or lastUpdated window, org unit at the
-- pair's level with children=true). planned -> running -> done | failed; failed slices are retried.
CREATE TABLE slices (
    id                  bigserial PRIMARY KEY,
    run_id              bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    pair_id             bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    data_set_uid        text NOT NULL,
    -- NULL for a lastUpdated window (incremental runs).
    period_id           text,
    org_unit_uid        text NOT NULL,
    state               text NOT NULL DEFAULT 'planned'
                        CHECK (state IN ('planned', 'running', 'done', 'failed')),
    attempts            integer NOT NULL DEFAULT 0,
    batches_done        integer NOT NULL DEFAULT 0,
    values_read         bigint NOT NULL DEFAULT 0,
    imported            bigint NOT NULL DEFAULT 0,
    updated             bigint NOT NULL DEFAULT 0,
    ignored             bigint NOT NULL DEFAULT 0,
    deleted             bigint NOT NULL DEFAULT 0,
    conflicts           bigint NOT NULL DEFAULT 0,
    last_error          text,
    started_at          timestamptz,
    finished_at         timestamptz,
    FOREIGN KEY (pair_id, data_set_uid) REFERENCES pair_data_sets (pair_id, uid),
    FOREIGN KEY (pair_id, org_unit_uid) REFERENCES pair_org_units (pair_id, uid)
);
CREATE UNIQUE INDEX slices_unique_idx ON slices (run_id, data_set_uid, coalesce(period_id, ''), org_unit_uid);
CREATE INDEX slices_run_state_idx ON slices (run_id, state);
CREATE INDEX slices_pending_idx ON slices (pair_id, state) WHERE state <> 'done';

-- The conflict ledger: one row per conflict and object the destination reported, with the source
-- data value the conflict points at (found through the conflict's indexes into the batch).
CREATE TABLE conflicts (
    id                      bigserial PRIMARY KEY,
    pair_id                 bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    run_id                  bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    slice_id                bigint REFERENCES slices (id) ON DELETE CASCADE,
    error_code              text,
    resource                text,
    object_uid              text,
    property                text,
    message                 text NOT NULL,
    value_index             integer,
    data_element            text,
    period                  text,
    org_unit                text,
    category_option_combo   text,
    attribute_option_combo  text,
    value                   text,
    -- Set when `conflicts retry` re-sent the value and the destination accepted it.
    resolved_at             timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conflicts_pair_code_idx ON conflicts (pair_id, error_code) WHERE resolved_at IS NULL;
CREATE INDEX conflicts_run_idx ON conflicts (run_id);
CREATE INDEX conflicts_slice_idx ON conflicts (slice_id);

-- Incremental sync: per (pair, data set), the source's clock up to which everything was delivered.
CREATE TABLE watermarks (
    pair_id         bigint NOT NULL,
    data_set_uid    text NOT NULL,
    last_updated    timestamptz NOT NULL,
    run_id          bigint REFERENCES runs (id) ON DELETE SET NULL,
    advanced_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pair_id, data_set_uid),
    FOREIGN KEY (pair_id, data_set_uid) REFERENCES pair_data_sets (pair_id, uid) ON DELETE CASCADE
);

-- migrate: 2 runs remember the org unit selection they were asked for, so a rerun resumes its own run; batches default to 2000 values

-- `run --districts "A,B"` plans only those org units; a rerun with the same window and the same
-- selection resumes the unfinished run instead of starting another. Empty: the pair's org units.
ALTER TABLE runs ADD COLUMN selection text NOT NULL DEFAULT '';
CREATE INDEX runs_resumable_idx ON runs (pair_id, kind, window_start, window_end, selection)
    WHERE state <> 'done';

-- A slice's periods are grouped by quarter: `slices.period_id` holds their ids, comma-separated.
-- Measured with scripts/bench-sync: 2000 values a batch was as fast as 5000 and held less memory.
ALTER TABLE pairs ALTER COLUMN batch_size SET DEFAULT 2000;

-- migrate: 3 id mappings between a pair's source and destination objects, and the quarantine of values that have none

-- How a source object is named at the destination, per pair and kind, in the pair's id scheme (UIDs or codes).
-- `suggest` writes proposals; only confirmed rows translate values.
CREATE TABLE id_mappings (
    id              bigserial PRIMARY KEY,
    pair_id         bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('dataElement', 'categoryOptionCombo', 'attributeOptionCombo',
                                                  'orgUnit', 'dataSet')),
    source_id       text NOT NULL CHECK (source_id <> ''),
    destination_id  text NOT NULL CHECK (destination_id <> ''),
    status          text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'confirmed')),
    matched_by      text NOT NULL CHECK (matched_by IN ('uid', 'code', 'name', 'manual')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (pair_id, kind, source_id)
);

-- Values a run did not send because an id had no confirmed mapping: the key as read from the source.
-- A retried slice quarantines the same value once per run.
CREATE TABLE quarantine (
    id                      bigserial PRIMARY KEY,
    pair_id                 bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    run_id                  bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    data_set                text NOT NULL,
    period                  text,
    org_unit                text,
    data_element            text,
    category_option_combo   text,
    attribute_option_combo  text,
    value                   text,
    deleted                 boolean NOT NULL DEFAULT false,
    reason                  text NOT NULL,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX quarantine_value_idx ON quarantine (run_id, data_set, coalesce(period, ''), coalesce(org_unit, ''),
    coalesce(data_element, ''), coalesce(category_option_combo, ''), coalesce(attribute_option_combo, ''));
CREATE INDEX quarantine_pair_idx ON quarantine (pair_id, run_id);

-- migrate: 4 middleware mode: how a pair authenticates to its --via URL, and the middleware's answer to every batch

-- Like instances, only a credential *reference* (env:VAR or file:PATH) is kept, never the secret.
-- A token is sent as `Authorization: Bearer …`, a password as HTTP Basic.
ALTER TABLE pairs
    ADD COLUMN via_auth_kind text NOT NULL DEFAULT 'none' CHECK (via_auth_kind IN ('none', 'basic', 'token')),
    ADD COLUMN via_username text,
    ADD COLUMN via_credential_ref text
        CHECK (via_credential_ref IS NULL OR via_credential_ref ~ '^(env:[A-Za-z0-9_]+|file:.+)$'),
    ADD CONSTRAINT pairs_via_auth_check CHECK (
        (via_auth_kind = 'none') = (via_credential_ref IS NULL)
        AND (via_auth_kind = 'basic') = (via_username IS NOT NULL)
        AND (via_url IS NOT NULL OR via_auth_kind = 'none')
    );

-- One row per batch posted to a pair's middleware: what was sent and what it answered. A 2xx is
-- `accepted` (the middleware queued it); anything else, or no answer (status NULL), failed the slice.
CREATE TABLE middleware_batches (
    id                  bigserial PRIMARY KEY,
    pair_id             bigint NOT NULL REFERENCES pairs (id) ON DELETE CASCADE,
    run_id              bigint NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    slice_id            bigint REFERENCES slices (id) ON DELETE CASCADE,
    -- Counts from 1 within one attempt of the slice.
    batch_number        integer NOT NULL CHECK (batch_number >= 1),
    import_strategy     text NOT NULL,
    value_count         integer NOT NULL CHECK (value_count >= 0),
    http_status         integer,
    accepted            boolean NOT NULL,
    -- The answer's start (or the transport error), at most 2000 characters.
    answer              text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX middleware_batches_run_idx ON middleware_batches (run_id);
CREATE INDEX middleware_batches_slice_idx ON middleware_batches (slice_id);
