-- Screen state (docs/queries.md#screens): trading.screen answers from trading.screen_states (0045_screen_state.sql)
-- the symbols whose state is complete and unchanged, and computes the others exactly (75_screen.sql).
-- - trading.refresh_screen_state(intervals) brings the state of each width up to the bucket holding now(): per symbol
--   its newest keep_bars bars, each with the values trading.screen returns for it, computed from the same bars as the
--   single-symbol functions after at least their warm-up (388 bars, or every bar from the symbol's first), so every
--   value equals calculate_rsi, calculate_moving_average, calculate_bollinger_bands and calculate_atr to ~1e-12.
--   It runs only when called: trading.refresh_aggregates calls it for the widths refreshed before.
-- - The triggers below record, per symbol, the earliest timestamp written (inserted, updated or deleted) before the
--   state's watched_to; a row appended after it costs one comparison. The screen uses no state row at or after
--   the bucket of that timestamp, and the next refresh recomputes from there.

-- Every statement that writes stock_prices holds this lock shared until its transaction ends; a refresh takes it
-- exclusively once, after raising watched_to, so every writer that still saw the old watched_to has committed (or
-- rolled back) before the refresh reads its first bar.
CREATE OR REPLACE FUNCTION trading.screen_state_lock_key()
RETURNS BIGINT
LANGUAGE sql IMMUTABLE AS $$ SELECT 7262718235106533001::BIGINT $$;
SELECT trading.pin_search_path('trading.screen_state_lock_key()');

-- Inserts. No INSERT trigger of stock_prices has a transition table: with one, TimescaleDB copies a COPY into a
-- hypertable row by row instead of in batches (docs/performance.md#live-subscriptions-live), so appends would pay
-- for the state even when nothing they write is late. Instead, a statement trigger takes the writers' lock and notes
-- the horizon in a transaction-local setting, and a row trigger whose WHEN compares each row with that horizon (read
-- once per statement, see below) records only the rows before it.
CREATE OR REPLACE FUNCTION trading.screen_state_begin_insert()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    watched TIMESTAMPTZ;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(trading.screen_state_lock_key());
    SELECT max(w.watched_to) INTO watched FROM trading.screen_state_widths AS w;
    -- A transaction with one snapshot may have read watched_to before a refresh raised it: record every row.
    IF watched IS NOT NULL AND current_setting('transaction_isolation') <> 'read committed' THEN
        watched := 'infinity';
    END IF;
    PERFORM set_config('trading.screen_state_watched_to', COALESCE(watched, '-infinity')::TEXT, true);
    RETURN NULL;
END
$$;

-- The horizon the statement trigger above noted. Declared IMMUTABLE on purpose: PostgreSQL evaluates an immutable
-- call once when it prepares a trigger's WHEN for a statement (after the statement triggers ran), so each row costs
-- one comparison. Used only there. Unset (a statement that bypassed the statement trigger): every row is recorded.
CREATE OR REPLACE FUNCTION trading.screen_state_statement_horizon()
RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT COALESCE(NULLIF(current_setting('trading.screen_state_watched_to', true), '')::TIMESTAMPTZ, 'infinity')
$$;

-- The row triggers of inserts (rows before the statement's horizon) and deletes (every row: hypertables have no
-- transition tables for DELETE; deletes are corrections, not the ingest path).
CREATE OR REPLACE FUNCTION trading.screen_state_record_row()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    any_time CONSTANT BOOLEAN := current_setting('transaction_isolation') <> 'read committed';
    written_symbol TEXT;
    written_at TIMESTAMPTZ;
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_advisory_xact_lock_shared(trading.screen_state_lock_key());
        written_symbol := OLD.symbol;
        written_at := OLD.timestamp;
    ELSE
        written_symbol := NEW.symbol;
        written_at := NEW.timestamp;
    END IF;
    -- A row at or after the change this transaction already recorded leaves the record as it is (a refresh cannot
    -- consume that record before the transaction ends: the transaction holds the writers' lock).
    INSERT INTO trading.screen_state_symbols AS s (width, symbol, changed_from, change_version)
    SELECT w.width, written_symbol, written_at, nextval('trading.screen_state_change_version')
    FROM trading.screen_state_widths AS w
    WHERE written_at < w.watched_to OR any_time
    ON CONFLICT (width, symbol) DO UPDATE
        SET changed_from = LEAST(s.changed_from, excluded.changed_from), change_version = excluded.change_version
        WHERE s.changed_from IS NULL OR excluded.changed_from < s.changed_from OR s.xmin <> pg_current_xact_id()::xid;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS screen_state_insert ON trading.stock_prices;
DROP TRIGGER IF EXISTS screen_state_begin_insert ON trading.stock_prices;
CREATE TRIGGER screen_state_begin_insert BEFORE INSERT ON trading.stock_prices
    FOR EACH STATEMENT EXECUTE FUNCTION trading.screen_state_begin_insert();
CREATE TRIGGER screen_state_insert AFTER INSERT ON trading.stock_prices
    FOR EACH ROW WHEN (NEW.timestamp < trading.screen_state_statement_horizon())
    EXECUTE FUNCTION trading.screen_state_record_row();

-- Updates (upserts that change rows, corrections): one statement trigger over the old and new rows.
CREATE OR REPLACE FUNCTION trading.screen_state_record_changes()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    watched TIMESTAMPTZ;
    earliest TIMESTAMPTZ;
    -- A transaction with one snapshot may have read watched_to before a refresh raised it: record everything.
    any_time CONSTANT BOOLEAN := current_setting('transaction_isolation') <> 'read committed';
BEGIN
    PERFORM pg_advisory_xact_lock_shared(trading.screen_state_lock_key());
    SELECT max(w.watched_to) INTO watched FROM trading.screen_state_widths AS w;
    IF watched IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT LEAST((SELECT min(n.timestamp) FROM screen_new_rows AS n), (SELECT min(o.timestamp) FROM screen_old_rows AS o))
    INTO earliest;
    IF earliest IS NULL OR (earliest >= watched AND NOT any_time) THEN
        RETURN NULL;
    END IF;
    INSERT INTO trading.screen_state_symbols AS s (width, symbol, changed_from, change_version)
    SELECT w.width, c.symbol, c.earliest, nextval('trading.screen_state_change_version')
    FROM (SELECT r.symbol, min(r.timestamp) AS earliest
          FROM (SELECT n.symbol::TEXT AS symbol, n.timestamp FROM screen_new_rows AS n
                UNION ALL SELECT o.symbol::TEXT, o.timestamp FROM screen_old_rows AS o) AS r
          GROUP BY 1) AS c
    JOIN trading.screen_state_widths AS w ON c.earliest < w.watched_to OR any_time
    ON CONFLICT (width, symbol) DO UPDATE
        SET changed_from = LEAST(s.changed_from, excluded.changed_from), change_version = excluded.change_version;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS screen_state_update ON trading.stock_prices;
CREATE TRIGGER screen_state_update AFTER UPDATE ON trading.stock_prices
    REFERENCING OLD TABLE AS screen_old_rows NEW TABLE AS screen_new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION trading.screen_state_record_changes();

-- TRUNCATE: every symbol's state is changed from its first bar.
CREATE OR REPLACE FUNCTION trading.screen_state_record_truncate()
RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(trading.screen_state_lock_key());
    UPDATE trading.screen_state_symbols AS s
    SET changed_from = '-infinity', change_version = nextval('trading.screen_state_change_version');
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS screen_state_delete ON trading.stock_prices;
CREATE TRIGGER screen_state_delete AFTER DELETE ON trading.stock_prices
    FOR EACH ROW EXECUTE FUNCTION trading.screen_state_record_row();
DROP FUNCTION IF EXISTS trading.screen_state_record_delete();
DROP TRIGGER IF EXISTS screen_state_truncate ON trading.stock_prices;
CREATE TRIGGER screen_state_truncate AFTER TRUNCATE ON trading.stock_prices
    FOR EACH STATEMENT EXECUTE FUNCTION trading.screen_state_record_truncate();

-- The bars of one symbol with a close, bucket start before p_to: at least p_warmup_bars before p_from (every bar
-- when there are fewer), then those from p_from; high and low as they are (NULL when a raw row had none).
-- exhausted: no bar of the symbol starts before the first one returned.
CREATE OR REPLACE FUNCTION trading.screen_state_bars(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                     p_warmup_bars INTEGER,
                                                     OUT buckets TIMESTAMPTZ[], OUT highs NUMERIC[], OUT lows NUMERIC[],
                                                     OUT closes NUMERIC[], OUT volumes BIGINT[], OUT exhausted BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lookback INTERVAL := p_width * ((p_warmup_bars + 1) * 1.25);
    earlier INTEGER;
BEGIN
    LOOP
        SELECT array_agg(b.bucket), array_agg(b.high), array_agg(b.low), array_agg(b.close), array_agg(b.volume),
               count(*) FILTER (WHERE b.bucket < p_from)
        INTO buckets, highs, lows, closes, volumes, earlier
        FROM (SELECT f.* FROM trading.bars_by_width(p_symbol, p_width, p_from - lookback, p_to) AS f
              WHERE f.close IS NOT NULL ORDER BY f.bucket) AS b;
        IF earlier >= p_warmup_bars THEN
            exhausted := FALSE;
            RETURN;
        END IF;
        IF NOT trading.bars_exist_before(p_symbol, p_width, p_from - lookback) THEN
            exhausted := TRUE;
            RETURN;
        END IF;
        lookback := lookback * LEAST(8, GREATEST(2, CASE WHEN earlier > 0 THEN 1.25 * p_warmup_bars / earlier ELSE 4 END));
    END LOOP;
END
$$;

-- Recomputes the state of one symbol for bars with bucket start in [p_from, p_to) (p_from NULL: its newest
-- p_keep_bars bars before p_to) and keeps its newest p_keep_bars rows. A symbol with a bar lacking a high or a low
-- among the bars read gets no state (its ATR reads other bars than its RSI): the screen computes it exactly.
CREATE OR REPLACE FUNCTION trading.screen_state_compute(p_width INTERVAL, p_symbol TEXT, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                        p_keep_bars INTEGER)
RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    warmup CONSTANT INTEGER := 14 + trading.smoothing_warmup_bars(1.0 / 14);
    bars RECORD;
    total INTEGER;
    first_stored INTEGER;
    change DOUBLE PRECISION;
    range DOUBLE PRECISION;
    gain DOUBLE PRECISION := 0;
    loss DOUBLE PRECISION := 0;
    average_range DOUBLE PRECISION := 0;
    gains DOUBLE PRECISION[];
    losses DOUBLE PRECISION[];
    ranges DOUBLE PRECISION[];
    covered TIMESTAMPTZ;
    oldest_kept TIMESTAMPTZ;
    read_to TIMESTAMPTZ;
BEGIN
    IF p_from IS NULL THEN
        -- From scratch: the warm-up and the kept bars are read back from the bucket after the newest raw row (an
        -- index probe; the horizon when there is none), not from the horizon, which may be far after the data.
        SELECT time_bucket(p_width, r.timestamp, CASE WHEN p_width >= INTERVAL '1 day' THEN trading.exchange_time_zone() ELSE 'UTC' END)
               + CASE WHEN p_width >= INTERVAL '1 day' THEN INTERVAL '26 hours' ELSE p_width END
        INTO read_to
        FROM trading.stock_prices AS r WHERE r.symbol = p_symbol AND r.timestamp < p_to ORDER BY r.timestamp DESC LIMIT 1;
        read_to := LEAST(COALESCE(read_to, p_to), p_to);
    END IF;
    SELECT * INTO bars FROM trading.screen_state_bars(p_symbol, p_width, COALESCE(p_from, read_to), p_to,
                                                      warmup + CASE WHEN p_from IS NULL THEN p_keep_bars ELSE 0 END);
    total := COALESCE(array_length(bars.buckets, 1), 0);
    IF total = 0 OR EXISTS (SELECT FROM unnest(bars.highs, bars.lows) AS r(high, low) WHERE r.high IS NULL OR r.low IS NULL) THEN
        -- No bar before p_to at all (every bar is in the state), or no state.
        DELETE FROM trading.screen_states AS s WHERE s.width = p_width AND s.symbol = p_symbol;
        INSERT INTO trading.screen_state_symbols AS s (width, symbol, covered_from, read_from)
        VALUES (p_width, p_symbol, CASE WHEN total = 0 THEN '-infinity'::TIMESTAMPTZ END, NULL)
        ON CONFLICT (width, symbol) DO UPDATE SET covered_from = excluded.covered_from, read_from = NULL, newest_bucket = NULL;
        RETURN;
    END IF;
    -- Wilder's averages of gains, losses and true ranges, seeded with the simple average of the first 14.
    gains := array_fill(NULL::DOUBLE PRECISION, ARRAY[total]);
    losses := gains;
    ranges := gains;
    FOR seen IN 2 .. total LOOP
        change := (bars.closes[seen] - bars.closes[seen - 1])::DOUBLE PRECISION;
        range := GREATEST(bars.highs[seen] - bars.lows[seen], abs(bars.highs[seen] - bars.closes[seen - 1]),
                          abs(bars.lows[seen] - bars.closes[seen - 1]))::DOUBLE PRECISION;
        IF seen <= 15 THEN
            gain := gain + GREATEST(change, 0);
            loss := loss + GREATEST(-change, 0);
            average_range := average_range + range;
            IF seen = 15 THEN
                gain := gain / 14;
                loss := loss / 14;
                average_range := average_range / 14;
            END IF;
        ELSE
            gain := (gain * 13 + GREATEST(change, 0)) / 14;
            loss := (loss * 13 + GREATEST(-change, 0)) / 14;
            average_range := (average_range * 13 + range) / 14;
        END IF;
        IF seen >= 15 THEN
            gains[seen] := gain;
            losses[seen] := loss;
            ranges[seen] := average_range;
        END IF;
    END LOOP;
    -- Stored: the bars from p_from, each after a full warm-up (or every bar from the symbol's first).
    IF bars.exhausted THEN
        first_stored := 1;
        covered := '-infinity';
    ELSE
        first_stored := warmup + 1;
        covered := bars.buckets[first_stored];
    END IF;
    IF p_from IS NOT NULL THEN
        first_stored := GREATEST(first_stored, COALESCE((SELECT min(u.n) FROM unnest(bars.buckets) WITH ORDINALITY AS u(bucket, n)
                                                         WHERE u.bucket >= p_from), total + 1)::INTEGER);
        DELETE FROM trading.screen_states AS s WHERE s.width = p_width AND s.symbol = p_symbol AND s.bucket >= p_from;
    ELSE
        DELETE FROM trading.screen_states AS s WHERE s.width = p_width AND s.symbol = p_symbol;
    END IF;
    INSERT INTO trading.screen_states AS s
        (width, symbol, bucket, close, change, change_percent, rsi14, sma20, sma50, percent_b, bandwidth, atr14, volume,
         relative_volume, average_gain, average_loss, average_range)
    SELECT p_width, p_symbol, w.bucket, w.close, w.close - w.previous_close,
           ((w.close - w.previous_close) / NULLIF(w.previous_close, 0) * 100)::DOUBLE PRECISION,
           CASE WHEN w.n <= 14 THEN NULL WHEN w.loss = 0 THEN 100 ELSE 100 - 100 / (1 + w.gain / w.loss) END,
           CASE WHEN w.n >= 20 THEN w.average20::DOUBLE PRECISION END,
           CASE WHEN w.n >= 50 THEN w.average50::DOUBLE PRECISION END,
           CASE WHEN w.n >= 20 AND w.deviation20 > 0
                THEN ((w.close - w.average20 + 2 * w.deviation20) / (4 * w.deviation20))::DOUBLE PRECISION END,
           CASE WHEN w.n >= 20 AND w.average20 <> 0 THEN (4 * w.deviation20 / w.average20)::DOUBLE PRECISION END,
           CASE WHEN w.n > 14 THEN w.average_range END,
           w.volume,
           CASE WHEN w.n >= 20 THEN (w.volume / NULLIF(w.volume20, 0))::DOUBLE PRECISION END,
           w.gain, w.loss, w.average_range
    FROM (SELECT u.*, lag(u.close) OVER ordered AS previous_close,
                 avg(u.close) OVER (ordered ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS average20,
                 stddev_pop(u.close) OVER (ordered ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS deviation20,
                 avg(u.close) OVER (ordered ROWS BETWEEN 49 PRECEDING AND CURRENT ROW) AS average50,
                 avg(u.volume) OVER (ordered ROWS BETWEEN 19 PRECEDING AND CURRENT ROW) AS volume20
          FROM unnest(bars.buckets, bars.closes, bars.volumes, gains, losses, ranges) WITH ORDINALITY
               AS u(bucket, close, volume, gain, loss, average_range, n)
          WINDOW ordered AS (ORDER BY u.n)) AS w
    WHERE w.n >= first_stored;
    -- The newest p_keep_bars rows stay.
    SELECT s.bucket INTO oldest_kept FROM trading.screen_states AS s
    WHERE s.width = p_width AND s.symbol = p_symbol ORDER BY s.bucket DESC OFFSET p_keep_bars - 1 LIMIT 1;
    IF oldest_kept IS NOT NULL THEN
        DELETE FROM trading.screen_states AS s WHERE s.width = p_width AND s.symbol = p_symbol AND s.bucket < oldest_kept;
    END IF;
    INSERT INTO trading.screen_state_symbols AS s (width, symbol, covered_from, read_from)
    VALUES (p_width, p_symbol, covered, bars.buckets[1])
    ON CONFLICT (width, symbol) DO UPDATE
        SET covered_from = CASE WHEN p_from IS NULL OR s.covered_from IS NULL THEN excluded.covered_from ELSE s.covered_from END,
            read_from = LEAST(s.read_from, excluded.read_from);
    UPDATE trading.screen_state_symbols AS s
    SET covered_from = CASE WHEN oldest_kept IS NULL THEN s.covered_from ELSE GREATEST(s.covered_from, oldest_kept) END,
        (newest_bucket, close, change, change_percent, rsi14, sma20, sma50, percent_b, bandwidth, atr14, volume, relative_volume) =
        (SELECT t.bucket, t.close, t.change, t.change_percent, t.rsi14, t.sma20, t.sma50, t.percent_b, t.bandwidth, t.atr14,
                t.volume, t.relative_volume
         FROM trading.screen_states AS t WHERE t.width = p_width AND t.symbol = p_symbol ORDER BY t.bucket DESC LIMIT 1)
    WHERE s.width = p_width AND s.symbol = p_symbol;
END
$$;

-- The horizon a refresh brings a width to: the start of the bucket holding now() (days follow the exchange's calendar).
CREATE OR REPLACE FUNCTION trading.screen_state_next_horizon(p_width INTERVAL)
RETURNS TIMESTAMPTZ
LANGUAGE sql STABLE AS $$
    SELECT time_bucket(p_width, now(), CASE WHEN p_width >= INTERVAL '1 day' THEN trading.exchange_time_zone() ELSE 'UTC' END)
$$;
SELECT trading.pin_search_path('trading.screen_state_next_horizon(interval)');

-- trading.refresh_screen_state(intervals, keep_bars): brings the screen state of each interval (NULL: the intervals
-- refreshed before, or '5 minutes' when none was) up to the bucket holding now(), for every symbol with a raw row (and
-- every symbol that has state), keeping each symbol's newest keep_bars bars.
-- Call it outside a transaction block (it commits between steps):
--   CALL trading.refresh_screen_state(ARRAY['5 minutes']);
-- On the community edition it first refreshes the continuous aggregates the widths read, so no state is computed
-- from materialized rows that a pending refresh would change.
CREATE OR REPLACE PROCEDURE trading.refresh_screen_state(intervals TEXT[] DEFAULT NULL, keep_bars INTEGER DEFAULT 400)
LANGUAGE plpgsql AS $$
DECLARE
    warmup CONSTANT INTEGER := 14 + trading.smoothing_warmup_bars(1.0 / 14);
    bar_widths INTERVAL[];
    bar_width INTERVAL;
    new_horizons TIMESTAMPTZ[] := '{}';
    new_horizon TIMESTAMPTZ;
    old_horizon TIMESTAMPTZ;
    consumed BIGINT;
    levels TEXT[] := '{}';
    level TEXT;
    discover_from TIMESTAMPTZ;
    symbol_row RECORD;
    recompute_from TIMESTAMPTZ;
    zone CONSTANT TEXT := trading.exchange_time_zone();
    waited INTEGER := 0;
    community CONSTANT BOOLEAN := EXISTS (SELECT FROM pg_catalog.pg_settings AS g
                                          WHERE g.name = 'timescaledb.license' AND g.setting = 'timescale');
BEGIN
    IF keep_bars IS NULL OR keep_bars < 1 OR keep_bars > 100000 THEN
        RAISE EXCEPTION 'trading.refresh_screen_state: keep_bars must be between 1 and 100000, got %', COALESCE(keep_bars::TEXT, 'NULL')
            USING ERRCODE = '22023';
    END IF;
    IF intervals IS NULL THEN
        SELECT array_agg(w.width ORDER BY w.width) INTO bar_widths FROM trading.screen_state_widths AS w;
        bar_widths := COALESCE(bar_widths, ARRAY[INTERVAL '5 minutes']);
    ELSE
        SELECT array_agg(DISTINCT trading.parse_bar_interval(i.name)) INTO bar_widths FROM unnest(intervals) AS i(name);
    END IF;
    -- 1. Writes before the new horizons are recorded from now on.
    FOREACH bar_width IN ARRAY bar_widths LOOP
        new_horizon := trading.screen_state_next_horizon(bar_width);
        new_horizons := new_horizons || new_horizon;
        INSERT INTO trading.screen_state_widths AS w (width, watched_to) VALUES (bar_width, new_horizon)
        ON CONFLICT ON CONSTRAINT screen_state_widths_pkey DO UPDATE SET watched_to = GREATEST(w.watched_to, excluded.watched_to);
        IF community THEN
            levels := levels || CASE bar_width
                WHEN INTERVAL '1 minute' THEN ARRAY['stock_prices_1m']
                WHEN INTERVAL '5 minutes' THEN ARRAY['stock_prices_1m', 'stock_prices_5m']
                WHEN INTERVAL '1 hour' THEN ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h']
                WHEN INTERVAL '1 day' THEN ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d']
                ELSE '{}'::TEXT[] END;
        END IF;
    END LOOP;
    COMMIT;
    -- 2. Every writer that read the old watched_to has ended; the changes recorded up to here are the ones consumed.
    --    Polled rather than queued: a queued lock request would hold up every new writer behind it.
    WHILE NOT pg_try_advisory_xact_lock(trading.screen_state_lock_key()) LOOP
        waited := waited + 1;
        IF waited > 3000 THEN
            PERFORM pg_advisory_xact_lock(trading.screen_state_lock_key());
            EXIT;
        END IF;
        PERFORM pg_sleep(0.01);
    END LOOP;
    consumed := nextval('trading.screen_state_change_version');
    COMMIT;
    -- 3. The aggregates the widths read, lower levels first, so the state is computed from what the screen reads.
    FOREACH level IN ARRAY ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d'] LOOP
        CONTINUE WHEN level <> ALL (levels);
        CALL refresh_continuous_aggregate(format('trading.%I', level)::REGCLASS, NULL, NULL);
        COMMIT;
    END LOOP;
    -- 4. Per width: a symbol with state from its earliest change before the old horizon (else from the old horizon),
    --    any other symbol from scratch.
    FOR position IN 1 .. cardinality(bar_widths) LOOP
        bar_width := bar_widths[position];
        new_horizon := new_horizons[position];
        SELECT w.horizon INTO old_horizon FROM trading.screen_state_widths AS w WHERE w.width = bar_width;
        -- Every symbol with a raw row before the horizon (one index probe per symbol), and every symbol with state.
        SELECT min(p.timestamp) INTO discover_from FROM trading.stock_prices AS p;
        FOR symbol_row IN
            WITH RECURSIVE found AS (
                (SELECT p.symbol::TEXT AS symbol FROM trading.stock_prices AS p WHERE p.timestamp < new_horizon
                 ORDER BY p.symbol LIMIT 1)
                UNION ALL
                SELECT (SELECT p.symbol::TEXT FROM trading.stock_prices AS p
                        WHERE p.symbol > f.symbol AND p.timestamp < new_horizon ORDER BY p.symbol LIMIT 1)
                FROM found AS f WHERE f.symbol IS NOT NULL)
            SELECT d.symbol, s.covered_from, s.changed_from
            FROM (SELECT f.symbol FROM found AS f WHERE f.symbol IS NOT NULL
                  UNION SELECT s.symbol FROM trading.screen_state_symbols AS s WHERE s.width = bar_width) AS d
            LEFT JOIN trading.screen_state_symbols AS s ON s.width = bar_width AND s.symbol = d.symbol
        LOOP
            recompute_from := CASE WHEN old_horizon IS NULL OR symbol_row.covered_from IS NULL THEN NULL
                                   ELSE LEAST(old_horizon, time_bucket(bar_width, symbol_row.changed_from,
                                                                       CASE WHEN bar_width >= INTERVAL '1 day' THEN zone ELSE 'UTC' END)) END;
            IF recompute_from IS NOT NULL AND recompute_from <= symbol_row.covered_from THEN
                recompute_from := NULL;
            END IF;
            IF recompute_from IS NULL OR recompute_from < new_horizon THEN
                PERFORM trading.screen_state_compute(bar_width, symbol_row.symbol, recompute_from, new_horizon, keep_bars);
            END IF;
        END LOOP;
        UPDATE trading.screen_state_symbols AS s SET changed_from = NULL
        WHERE s.width = bar_width AND s.change_version <= consumed;
        UPDATE trading.screen_state_widths AS w SET horizon = new_horizon, refreshed_at = now(), discovered_from = discover_from
        WHERE w.width = bar_width;
        COMMIT;
    END LOOP;
END
$$;

DO $$
DECLARE
    extension_schema TEXT;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    EXECUTE format('ALTER FUNCTION trading.screen_state_bars(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER) SET search_path = pg_catalog, %I, pg_temp',
                   extension_schema);
    EXECUTE format('ALTER FUNCTION trading.screen_state_compute(INTERVAL, TEXT, TIMESTAMPTZ, TIMESTAMPTZ, INTEGER) SET search_path = pg_catalog, %I, pg_temp',
                   extension_schema);
END
$$;
