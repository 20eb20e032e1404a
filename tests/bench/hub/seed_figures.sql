-- A realistic-size seed for the dashboard's queries (hub/figures.h), for
-- EXPLAIN and timings: 20 regions, 500 stores with a kiosk each, :n
-- complaints filed over the year before 2026-12-01 (China time), ~2.2
-- events and ~0.6 platform updates each, a heartbeat per kiosk. Run on a
-- migrated database:
--   psql -v n=1000000 -d DB -f tests/bench/hub/seed_figures.sql
-- Outcomes: 60 % settled at the desk, 10 % not settled, 5 % withdrawn, the
-- rest open (with a platform status); 30 % reach the platform.
\set ON_ERROR_STOP on
BEGIN;
INSERT INTO regions (id, name) SELECT 'R' || r, 'region ' || r FROM generate_series(1, 20) r;
INSERT INTO stores (id, region_id, name) SELECT 'S' || s, 'R' || (1 + s % 20), 'store ' || s FROM generate_series(1, 500) s;
INSERT INTO kiosks (id, store_id, key) SELECT 'k' || s, 'S' || s, decode(repeat('ab', 32), 'hex') FROM generate_series(1, 500) s;

CREATE TEMP TABLE seed AS
SELECT gen_random_uuid() AS id, i, 1 + i % 500 AS store,
  timestamptz '2026-12-01 00:00+08' - make_interval(secs => (i::bigint * 31536000 / :n)) AS filed_at,
  (i::bigint * 7919) % 100 AS roll
FROM generate_series(1, :n) i;

INSERT INTO complaints (id, kiosk_id, store_id, ticket, filed_at, channel, business_name, business_credit_code,
  business_region_code, category_kind, category_code, problems, purchase_amount_fen, demand_types, status, status_at,
  case_no, deadline, deadline_estimated, personal_policy, payload)
SELECT id, 'k' || store, 'S' || store, 'A01-' || i, filed_at, 'self_service', 'business ' || (i % 5000),
  '91320106MA1ABC2B3T', '320106', 'goods', 'G0' || (i % 9), '{food_safety}', 1200, '{refund}',
  CASE WHEN roll < 60 THEN 'settled' WHEN roll < 70 THEN 'not_settled' WHEN roll < 75 THEN 'closed' ELSE 'mediating' END,
  filed_at + interval '3 days', CASE WHEN roll >= 60 THEN 'GZ-' || i END,
  (filed_at AT TIME ZONE 'Asia/Shanghai')::date + 14, false, 'none',
  jsonb_build_object('description', repeat('x', 600))
FROM seed;

INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload)
SELECT gen_random_uuid(), id, 'k' || store, 'first_response', filed_at + interval '1 hour', '{}' FROM seed;
INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload)
SELECT gen_random_uuid(), id, 'k' || store, CASE WHEN roll < 60 THEN 'settled' WHEN roll < 70 THEN 'not_settled' ELSE 'withdrawn' END,
  filed_at + interval '2 days', jsonb_build_object('data', jsonb_build_object('amount_fen', 1200)) FROM seed WHERE roll < 75;
INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload)
SELECT gen_random_uuid(), id, 'k' || store, 'satisfaction', filed_at + interval '3 days',
  jsonb_build_object('data', jsonb_build_object('score', 1 + i % 5)) FROM seed WHERE roll % 5 < 2;
INSERT INTO events (id, complaint_id, kiosk_id, type, at, payload)
SELECT gen_random_uuid(), id, 'k' || store, 'compensation_prepaid', filed_at + interval '30 minutes',
  jsonb_build_object('data', jsonb_build_object('amount_fen', 5000)) FROM seed WHERE roll % 20 = 3;

INSERT INTO platform_updates (id, complaint_id, kiosk_id, case_no, status, at)
SELECT gen_random_uuid(), id, 'k' || store, 'GZ-' || i, 'accepted', filed_at + interval '1 day' FROM seed WHERE roll >= 60 OR roll % 5 = 0;
INSERT INTO platform_updates (id, complaint_id, kiosk_id, status, at)
SELECT gen_random_uuid(), id, 'k' || store, CASE WHEN roll BETWEEN 60 AND 69 THEN 'not_settled' ELSE 'mediating' END,
  filed_at + interval '3 days' FROM seed WHERE roll >= 60;

WITH h AS (
  INSERT INTO heartbeats (kiosk_id, received_at, version, outbox, clock_offset_s)
  SELECT 'k' || s, timestamptz '2026-12-01 00:00+08' - make_interval(mins => s % 90), 'odr-kiosk 0.1.0',
    jsonb_build_array(jsonb_build_object('destination', 'gateway', 'pending', 0, 'held', s % 7 / 6)), 0
  FROM generate_series(1, 500) s RETURNING id, kiosk_id, received_at)
INSERT INTO kiosk_last_heartbeat (kiosk_id, heartbeat_id, received_at) SELECT kiosk_id, id, received_at FROM h;
COMMIT;
ANALYZE;
