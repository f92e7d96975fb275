-- Bars of any interval (docs/indicators.md), on every edition: the width grammar, the exchange zone, trading.bars and
-- bars_exist_before. trading.bars reads trading.bars_by_width (69_bars_by_width.sql, generated from the one bar
-- definition): the aggregate of the interval when there is one (continuous aggregates with real-time aggregation on
-- the community edition, views of the same names on apache), otherwise the raw rows bucketed with the aggregates'
-- expressions; intervals of a day or more are bucketed in the exchange time zone, like stock_prices_1d.

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
    aggregate CONSTANT TEXT := trading.bar_aggregate(p_width);
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
