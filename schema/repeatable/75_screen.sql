-- Screens across symbols (docs/queries.md#screens): trading.screen(interval, as_of, symbols) returns one row per
-- symbol for its last complete bar of the interval, with the indicators a scanner filters on. The bars are those of
-- trading.bars_by_width (69_bars_by_width.sql), so every value equals the single-symbol function for the same bar:
-- calculate_rsi(symbol, 14, ...), calculate_moving_average(20 and 50), calculate_bollinger_bands(20, 2) and
-- calculate_atr(14). Widths with an aggregate (1 minute, 5 minutes, 1 hour, 1 day) are read from it in one range
-- scan for all symbols (the materialized continuous aggregate on the community edition); other widths bucket the raw
-- rows per symbol through trading.bars_by_width.
-- Wilder's RSI and ATR are computed in closed form: after the seed (the simple average of the first 14 values) each
-- bar multiplies the average by 13/14 and adds a fourteenth of the new value, so at the last bar the average is the
-- sum of the values weighted by powers of 13/14. The same warm-up as the functions is read (388 bars, or all the
-- bars when a symbol has fewer), so the seed weighs less than 1e-12.

-- One pass over the bars with bucket start in [p_from, p_to) of p_symbols (NULL: every symbol with a bar there), one
-- row per symbol from its newest p_needed bars. used: how many bars were used (fewer than p_needed when the range held
-- fewer); ranges_complete: whether every used bar has a high and a low (ATR needs them).
CREATE OR REPLACE FUNCTION trading.screen_pass(p_width INTERVAL, p_symbols TEXT[], p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                               p_needed INTEGER)
RETURNS TABLE (symbol TEXT, "timestamp" TIMESTAMPTZ, close NUMERIC, change NUMERIC, change_percent DOUBLE PRECISION,
               rsi14 DOUBLE PRECISION, sma20 DOUBLE PRECISION, sma50 DOUBLE PRECISION, percent_b DOUBLE PRECISION,
               bandwidth DOUBLE PRECISION, atr14 DOUBLE PRECISION, volume BIGINT, relative_volume DOUBLE PRECISION,
               used INTEGER, ranges_complete BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    aggregate CONSTANT TEXT := trading.bar_aggregate(p_width);
    source TEXT;
BEGIN
    IF aggregate IS NOT NULL THEN
        source := format('SELECT a.symbol::TEXT COLLATE "C" AS symbol, a.bucket, a.high, a.low, a.close, a.volume FROM trading.%I AS a
                          WHERE a.bucket >= $1 AND a.bucket < $2 AND a.close IS NOT NULL', aggregate)
                  || CASE WHEN p_symbols IS NOT NULL THEN ' AND a.symbol = ANY ($3)' ELSE '' END;
    ELSE
        source := 'SELECT s.symbol COLLATE "C" AS symbol, b.bucket, b.high, b.low, b.close, b.volume
                   FROM unnest($3) AS s(symbol) CROSS JOIN LATERAL trading.bars_by_width(s.symbol, $4, $1, $2) AS b
                   WHERE b.close IS NOT NULL';
    END IF;
    -- weight: (13/14)^(bars after the seed bar, or after this bar when it is later), on every bar with a previous bar.
    RETURN QUERY EXECUTE format($sql$
        SELECT w.symbol::TEXT,
               max(w.bucket),
               max(w.close) FILTER (WHERE w.back = 1),
               max(w.close - w.previous_close) FILTER (WHERE w.back = 1),
               max(((w.close - w.previous_close) / NULLIF(w.previous_close, 0) * 100)::DOUBLE PRECISION) FILTER (WHERE w.back = 1),
               CASE WHEN max(w.used) <= 14 THEN NULL
                    WHEN sum(w.weight * GREATEST(-w.change_value, 0)) = 0 THEN 100
                    ELSE 100 - 100 / (1 + sum(w.weight * GREATEST(w.change_value, 0)) / sum(w.weight * GREATEST(-w.change_value, 0))) END,
               CASE WHEN max(w.used) >= 20 THEN (avg(w.close) FILTER (WHERE w.back <= 20))::DOUBLE PRECISION END,
               CASE WHEN max(w.used) >= 50 THEN (avg(w.close) FILTER (WHERE w.back <= 50))::DOUBLE PRECISION END,
               CASE WHEN max(w.used) >= 20 AND stddev_pop(w.close) FILTER (WHERE w.back <= 20) > 0
                    THEN ((max(w.close) FILTER (WHERE w.back = 1) - avg(w.close) FILTER (WHERE w.back <= 20)
                           + 2 * stddev_pop(w.close) FILTER (WHERE w.back <= 20))
                          / (4 * stddev_pop(w.close) FILTER (WHERE w.back <= 20)))::DOUBLE PRECISION END,
               CASE WHEN max(w.used) >= 20 AND avg(w.close) FILTER (WHERE w.back <= 20) <> 0
                    THEN (4 * stddev_pop(w.close) FILTER (WHERE w.back <= 20) / avg(w.close) FILTER (WHERE w.back <= 20))::DOUBLE PRECISION END,
               CASE WHEN max(w.used) > 14 THEN sum(w.weight * w.true_range) / 14 END,
               max(w.volume) FILTER (WHERE w.back = 1),
               CASE WHEN max(w.used) >= 20
                    THEN (max(w.volume) FILTER (WHERE w.back = 1) / NULLIF(avg(w.volume) FILTER (WHERE w.back <= 20), 0))::DOUBLE PRECISION END,
               max(w.used)::INTEGER,
               bool_and(w.high IS NOT NULL AND w.low IS NOT NULL)
        FROM (SELECT n.*,
                     CASE WHEN n.back < n.used THEN power(13.0::DOUBLE PRECISION / 14, LEAST(n.back - 1, n.used - 15)) END AS weight,
                     (n.close - n.previous_close)::DOUBLE PRECISION AS change_value,
                     GREATEST(n.high - n.low, abs(n.high - n.previous_close), abs(n.low - n.previous_close))::DOUBLE PRECISION AS true_range
              FROM (SELECT b.*, row_number() OVER newest_first AS back, lead(b.close) OVER newest_first AS previous_close,
                           LEAST(count(*) OVER (PARTITION BY b.symbol), %1$s) AS used
                    FROM (%2$s) AS b
                    WINDOW newest_first AS (PARTITION BY b.symbol ORDER BY b.bucket DESC)) AS n
              WHERE n.back <= %1$s) AS w
        GROUP BY w.symbol
        $sql$, p_needed, source)
        USING p_from, p_to, p_symbols, p_width;
END
$$;

-- One row per symbol: its last complete bar of p_interval (the bar's end at or before p_as_of) with close, change
-- from the bar before, RSI-14, SMA-20, SMA-50, Bollinger(20, 2) %B and bandwidth, ATR-14, volume and the volume
-- over its 20-bar average (this bar included). p_symbols NULL: every symbol known to trading.latest_stock_prices or
-- with a bar in the last 388 bar widths. A symbol without a complete bar has no row.
CREATE OR REPLACE FUNCTION trading.screen(p_interval TEXT, p_as_of TIMESTAMPTZ DEFAULT now(), p_symbols TEXT[] DEFAULT NULL)
RETURNS TABLE (symbol TEXT, "timestamp" TIMESTAMPTZ, close NUMERIC, change NUMERIC, change_percent DOUBLE PRECISION,
               rsi14 DOUBLE PRECISION, sma20 DOUBLE PRECISION, sma50 DOUBLE PRECISION, percent_b DOUBLE PRECISION,
               bandwidth DOUBLE PRECISION, atr14 DOUBLE PRECISION, volume BIGINT, relative_volume DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_variable
DECLARE
    width CONSTANT INTERVAL := trading.parse_bar_interval(p_interval);
    -- The warm-up of calculate_rsi and calculate_atr for period 14, plus the bar itself.
    needed CONSTANT INTEGER := 14 + trading.smoothing_warmup_bars(1.0 / 14) + 1;
    has_aggregate CONSTANT BOOLEAN := trading.bar_aggregate(width) IS NOT NULL;
    cutoff TIMESTAMPTZ;
    lookback INTERVAL;
    lower_bound TIMESTAMPTZ;
    pending TEXT[];
    universe TEXT[];
    seen TEXT[];
    short TEXT[];
    short_bars BIGINT;
    passes INTEGER := 0;
    bar RECORD;
    state_horizon TIMESTAMPTZ;
    state_discovered_from TIMESTAMPTZ;
BEGIN
    IF p_as_of IS NULL OR NOT isfinite(p_as_of) THEN
        RAISE EXCEPTION 'p_as_of must be a finite instant, got %', COALESCE(p_as_of::TEXT, 'NULL')
            USING ERRCODE = '22023', HINT = 'Leave it out for now(), or pass the instant the screen is as of.';
    END IF;
    -- The bucket holding p_as_of is not complete yet: bars start before it (a day or more: the exchange's calendar).
    cutoff := time_bucket(width, p_as_of, CASE WHEN width >= INTERVAL '1 day' THEN trading.exchange_time_zone() ELSE 'UTC' END);
    IF p_symbols IS NOT NULL THEN
        SELECT COALESCE(array_agg(DISTINCT s.name), '{}') INTO pending FROM unnest(p_symbols) AS s(name) WHERE s.name IS NOT NULL;
        universe := pending;
    ELSE
        SELECT COALESCE(array_agg(l.symbol::TEXT), '{}') INTO universe FROM trading.latest_stock_prices AS l;
    END IF;
    -- The symbols whose state (76_screen_state.sql) holds their last bar before cutoff, where nothing written since
    -- the state's refresh can have changed it, come from the state; the others go on to the computation below.
    SELECT w.horizon, w.discovered_from INTO state_horizon, state_discovered_from
    FROM trading.screen_state_widths AS w WHERE w.width = width;
    IF cutoff <= state_horizon
       AND (p_symbols IS NOT NULL OR cutoff - width * needed - INTERVAL '1 day' >= state_discovered_from) THEN
        -- Without p_symbols, the symbols the computation finds: those the latest prices know, and those with a bar
        -- in its first range (388 bar widths before cutoff; for other widths, raw rows from a day earlier).
        lower_bound := cutoff - width * needed;
        seen := '{}';
        FOR bar IN
            SELECT c.name, c.known, s.covered_from IS NOT NULL
                   AND (s.changed_from IS NULL
                        OR cutoff <= time_bucket(width, s.changed_from,
                                                 CASE WHEN width >= INTERVAL '1 day' THEN trading.exchange_time_zone() ELSE 'UTC' END))
                   AND (s.covered_from = '-infinity' OR t.bucket IS NOT NULL) AS usable,
                   t.*
            FROM (SELECT u.name, bool_or(u.known) AS known
                  FROM (SELECT l.name, TRUE AS known FROM unnest(universe) AS l(name)
                        UNION ALL
                        SELECT s.symbol, FALSE FROM trading.screen_state_symbols AS s WHERE s.width = width AND p_symbols IS NULL) AS u
                  GROUP BY u.name) AS c
            LEFT JOIN trading.screen_state_symbols AS s ON s.width = width AND s.symbol = c.name
            -- The symbol's newest row is copied into screen_state_symbols: a screen after it reads no other row.
            LEFT JOIN LATERAL (SELECT s.symbol, s.newest_bucket AS bucket, s.close, s.change, s.change_percent, s.rsi14,
                                      s.sma20, s.sma50, s.percent_b, s.bandwidth, s.atr14, s.volume, s.relative_volume
                               WHERE s.newest_bucket < cutoff
                               UNION ALL
                               (SELECT t.symbol, t.bucket, t.close, t.change, t.change_percent, t.rsi14, t.sma20, t.sma50,
                                       t.percent_b, t.bandwidth, t.atr14, t.volume, t.relative_volume
                                FROM trading.screen_states AS t
                                WHERE NOT s.newest_bucket < cutoff AND t.width = width AND t.symbol = c.name AND t.bucket < cutoff
                                ORDER BY t.bucket DESC LIMIT 1)) AS t ON TRUE
        LOOP
            -- Plain conditions first: a probe is a query planned on every call, which only these symbols need.
            IF NOT bar.known THEN
                IF bar.usable AND has_aggregate THEN
                    CONTINUE WHEN bar.bucket IS NULL OR bar.bucket < lower_bound;
                ELSIF bar.usable AND bar.bucket IS NULL THEN
                    CONTINUE;
                ELSIF has_aggregate THEN
                    CONTINUE WHEN NOT EXISTS (SELECT FROM trading.bars_by_width(bar.name, width, lower_bound, cutoff) AS b
                                              WHERE b.close IS NOT NULL);
                ELSE
                    CONTINUE WHEN NOT EXISTS (SELECT FROM trading.stock_prices AS r
                                              WHERE r.symbol = bar.name AND r.timestamp >= lower_bound - INTERVAL '1 day'
                                                AND r.timestamp < cutoff);
                END IF;
            END IF;
            IF NOT bar.usable THEN
                seen := seen || bar.name;
                CONTINUE;
            END IF;
            CONTINUE WHEN bar.bucket IS NULL;
            symbol := bar.symbol;
            "timestamp" := bar.bucket;
            close := bar.close;
            change := bar.change;
            change_percent := bar.change_percent;
            rsi14 := bar.rsi14;
            sma20 := bar.sma20;
            sma50 := bar.sma50;
            percent_b := bar.percent_b;
            bandwidth := bar.bandwidth;
            atr14 := bar.atr14;
            volume := bar.volume;
            relative_volume := bar.relative_volume;
            RETURN NEXT;
        END LOOP;
        IF cardinality(seen) = 0 THEN
            RETURN;
        END IF;
        pending := seen;
        universe := seen;
    END IF;
    lookback := width * needed;
    LOOP
        lower_bound := CASE WHEN lookback > INTERVAL '500 years' THEN '-infinity' ELSE cutoff - lookback END;
        IF pending IS NULL AND NOT has_aggregate THEN
            -- Raw widths read per symbol: every symbol with a row in the range, or known to the latest prices.
            SELECT COALESCE(array_agg(DISTINCT u.name), '{}') INTO pending
            FROM (SELECT unnest(universe) AS name
                  UNION SELECT DISTINCT s.symbol::TEXT FROM trading.stock_prices AS s
                        WHERE s.timestamp >= lower_bound - INTERVAL '1 day' AND s.timestamp < cutoff) AS u;
            universe := pending;
        END IF;
        seen := '{}';
        short := '{}';
        short_bars := 0;
        passes := passes + 1;
        FOR bar IN SELECT * FROM trading.screen_pass(width, pending, lower_bound, cutoff, needed) LOOP
            seen := seen || bar.symbol;
            -- Fewer bars than the warm-up in the range, and earlier ones may exist: read further back. After the first
            -- range (which only sizes the next one) a symbol goes on only while bars_exist_before says so.
            IF bar.used < needed AND isfinite(lower_bound)
               AND (passes = 1 OR trading.bars_exist_before(bar.symbol, width, lower_bound)) THEN
                short := short || bar.symbol;
                short_bars := short_bars + bar.used;
                CONTINUE;
            END IF;
            IF NOT bar.ranges_complete THEN
                -- A bar without a high or low: the ATR's bars differ from the others, so ask the function itself.
                bar.atr14 := (SELECT a.atr FROM trading.calculate_atr(bar.symbol, 14, p_interval, bar."timestamp", cutoff) AS a
                              WHERE a."timestamp" = bar."timestamp");
            END IF;
            symbol := bar.symbol;
            "timestamp" := bar."timestamp";
            close := bar.close;
            change := bar.change;
            change_percent := bar.change_percent;
            rsi14 := bar.rsi14;
            sma20 := bar.sma20;
            sma50 := bar.sma50;
            percent_b := bar.percent_b;
            bandwidth := bar.bandwidth;
            atr14 := bar.atr14;
            volume := bar.volume;
            relative_volume := bar.relative_volume;
            RETURN NEXT;
        END LOOP;
        -- Symbols of the screen without a bar in the range, whose bars (if any) are older.
        IF isfinite(lower_bound) THEN
            short := short || ARRAY(SELECT u.name FROM unnest(COALESCE(pending, universe)) AS u(name)
                                    WHERE u.name <> ALL (seen) AND trading.bars_exist_before(u.name, width, lower_bound));
        END IF;
        EXIT WHEN cardinality(short) = 0;
        pending := short;
        universe := short;
        -- Sized by the short symbols' average density, with room for a session's edges and a weekend.
        lookback := lookback * LEAST(8, GREATEST(2, CASE WHEN short_bars > 0 THEN 2.0 * needed * cardinality(short) / short_bars ELSE 4 END));
    END LOOP;
END
$$;

-- A fixed search_path like the indicator functions; the sort of a screen's bars (388 a symbol) stays in memory.
DO $$
DECLARE
    extension_schema TEXT;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    EXECUTE format('ALTER FUNCTION trading.screen_pass(INTERVAL, TEXT[], TIMESTAMPTZ, TIMESTAMPTZ, INTEGER) SET search_path = pg_catalog, %I, pg_temp',
                   extension_schema);
    EXECUTE format('ALTER FUNCTION trading.screen(TEXT, TIMESTAMPTZ, TEXT[]) SET search_path = pg_catalog, %I, pg_temp', extension_schema);
    ALTER FUNCTION trading.screen_pass(INTERVAL, TEXT[], TIMESTAMPTZ, TIMESTAMPTZ, INTEGER) SET work_mem = '64MB';
END
$$;
