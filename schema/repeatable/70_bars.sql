-- Bars of any interval and technical indicators over them (docs/indicators.md), on every edition.
-- trading.bars reads the aggregate of the interval when there is one (1 minute, 5 minutes, 1 hour,
-- 1 day: continuous aggregates with real-time aggregation on the community edition, views of the same
-- names on apache) and otherwise buckets the raw rows with the aggregates' expressions; intervals of a
-- day or more are bucketed in the exchange time zone, like stock_prices_1d.

-- A bar width, by the grammar Trading.Timescale.Queries.BarInterval.TryParse reads in C#, with the same meaning:
-- whole numbers (up to nine digits) and units (30s, 5m, 4h, 1d, 1w, 1y, '5 minutes', '1 hour 30 minutes', 1h30m;
-- any case), or an ISO 8601 duration (PT5M, P1D, P1W, P1Y2M); surrounding quotes and spaces are ignored. The width
-- is positive, and months or years come alone.
CREATE OR REPLACE FUNCTION trading.parse_bar_interval(p_interval TEXT)
RETURNS INTERVAL
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    unit CONSTANT TEXT := 's|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|mons?|months?|y|yrs?|years?';
    hint CONSTANT TEXT := 'Write a whole number and a unit such as 30s, 5m, 1h, 1d, 1w, ''5 minutes'' or ''1 hour 30 minutes'', or an ISO 8601 duration such as PT5M.';
    value TEXT;
    iso TEXT[];
    term TEXT[];
    months NUMERIC := 0;
    days NUMERIC := 0;
    micros NUMERIC := 0;
BEGIN
    IF p_interval IS NULL THEN
        RAISE EXCEPTION 'p_interval must not be NULL' USING ERRCODE = '22023', HINT = hint;
    END IF;
    value := regexp_replace(p_interval, '^\s+|\s+$', '', 'g');
    IF length(value) >= 2 AND left(value, 1) IN ('''', '"') AND right(value, 1) = left(value, 1) THEN
        value := regexp_replace(substr(value, 2, length(value) - 2), '^\s+|\s+$', '', 'g');
    END IF;
    IF value ~ '^-[0-9]' THEN
        RAISE EXCEPTION 'p_interval must be a positive interval, got ''%''', p_interval USING ERRCODE = '22023', HINT = hint;
    END IF;
    iso := regexp_match(value,
        '^P(?:([0-9]{1,9})Y)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})W)?(?:([0-9]{1,9})D)?(?:T(?=[0-9])(?:([0-9]{1,9})H)?(?:([0-9]{1,9})M)?(?:([0-9]{1,9})S)?)?$', 'i');
    IF iso IS NOT NULL AND array_remove(iso, NULL) = '{}' THEN
        RAISE EXCEPTION 'p_interval ''%'' is not an interval', p_interval USING ERRCODE = '22023', HINT = hint;
    END IF;
    IF iso IS NOT NULL THEN
        months := COALESCE(iso[1]::NUMERIC, 0) * 12 + COALESCE(iso[2]::NUMERIC, 0);
        days := COALESCE(iso[3]::NUMERIC, 0) * 7 + COALESCE(iso[4]::NUMERIC, 0);
        micros := COALESCE(iso[5]::NUMERIC, 0) * 3600000000 + COALESCE(iso[6]::NUMERIC, 0) * 60000000 + COALESCE(iso[7]::NUMERIC, 0) * 1000000;
    ELSIF value ~* ('^[0-9]{1,9}\s*(?:' || unit || ')(?:\s*,?\s*[0-9]{1,9}\s*(?:' || unit || '))*$') THEN
        FOR term IN SELECT regexp_matches(value, '([0-9]{1,9})\s*(' || unit || ')(?![a-zA-Z])', 'gi') LOOP
            CASE
                WHEN lower(term[2]) IN ('s', 'sec', 'secs', 'second', 'seconds') THEN micros := micros + term[1]::NUMERIC * 1000000;
                WHEN lower(term[2]) IN ('m', 'min', 'mins', 'minute', 'minutes') THEN micros := micros + term[1]::NUMERIC * 60000000;
                WHEN lower(term[2]) IN ('h', 'hr', 'hrs', 'hour', 'hours') THEN micros := micros + term[1]::NUMERIC * 3600000000;
                WHEN lower(term[2]) IN ('d', 'day', 'days') THEN days := days + term[1]::NUMERIC;
                WHEN lower(term[2]) IN ('w', 'week', 'weeks') THEN days := days + term[1]::NUMERIC * 7;
                WHEN lower(term[2]) IN ('mon', 'mons', 'month', 'months') THEN months := months + term[1]::NUMERIC;
                ELSE months := months + term[1]::NUMERIC * 12;
            END CASE;
        END LOOP;
    ELSE
        RAISE EXCEPTION 'p_interval ''%'' is not an interval', p_interval USING ERRCODE = '22023', HINT = hint;
    END IF;
    IF months > 2147483647 OR days > 2147483647 OR div(micros, 3600000000) > 2147483647 THEN
        RAISE EXCEPTION 'p_interval ''%'' is out of range', p_interval USING ERRCODE = '22023', HINT = hint;
    END IF;
    IF months <> 0 AND (days <> 0 OR micros <> 0) THEN
        RAISE EXCEPTION 'p_interval ''%'' mixes months with days or hours; use whole months or an interval without months', p_interval
            USING ERRCODE = '22023';
    END IF;
    IF months + days + micros = 0 THEN
        RAISE EXCEPTION 'p_interval must be a positive interval, got ''%''', p_interval USING ERRCODE = '22023', HINT = hint;
    END IF;
    RETURN make_interval(months => months::INTEGER, days => days::INTEGER, hours => div(micros, 3600000000)::INTEGER,
                         secs => mod(micros, 3600000000) / 1000000.0);
END
$$;
SELECT trading.pin_search_path('trading.parse_bar_interval(text)');

-- The exchange time zone the schema was installed with (daily buckets follow its calendar days).
CREATE OR REPLACE FUNCTION trading.exchange_time_zone()
RETURNS TEXT
LANGUAGE plpgsql STABLE AS $$
DECLARE
    zone TEXT;
BEGIN
    SELECT s.value INTO zone FROM trading.settings AS s WHERE s.name = 'exchange_time_zone';
    IF zone IS NULL THEN
        RAISE EXCEPTION 'trading.settings has no exchange_time_zone'
            USING ERRCODE = '22023', HINT = 'Run the schema migration, which stores the settings.';
    END IF;
    RETURN zone;
END
$$;
SELECT trading.pin_search_path('trading.exchange_time_zone()');

-- Bars of one symbol for an interval already parsed, bucket start in [p_from, p_to) (NULL: unbounded).
CREATE OR REPLACE FUNCTION trading.bars_by_width(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ)
RETURNS TABLE (bucket TIMESTAMPTZ, symbol TEXT, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT, vwap NUMERIC)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lower_bound CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
    upper_bound CONSTANT TIMESTAMPTZ := COALESCE(p_to, 'infinity');
    zone TEXT;
BEGIN
    IF p_width = INTERVAL '1 minute' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1m AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '5 minutes' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_5m AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '1 hour' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1h AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSIF p_width = INTERVAL '1 day' THEN
        RETURN QUERY SELECT a.bucket, a.symbol::TEXT, a.open, a.high, a.low, a.close, a.volume, a.vwap
            FROM trading.stock_prices_1d AS a
            WHERE a.symbol = p_symbol AND a.bucket >= lower_bound AND a.bucket < upper_bound ORDER BY a.bucket;
    ELSE
        -- A day or longer follows the exchange's calendar; shorter buckets are UTC-aligned like the aggregates.
        zone := CASE WHEN p_width >= INTERVAL '1 day' THEN trading.exchange_time_zone() ELSE 'UTC' END;
        -- Raw rows a bucket away on both sides cover every bucket that starts in the range (a day may last 25 hours).
        RETURN QUERY SELECT b.* FROM (
            SELECT time_bucket(p_width, s.timestamp, zone) AS bucket,
                   s.symbol::TEXT,
                   first(s.open_price, s.timestamp),
                   max(s.high_price),
                   min(s.low_price),
                   last(s.close_price, s.timestamp),
                   sum(s.volume)::BIGINT,
                   sum(s.vwap * s.volume) FILTER (WHERE s.vwap IS NOT NULL)
                       / NULLIF(sum(s.volume) FILTER (WHERE s.vwap IS NOT NULL), 0)
            FROM trading.stock_prices AS s
            WHERE s.symbol = p_symbol
              AND s.timestamp >= lower_bound - p_width - INTERVAL '1 day'
              AND s.timestamp < upper_bound + p_width + INTERVAL '1 day'
            GROUP BY 1, 2) AS b
            WHERE b.bucket >= lower_bound AND b.bucket < upper_bound ORDER BY b.bucket;
    END IF;
END
$$;
SELECT trading.pin_search_path('trading.bars_by_width(text, interval, timestamptz, timestamptz)');
-- Generic plans: the time bounds exclude chunks at executor start-up, without planning the
-- hypertable (or continuous aggregate) again on every call.
ALTER FUNCTION trading.bars_by_width(TEXT, INTERVAL, TIMESTAMPTZ, TIMESTAMPTZ) SET plan_cache_mode = force_generic_plan;

-- OHLCV bars of one symbol: one row per bucket with data, bucket start in [p_from, p_to), ordered by bucket.
CREATE OR REPLACE FUNCTION trading.bars(p_symbol TEXT, p_interval TEXT, p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE (bucket TIMESTAMPTZ, symbol TEXT, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT, vwap NUMERIC)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT * FROM trading.bars_by_width(p_symbol, trading.parse_bar_interval(p_interval), p_from, p_to);
END
$$;
SELECT trading.pin_search_path('trading.bars(text, text, timestamptz, timestamptz)');

-- Whether the symbol has a bar of this width starting before p_before (raw rows, or the aggregate,
-- which keeps history that retention dropped from the raw table).
CREATE OR REPLACE FUNCTION trading.bars_exist_before(p_symbol TEXT, p_width INTERVAL, p_before TIMESTAMPTZ)
RETURNS BOOLEAN
LANGUAGE plpgsql STABLE AS $$
DECLARE
    aggregate TEXT := CASE p_width WHEN INTERVAL '1 minute' THEN 'stock_prices_1m' WHEN INTERVAL '5 minutes' THEN 'stock_prices_5m'
                                   WHEN INTERVAL '1 hour' THEN 'stock_prices_1h' WHEN INTERVAL '1 day' THEN 'stock_prices_1d' END;
    found BOOLEAN;
BEGIN
    IF EXISTS (SELECT FROM trading.stock_prices AS s WHERE s.symbol = p_symbol AND s.timestamp < p_before) THEN
        RETURN TRUE;
    END IF;
    IF aggregate IS NULL THEN
        RETURN FALSE;
    END IF;
    EXECUTE format('SELECT EXISTS (SELECT FROM trading.%I AS a WHERE a.symbol = $1 AND a.bucket < $2)', aggregate)
        INTO found USING p_symbol, p_before;
    RETURN found;
END
$$;
SELECT trading.pin_search_path('trading.bars_exist_before(text, interval, timestamptz)');
