// Migrations are appended, never edited: a hub that ran version N must
// reach the same schema as a new one.
#include "schema.h"

#include "accounts.h"

namespace odr::hub {

namespace {

// pg_advisory_lock key: "odr-hub migrations".
const char* kLockKey = "7220115";

const char* kV1 = R"SQL(
CREATE TABLE regions (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text NOT NULL DEFAULT ''
);
CREATE TABLE stores (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  region_id text NOT NULL REFERENCES regions(id),
  name text NOT NULL DEFAULT ''
);
CREATE INDEX stores_region ON stores (region_id);
CREATE TABLE kiosks (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  store_id text NOT NULL REFERENCES stores(id),
  key bytea NOT NULL CHECK (length(key) = 32),
  added_at timestamptz NOT NULL DEFAULT now(),
  key_changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kiosks_store ON kiosks (store_id);

-- One row per complaint id (the protocol's idempotency key); a kiosk's
-- ticket is unique to it. Personal columns hold what data.personal allows.
CREATE TABLE complaints (
  id uuid PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kiosk_id text NOT NULL REFERENCES kiosks(id),
  store_id text NOT NULL REFERENCES stores(id),
  ticket text NOT NULL CHECK (length(ticket) BETWEEN 1 AND 32),
  filed_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  channel text NOT NULL CHECK (channel IN ('self_service', 'staff_assisted')),
  business_name text NOT NULL,
  business_credit_code text NOT NULL,
  business_region_code text NOT NULL CHECK (business_region_code ~ '^[0-9]{6}$'),
  category_kind text NOT NULL CHECK (category_kind IN ('goods', 'service')),
  category_code text NOT NULL,
  problems text[] NOT NULL,
  purchase_amount_fen bigint NOT NULL CHECK (purchase_amount_fen >= 0),
  demand_types text[] NOT NULL,
  demand_amount_fen bigint CHECK (demand_amount_fen >= 0),
  status text NOT NULL DEFAULT 'received' CHECK (status IN
    ('received', 'accepted', 'mediating', 'settled', 'not_settled', 'closed', 'transferred')),
  status_at timestamptz,
  case_no text,
  deadline date NOT NULL,
  deadline_estimated boolean NOT NULL,
  personal_policy text NOT NULL CHECK (personal_policy IN ('full', 'masked', 'none')),
  consumer_name text,
  consumer_phone text,
  consumer_address text,
  payload jsonb NOT NULL,
  UNIQUE (kiosk_id, ticket)
);
-- The dashboard: a store's complaints in a period; chain-wide periods; open
-- complaints by deadline (overdue, days left).
CREATE INDEX complaints_store_filed ON complaints (store_id, filed_at);
CREATE INDEX complaints_filed ON complaints (filed_at);
CREATE INDEX complaints_open_deadline ON complaints (deadline, store_id)
  WHERE status NOT IN ('settled', 'not_settled', 'closed');
-- The retention purge looks only at rows that still hold personal data.
CREATE INDEX complaints_personal_kept ON complaints (filed_at) WHERE personal_policy <> 'none';

CREATE TABLE events (
  id uuid PRIMARY KEY,
  complaint_id uuid NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
  kiosk_id text NOT NULL REFERENCES kiosks(id),
  type text NOT NULL CHECK (type IN
    ('first_response', 'settled', 'not_settled', 'compensation_prepaid', 'satisfaction', 'withdrawn')),
  at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  payload jsonb NOT NULL
);
CREATE INDEX events_complaint ON events (complaint_id, at);
CREATE INDEX events_type_at ON events (type, at);

CREATE TABLE heartbeats (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kiosk_id text NOT NULL REFERENCES kiosks(id),
  received_at timestamptz NOT NULL DEFAULT now(),
  version text NOT NULL,
  outbox jsonb NOT NULL,
  last_gateway_success timestamptz,
  clock_offset_s bigint NOT NULL,
  disk_free_bytes bigint CHECK (disk_free_bytes >= 0),
  printer text,
  last_complaint_at timestamptz
);
CREATE INDEX heartbeats_kiosk_time ON heartbeats (kiosk_id, received_at);
-- The latest per kiosk, kept by upsert: "kiosks not heard from" reads one row each.
CREATE TABLE kiosk_last_heartbeat (
  kiosk_id text PRIMARY KEY REFERENCES kiosks(id),
  heartbeat_id bigint NOT NULL REFERENCES heartbeats(id),
  received_at timestamptz NOT NULL
);
CREATE INDEX kiosk_last_heartbeat_time ON kiosk_last_heartbeat (received_at);

-- Seen nonces, shared by every hub process (the unique key is the replay check).
CREATE TABLE nonces (
  kiosk_id text NOT NULL,
  nonce text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (kiosk_id, nonce)
);
CREATE INDEX nonces_seen ON nonces (seen_at);
)SQL";

// Platform updates forwarded by kiosks (docs/protocol.md). The complaint
// keeps the latest case_no and status by their `at`; case_no_at tells an
// older update from a newer one, as status_at does for the status.
const char* kV2 = R"SQL(
CREATE TABLE platform_updates (
  id uuid PRIMARY KEY,
  complaint_id uuid NOT NULL REFERENCES complaints(id) ON DELETE CASCADE,
  kiosk_id text NOT NULL REFERENCES kiosks(id),
  case_no text CHECK (length(case_no) BETWEEN 1 AND 64),
  status text CHECK (status IN
    ('received', 'accepted', 'mediating', 'settled', 'not_settled', 'closed', 'transferred')),
  at timestamptz NOT NULL,
  note text CHECK (length(note) <= 500),
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK (case_no IS NOT NULL OR status IS NOT NULL)
);
CREATE INDEX platform_updates_complaint ON platform_updates (complaint_id, at);
ALTER TABLE complaints ADD COLUMN case_no_at timestamptz;
)SQL";

// The dashboard's facts per complaint (hub/figures.h says what each figure
// counts), folded in at intake (intake_db.cpp) so that a period's figures
// read one index and no events: measured at 1 M complaints, joining the
// events and updates at query time took ~11 s chain-wide for 90 days.
// The backfill folds what v1/v2 databases already hold, the same way.
const char* kV3 = R"SQL(
ALTER TABLE complaints
  ADD COLUMN desk_settled_at timestamptz,                     -- first settled event
  ADD COLUMN desk_not_settled boolean NOT NULL DEFAULT false, -- a not_settled event
  ADD COLUMN platform_status text CHECK (platform_status IN
    ('received', 'accepted', 'mediating', 'settled', 'not_settled', 'closed', 'transferred')),
  ADD COLUMN platform_status_at timestamptz,                  -- the platform's latest status, by at
  ADD COLUMN first_platform_at timestamptz,                   -- its first status
  ADD COLUMN outcome_at timestamptz,                          -- the first final outcome
  ADD COLUMN satisfaction smallint CHECK (satisfaction BETWEEN 1 AND 5),
  ADD COLUMN satisfaction_at timestamptz,                     -- the latest score's
  ADD COLUMN compensation_count integer NOT NULL DEFAULT 0,
  ADD COLUMN compensation_fen bigint NOT NULL DEFAULT 0;

UPDATE complaints c SET
  desk_settled_at = e.settled_at, desk_not_settled = e.not_settled, outcome_at = e.final_at,
  compensation_count = e.comp_n, compensation_fen = e.comp_fen, satisfaction = e.score, satisfaction_at = e.score_at
FROM (SELECT complaint_id,
        min(at) FILTER (WHERE type = 'settled') AS settled_at,
        bool_or(type = 'not_settled') AS not_settled,
        min(at) FILTER (WHERE type IN ('settled', 'not_settled', 'withdrawn')) AS final_at,
        count(*) FILTER (WHERE type = 'compensation_prepaid') AS comp_n,
        coalesce(sum((payload->'data'->>'amount_fen')::bigint) FILTER (WHERE type = 'compensation_prepaid'), 0) AS comp_fen,
        (array_agg((payload->'data'->>'score')::smallint ORDER BY at DESC) FILTER (WHERE type = 'satisfaction'))[1] AS score,
        max(at) FILTER (WHERE type = 'satisfaction') AS score_at
      FROM events GROUP BY complaint_id) e
WHERE c.id = e.complaint_id;

UPDATE complaints c SET
  platform_status = p.status, platform_status_at = p.status_at, first_platform_at = p.first_at,
  outcome_at = least(c.outcome_at, p.final_at)
FROM (SELECT complaint_id,
        (array_agg(status ORDER BY at DESC, id DESC))[1] AS status, max(at) AS status_at, min(at) AS first_at,
        min(at) FILTER (WHERE status IN ('settled', 'not_settled', 'closed')) AS final_at
      FROM platform_updates WHERE status IS NOT NULL GROUP BY complaint_id) p
WHERE c.id = p.complaint_id;

-- A period's figures: per store in filed_at order, every column they read
-- in the index (an index-only scan; chain and region scopes loop over
-- their stores). It replaces v1's plain (store_id, filed_at).
CREATE INDEX complaints_store_period ON complaints (store_id, filed_at) INCLUDE (deadline, desk_settled_at,
  desk_not_settled, platform_status, first_platform_at, outcome_at, satisfaction, compensation_count, compensation_fen);
DROP INDEX complaints_store_filed;
-- The deadline board: open complaints (no final outcome) by deadline.
CREATE INDEX complaints_open ON complaints (deadline, filed_at) WHERE outcome_at IS NULL;
DROP INDEX complaints_open_deadline;
)SQL";

// The first final outcome's China-local date, kept beside outcome_at: the
// on-time test compares it with the deadline, and converting outcome_at
// per row at query time was half of the chain-wide period query (~220 of
// ~430 ms at 1 M complaints, 90 days).
const char* kV4 = R"SQL(
ALTER TABLE complaints ADD COLUMN outcome_day date;
UPDATE complaints SET outcome_day = (outcome_at AT TIME ZONE 'Asia/Shanghai')::date WHERE outcome_at IS NOT NULL;
DROP INDEX complaints_store_period;
CREATE INDEX complaints_store_period ON complaints (store_id, filed_at) INCLUDE (deadline, desk_settled_at,
  desk_not_settled, platform_status, first_platform_at, outcome_day, satisfaction, compensation_count, compensation_fen);
)SQL";

// The deadline board reads every open complaint in deadline order: with
// the columns it shows in the partial index it is an index-only scan, where
// a plain one made PostgreSQL read the whole table once many were open
// (~2 s at 1 M complaints, 250 k open).
const char* kV5 = R"SQL(
CREATE INDEX complaints_open_board ON complaints (deadline, filed_at, id) INCLUDE (store_id, ticket, business_name,
  category_kind, category_code, status, case_no) WHERE outcome_at IS NULL;
DROP INDEX complaints_open;
)SQL";

// Intake writes each complaint row twice (its insert, then the fold of its
// events), each time into every index of complaints: keep only the indexes
// a query reads (EXPLAIN at 1 M, hub_bench). Periods read
// complaints_store_period, the board complaints_open_board, the purge
// complaints_personal_kept, kiosk look-ups the unique keys; figures read the
// facts folded into complaints (v3), never events by type. The board's
// counts (open_summary) get a narrow index of their own: counting 200 k open
// complaints in complaints_open_board, wide for the board's rows, took
// ~500 ms at 1 M, ~50 ms in this one (~12 ms for a region, by store).
const char* kV7 = R"SQL(
DROP INDEX complaints_filed;
DROP INDEX events_type_at;
CREATE INDEX complaints_open_count ON complaints (store_id, deadline) WHERE outcome_at IS NULL;
)SQL";


// The period figures' rollup: per store, China-local day of filing and
// deadline (one a day, bar a calendar change), the counts figures.h
// defines, so a chain-wide quarter reads ~500 stores x 90 days of rows
// instead of every complaint (~490 ms at 1 M, 90 days).
// - complaint_counts() is the one home of "what one complaint counts for";
//   a later change of the rules replaces it in a new migration and
//   rebuilds the rollup.
// - Triggers keep the rollup exact in the same transaction as the change:
//   every statement that inserts, updates or deletes complaints appends its
//   signed difference, one row per store and day it touched. Appending
//   takes no lock, so intake on two hubs never waits on a rollup row;
//   compact_figures (figures.h, once a minute) sums the rows back to one per
//   store and day.
// - "late" here is decided late only; "open" counts those with no outcome
//   yet, and the query adds those whose deadline is before today (which is
//   why the deadline is in the key). The deadline board counts from "open"
//   too (open_summary).
const char* kV8 = R"SQL(
CREATE TABLE store_day_figures (
  store_id text NOT NULL REFERENCES stores(id),
  day date NOT NULL,
  deadline date NOT NULL,
  received integer NOT NULL, on_spot integer NOT NULL, via_platform integer NOT NULL, not_settled integer NOT NULL,
  on_time integer NOT NULL, late integer NOT NULL,
  s1 integer NOT NULL, s2 integer NOT NULL, s3 integer NOT NULL, s4 integer NOT NULL, s5 integer NOT NULL,
  comp_n integer NOT NULL, comp_fen bigint NOT NULL, open integer NOT NULL
);
CREATE INDEX store_day_figures_store ON store_day_figures (store_id, day);
CREATE INDEX store_day_figures_day ON store_day_figures (day);
-- The deadline board's counts: the few rows that still hold open complaints.
CREATE INDEX store_day_figures_open ON store_day_figures (store_id, deadline) INCLUDE (open) WHERE open <> 0;

-- SETOF (always one row) so that PostgreSQL inlines it into the query that
-- calls it in FROM: called once per row instead, it was ~2 ms of each intake
-- statement.
CREATE FUNCTION complaint_counts(c complaints) RETURNS SETOF store_day_figures LANGUAGE sql STABLE ROWS 1 AS $$
  SELECT c.store_id, (c.filed_at AT TIME ZONE 'Asia/Shanghai')::date, c.deadline, 1,
    o.on_spot::int, (o.settled AND NOT o.on_spot)::int, (o.not_settled AND NOT o.settled)::int,
    coalesce(c.outcome_day <= c.deadline, false)::int, coalesce(c.outcome_day > c.deadline, false)::int,
    (c.satisfaction IS NOT DISTINCT FROM 1)::int, (c.satisfaction IS NOT DISTINCT FROM 2)::int,
    (c.satisfaction IS NOT DISTINCT FROM 3)::int, (c.satisfaction IS NOT DISTINCT FROM 4)::int,
    (c.satisfaction IS NOT DISTINCT FROM 5)::int, c.compensation_count, c.compensation_fen, (c.outcome_at IS NULL)::int
  FROM (SELECT
    coalesce(c.desk_settled_at IS NOT NULL AND (c.first_platform_at IS NULL OR c.desk_settled_at < c.first_platform_at),
             false) AS on_spot,
    c.platform_status IS NOT DISTINCT FROM 'settled' OR c.desk_settled_at IS NOT NULL AS settled,
    c.platform_status IS NOT DISTINCT FROM 'not_settled' OR c.desk_not_settled AS not_settled) o
$$;

-- One function for the three triggers. The rows each may name differ (an
-- INSERT has no old rows), hence three statements; each is static, so
-- PL/pgSQL plans it once per connection (planned per call with EXECUTE,
-- it was ~8 ms of every intake statement). An UPDATE that moved no count (a
-- status on the way, the purge) appends rows of zeros; compact_figures
-- drops them with the rest.
CREATE FUNCTION store_day_figures_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO store_day_figures SELECT (k).store_id, (k).day, (k).deadline, sum(sign * (k).received), sum(sign * (k).on_spot),
      sum(sign * (k).via_platform), sum(sign * (k).not_settled), sum(sign * (k).on_time), sum(sign * (k).late),
      sum(sign * (k).s1), sum(sign * (k).s2), sum(sign * (k).s3), sum(sign * (k).s4), sum(sign * (k).s5),
      sum(sign * (k).comp_n), sum(sign * (k).comp_fen::numeric), sum(sign * (k).open)
    FROM (SELECT 1 AS sign, k FROM new_rows n, complaint_counts(n) k) x GROUP BY 1, 2, 3;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO store_day_figures SELECT (k).store_id, (k).day, (k).deadline, sum(sign * (k).received), sum(sign * (k).on_spot),
      sum(sign * (k).via_platform), sum(sign * (k).not_settled), sum(sign * (k).on_time), sum(sign * (k).late),
      sum(sign * (k).s1), sum(sign * (k).s2), sum(sign * (k).s3), sum(sign * (k).s4), sum(sign * (k).s5),
      sum(sign * (k).comp_n), sum(sign * (k).comp_fen::numeric), sum(sign * (k).open)
    FROM (SELECT 1 AS sign, k FROM new_rows n, complaint_counts(n) k
          UNION ALL SELECT -1, k FROM old_rows o, complaint_counts(o) k) x GROUP BY 1, 2, 3;
  ELSE
    INSERT INTO store_day_figures SELECT (k).store_id, (k).day, (k).deadline, sum(sign * (k).received), sum(sign * (k).on_spot),
      sum(sign * (k).via_platform), sum(sign * (k).not_settled), sum(sign * (k).on_time), sum(sign * (k).late),
      sum(sign * (k).s1), sum(sign * (k).s2), sum(sign * (k).s3), sum(sign * (k).s4), sum(sign * (k).s5),
      sum(sign * (k).comp_n), sum(sign * (k).comp_fen::numeric), sum(sign * (k).open)
    FROM (SELECT -1 AS sign, k FROM old_rows o, complaint_counts(o) k) x GROUP BY 1, 2, 3;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER complaints_figures_insert AFTER INSERT ON complaints REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION store_day_figures_change();
CREATE TRIGGER complaints_figures_update AFTER UPDATE ON complaints REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION store_day_figures_change();
CREATE TRIGGER complaints_figures_delete AFTER DELETE ON complaints REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION store_day_figures_change();

INSERT INTO store_day_figures
SELECT k.store_id, k.day, k.deadline, sum(k.received), sum(k.on_spot), sum(k.via_platform), sum(k.not_settled),
  sum(k.on_time), sum(k.late), sum(k.s1), sum(k.s2), sum(k.s3), sum(k.s4), sum(k.s5), sum(k.comp_n), sum(k.comp_fen),
  sum(k.open)
FROM complaints c, complaint_counts(c) k GROUP BY 1, 2, 3;

-- The board's counts read the rollup now: one index fewer for intake to write.
DROP INDEX complaints_open_count;
)SQL";

// Two costs of every row intake writes that no query or rule needs (perf on
// hub_bench: foreign-key checks were ~19 % of PostgreSQL's CPU):
// - seq only orders a kiosk's own complaints when a ticket conflicts (the
//   answer names the kiosk's last ticket): that reads the kiosk's rows by
//   (kiosk_id, ticket) and sorts them, a rare error path. Its unique index
//   was one more btree insert a complaint.
// - An event's or update's kiosk_id is its complaint's kiosk (the insert
//   joins the complaint on it), and complaints.kiosk_id references kiosks
//   already, so no kiosk with complaints can go: the second reference was
//   one more check for every event.
const char* kV9 = R"SQL(
ALTER TABLE complaints DROP CONSTRAINT complaints_seq_key;
ALTER TABLE events DROP CONSTRAINT events_kiosk_id_fkey;
ALTER TABLE platform_updates DROP CONSTRAINT platform_updates_kiosk_id_fkey;
)SQL";

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = {{1, "regions, stores, kiosks, complaints, events, heartbeats, nonces", kV1},
                                             {2, "platform_updates", kV2},
                                             {3, "the dashboard's facts per complaint and their indexes", kV3},
                                             {4, "the outcome's local date in the period index", kV4},
                                             {5, "the deadline board's covering index", kV5},
                                             {6, "dashboard users, sessions and their audit", kAccountsSchemaSql},
                                             {7, "only the indexes a query reads; the open board's counts", kV7},
                                             {8, "the period figures' rollup per store and day", kV8},
                                             {9, "intake writes no unread index, checks no reference twice", kV9}};
  return all;
}

std::vector<int> migrate(PgConn& c) {
  std::vector<int> applied;
  // A session lock: the second process waits here, then finds nothing to do.
  c.exec(std::string("SELECT pg_advisory_lock(") + kLockKey + ")", {});
  try {
    c.exec_script(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    for (const Migration& m : migrations()) {
      PgTx tx(c);
      if (c.exec("SELECT 1 FROM schema_migrations WHERE version = $1", {std::to_string(m.version)}).rows() > 0) continue;
      c.exec_script(m.sql);
      c.exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", {std::to_string(m.version), m.name});
      tx.commit();
      applied.push_back(m.version);
    }
  } catch (...) {
    try {
      c.exec(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")", {});
    } catch (const PgError&) {
    }
    throw;
  }
  c.exec(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")", {});
  return applied;
}

void require_current_schema(PgConn& c) {
  const int want = migrations().back().version;
  int have = 0;
  try {
    have = static_cast<int>(c.exec("SELECT coalesce(max(version), 0) FROM schema_migrations", {}).integer(0, 0));
  } catch (const PgError& e) {
    if (e.sqlstate != "42P01") throw;  // 42P01: no such table, a database never migrated
  }
  if (have < want)
    throw PgError("the database is at schema version " + std::to_string(have) + ", this odr-hub needs " +
                  std::to_string(want) + ": run odr-hub migrate --config ...");
}

}  // namespace odr::hub
