-- Bars of any interval and technical indicators over them (docs/indicators.md), on every edition.
-- trading.bars reads trading.bars_by_width (69_bars.sql, generated from the one bar definition): the aggregate of the
-- interval when there is one (continuous aggregates with real-time aggregation on the community edition, views of the
-- same names on apache), otherwise the raw rows bucketed with the aggregates' expressions; intervals of a day or more
-- are bucketed in the exchange time zone, like stock_prices_1d.
-- Indicators follow TA-Lib / Skender.Stock.Indicators: NULL during warm-up; windowed indicators are
-- computed in numeric, recursive ones (RSI, EMA, MACD, ATR) in double precision.
-- With p_from, a call reads warm-up bars before p_from: exactly the window for windowed indicators;
-- for recursive ones enough bars that the seed's weight is below 1e-12 (or all history when shorter).

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

-- OHLCV bars of one symbol: one row per bucket with data, bucket start in [p_from, p_to), ordered by bucket.
CREATE OR REPLACE FUNCTION trading.bars(p_symbol TEXT, p_interval TEXT, p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE (bucket TIMESTAMPTZ, symbol TEXT, open NUMERIC, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT, vwap NUMERIC)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT * FROM trading.bars_by_width(p_symbol, trading.parse_bar_interval(p_interval), p_from, p_to);
END
$$;

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

-- The bars an indicator reads, as parallel arrays in bucket order: with p_from, at least p_warmup_bars bars
-- before p_from (all earlier bars when there are fewer), then the bars up to p_to; without p_from, all bars
-- before p_to. Bars without a close (or, with p_need_range, without a high or low) are left out. One read in
-- the usual case: the look-back starts at the warm-up's length and grows by the bar density it found until it
-- is enough. highs and lows are NULL unless p_need_range. A recursive indicator loops over the arrays (PL/pgSQL
-- keeps them expanded: O(1) per element).
CREATE OR REPLACE FUNCTION trading.indicator_bar_arrays(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                        p_warmup_bars INTEGER, p_need_range BOOLEAN DEFAULT FALSE,
                                                        OUT buckets TIMESTAMPTZ[], OUT highs NUMERIC[], OUT lows NUMERIC[],
                                                        OUT closes NUMERIC[], OUT volumes BIGINT[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lookback INTERVAL := p_width * ((GREATEST(p_warmup_bars, 0) + 1) * 1.25);
    earlier INTEGER;
BEGIN
    IF p_from IS NULL OR NOT isfinite(p_from) OR p_warmup_bars <= 0 THEN
        SELECT array_agg(b.bucket), array_agg(b.high) FILTER (WHERE p_need_range), array_agg(b.low) FILTER (WHERE p_need_range),
               array_agg(b.close), array_agg(b.volume)
        INTO buckets, highs, lows, closes, volumes
        FROM (SELECT f.* FROM trading.bars_by_width(p_symbol, p_width, CASE WHEN p_warmup_bars <= 0 THEN p_from END, p_to) AS f
              WHERE f.close IS NOT NULL AND (NOT p_need_range OR (f.high IS NOT NULL AND f.low IS NOT NULL))
              ORDER BY f.bucket) AS b;
        RETURN;
    END IF;
    LOOP
        SELECT array_agg(b.bucket), array_agg(b.high) FILTER (WHERE p_need_range), array_agg(b.low) FILTER (WHERE p_need_range),
               array_agg(b.close), array_agg(b.volume), count(*) FILTER (WHERE b.bucket < p_from)
        INTO buckets, highs, lows, closes, volumes, earlier
        FROM (SELECT f.* FROM trading.bars_by_width(p_symbol, p_width, p_from - lookback, p_to) AS f
              WHERE f.close IS NOT NULL AND (NOT p_need_range OR (f.high IS NOT NULL AND f.low IS NOT NULL))
              ORDER BY f.bucket) AS b;
        EXIT WHEN earlier >= p_warmup_bars OR NOT trading.bars_exist_before(p_symbol, p_width, p_from - lookback);
        lookback := lookback * LEAST(8, GREATEST(2, CASE WHEN earlier > 0 THEN 1.25 * p_warmup_bars / earlier ELSE 4 END));
    END LOOP;
END
$$;

-- The same bars as rows, ordered by bucket (high and low NULL unless p_need_range).
CREATE OR REPLACE FUNCTION trading.indicator_bars(p_symbol TEXT, p_width INTERVAL, p_from TIMESTAMPTZ, p_to TIMESTAMPTZ,
                                                  p_warmup_bars INTEGER, p_need_range BOOLEAN DEFAULT FALSE)
RETURNS TABLE (bucket TIMESTAMPTZ, high NUMERIC, low NUMERIC, close NUMERIC, volume BIGINT)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY SELECT u.bucket, u.high, u.low, u.close, u.volume
        FROM trading.indicator_bar_arrays(p_symbol, p_width, p_from, p_to, p_warmup_bars, p_need_range) AS a
        CROSS JOIN LATERAL unnest(a.buckets, COALESCE(a.highs, '{}'), COALESCE(a.lows, '{}'), a.closes, a.volumes) WITH ORDINALITY AS u(bucket, high, low, close, volume, n)
        ORDER BY u.n;
END
$$;

-- Bars after which the seed of an exponential smoothing with factor p_alpha weighs less than 1e-12.
CREATE OR REPLACE FUNCTION trading.smoothing_warmup_bars(p_alpha DOUBLE PRECISION)
RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_alpha >= 1 THEN 0 ELSE ceil(ln(1e-12) / ln(1 - p_alpha))::INTEGER END
$$;

-- Raises the error for a period that is NULL or not positive, naming the argument.
CREATE OR REPLACE FUNCTION trading.require_period(p_name TEXT, p_value INTEGER)
RETURNS VOID
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_value IS NULL OR p_value <= 0 THEN
        RAISE EXCEPTION '% must be > 0, got %', p_name, COALESCE(p_value::TEXT, 'NULL')
            USING ERRCODE = '22023', HINT = 'Pass a period of at least 1 bar, such as 14.';
    END IF;
    IF p_value > 100000 THEN
        RAISE EXCEPTION '% must be at most 100000 bars, got %', p_name, p_value USING ERRCODE = '22023';
    END IF;
END
$$;

-- Relative strength index, Wilder's smoothing seeded with the simple average of the first N gains
-- and losses; the first value is on bar N+1; 100 when the average loss is 0.
CREATE OR REPLACE FUNCTION trading.calculate_rsi(p_symbol TEXT, p_period INTEGER, p_interval TEXT,
                                                 p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, rsi DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    buckets TIMESTAMPTZ[];
    closes NUMERIC[];
    change DOUBLE PRECISION;
    gain DOUBLE PRECISION;
    loss DOUBLE PRECISION;
    avg_gain DOUBLE PRECISION := 0;
    avg_loss DOUBLE PRECISION := 0;
    first_output CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    SELECT a.buckets, a.closes INTO buckets, closes
    FROM trading.indicator_bar_arrays(p_symbol, trading.parse_bar_interval(p_interval), p_from, p_to,
                                      p_period + trading.smoothing_warmup_bars(1.0 / p_period)) AS a;
    FOR seen IN 1 .. COALESCE(array_length(buckets, 1), 0) LOOP
        IF seen > 1 THEN
            change := (closes[seen] - closes[seen - 1])::DOUBLE PRECISION;
            gain := GREATEST(change, 0);
            loss := GREATEST(-change, 0);
            IF seen <= p_period + 1 THEN
                avg_gain := avg_gain + gain;
                avg_loss := avg_loss + loss;
                IF seen = p_period + 1 THEN
                    avg_gain := avg_gain / p_period;
                    avg_loss := avg_loss / p_period;
                END IF;
            ELSE
                avg_gain := (avg_gain * (p_period - 1) + gain) / p_period;
                avg_loss := (avg_loss * (p_period - 1) + loss) / p_period;
            END IF;
        END IF;
        IF buckets[seen] >= first_output THEN
            "timestamp" := buckets[seen];
            close_price := closes[seen];
            rsi := CASE WHEN seen <= p_period THEN NULL
                        WHEN avg_loss = 0 THEN 100
                        ELSE 100 - 100 / (1 + avg_gain / avg_loss) END;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- Exponential moving average seeded with the simple average of the first N closes (first value on bar N).
CREATE OR REPLACE FUNCTION trading.calculate_ema(p_symbol TEXT, p_period INTEGER, p_interval TEXT,
                                                 p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, ema DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
    bar RECORD;
    seen INTEGER := 0;
    alpha DOUBLE PRECISION;
    average DOUBLE PRECISION := 0;
    first_output CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    width := trading.parse_bar_interval(p_interval);
    alpha := 2.0 / (p_period + 1);
    FOR bar IN
        SELECT b.bucket, b.close
        FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_period + trading.smoothing_warmup_bars(alpha)) AS b
    LOOP
        seen := seen + 1;
        IF seen <= p_period THEN
            average := average + bar.close::DOUBLE PRECISION;
            IF seen = p_period THEN
                average := average / p_period;
            END IF;
        ELSE
            average := average + alpha * (bar.close::DOUBLE PRECISION - average);
        END IF;
        IF bar.bucket >= first_output THEN
            "timestamp" := bar.bucket;
            close_price := bar.close;
            ema := CASE WHEN seen >= p_period THEN average END;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- MACD: EMA(fast) - EMA(slow), each seeded with its simple average; the signal line is the EMA of
-- MACD over p_signal_period values, seeded with their simple average; histogram = MACD - signal.
CREATE OR REPLACE FUNCTION trading.calculate_macd(p_symbol TEXT, p_fast_period INTEGER, p_slow_period INTEGER,
                                                  p_signal_period INTEGER, p_interval TEXT,
                                                  p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, macd DOUBLE PRECISION, signal DOUBLE PRECISION, histogram DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
    bar RECORD;
    seen INTEGER := 0;
    price DOUBLE PRECISION;
    fast_alpha DOUBLE PRECISION;
    slow_alpha DOUBLE PRECISION;
    signal_alpha DOUBLE PRECISION;
    fast_ema DOUBLE PRECISION := 0;
    slow_ema DOUBLE PRECISION := 0;
    signal_ema DOUBLE PRECISION := 0;
    macd_seen INTEGER := 0;
    warmup INTEGER;
    first_output CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
BEGIN
    PERFORM trading.require_period('p_fast_period', p_fast_period);
    PERFORM trading.require_period('p_slow_period', p_slow_period);
    PERFORM trading.require_period('p_signal_period', p_signal_period);
    IF p_fast_period >= p_slow_period THEN
        RAISE EXCEPTION 'p_fast_period must be less than p_slow_period, got % and %', p_fast_period, p_slow_period
            USING ERRCODE = '22023', HINT = 'The usual periods are 12, 26 and 9.';
    END IF;
    width := trading.parse_bar_interval(p_interval);
    fast_alpha := 2.0 / (p_fast_period + 1);
    slow_alpha := 2.0 / (p_slow_period + 1);
    signal_alpha := 2.0 / (p_signal_period + 1);
    warmup := p_slow_period + p_signal_period + trading.smoothing_warmup_bars(fast_alpha)
              + trading.smoothing_warmup_bars(slow_alpha) + trading.smoothing_warmup_bars(signal_alpha);
    FOR bar IN
        SELECT b.bucket, b.close FROM trading.indicator_bars(p_symbol, width, p_from, p_to, warmup) AS b
    LOOP
        seen := seen + 1;
        price := bar.close::DOUBLE PRECISION;
        IF seen <= p_fast_period THEN
            fast_ema := fast_ema + price;
            IF seen = p_fast_period THEN fast_ema := fast_ema / p_fast_period; END IF;
        ELSE
            fast_ema := fast_ema + fast_alpha * (price - fast_ema);
        END IF;
        IF seen <= p_slow_period THEN
            slow_ema := slow_ema + price;
            IF seen = p_slow_period THEN slow_ema := slow_ema / p_slow_period; END IF;
        ELSE
            slow_ema := slow_ema + slow_alpha * (price - slow_ema);
        END IF;
        macd := NULL;
        signal := NULL;
        histogram := NULL;
        IF seen >= p_slow_period THEN
            macd := fast_ema - slow_ema;
            macd_seen := macd_seen + 1;
            IF macd_seen <= p_signal_period THEN
                signal_ema := signal_ema + macd;
                IF macd_seen = p_signal_period THEN
                    signal_ema := signal_ema / p_signal_period;
                END IF;
            ELSE
                signal_ema := signal_ema + signal_alpha * (macd - signal_ema);
            END IF;
            IF macd_seen >= p_signal_period THEN
                signal := signal_ema;
                histogram := macd - signal_ema;
            END IF;
        END IF;
        IF bar.bucket >= first_output THEN
            "timestamp" := bar.bucket;
            close_price := bar.close;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- MACD with the usual periods 12, 26 and 9.
CREATE OR REPLACE FUNCTION trading.calculate_macd(p_symbol TEXT, p_interval TEXT,
                                                  p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, macd DOUBLE PRECISION, signal DOUBLE PRECISION, histogram DOUBLE PRECISION)
LANGUAGE sql STABLE AS $$
    SELECT * FROM trading.calculate_macd(p_symbol, 12, 26, 9, p_interval, p_from, p_to)
$$;

-- Average true range, Wilder's smoothing seeded with the simple average of the first N true ranges.
-- The first bar has no previous close, so no true range; the first ATR is on bar N+1.
CREATE OR REPLACE FUNCTION trading.calculate_atr(p_symbol TEXT, p_period INTEGER, p_interval TEXT,
                                                 p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, high_price NUMERIC, low_price NUMERIC, close_price NUMERIC,
               true_range DOUBLE PRECISION, atr DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
    bar RECORD;
    seen INTEGER := 0;
    previous_close NUMERIC;
    range DOUBLE PRECISION;
    average DOUBLE PRECISION := 0;
    first_output CONSTANT TIMESTAMPTZ := COALESCE(p_from, '-infinity');
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    width := trading.parse_bar_interval(p_interval);
    FOR bar IN
        SELECT b.bucket, b.high, b.low, b.close
        FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_period + trading.smoothing_warmup_bars(1.0 / p_period), TRUE) AS b
    LOOP
        seen := seen + 1;
        range := NULL;
        IF seen > 1 THEN
            range := GREATEST(bar.high - bar.low, abs(bar.high - previous_close), abs(bar.low - previous_close))::DOUBLE PRECISION;
            IF seen <= p_period + 1 THEN
                average := average + range;
                IF seen = p_period + 1 THEN average := average / p_period; END IF;
            ELSE
                average := (average * (p_period - 1) + range) / p_period;
            END IF;
        END IF;
        previous_close := bar.close;
        IF bar.bucket >= first_output THEN
            "timestamp" := bar.bucket;
            high_price := bar.high;
            low_price := bar.low;
            close_price := bar.close;
            true_range := range;
            atr := CASE WHEN seen > p_period THEN average END;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- Simple moving average of the last N closes (first value on bar N), computed in numeric.
CREATE OR REPLACE FUNCTION trading.calculate_moving_average(p_symbol TEXT, p_period INTEGER, p_interval TEXT,
                                                            p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, moving_average DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    width := trading.parse_bar_interval(p_interval);
    RETURN QUERY
    SELECT w.bucket, w.close, CASE WHEN w.n >= p_period THEN w.average::DOUBLE PRECISION END
    FROM (SELECT b.bucket, b.close, row_number() OVER bars AS n,
                 avg(b.close) OVER (bars ROWS BETWEEN p_period - 1 PRECEDING AND CURRENT ROW) AS average
          FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_period - 1) AS b
          WINDOW bars AS (ORDER BY b.bucket)) AS w
    WHERE w.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY w.bucket;
END
$$;

-- Bollinger bands: the simple moving average of N closes, plus or minus k times their population
-- standard deviation (first value on bar N), computed in numeric.
CREATE OR REPLACE FUNCTION trading.calculate_bollinger_bands(p_symbol TEXT, p_period INTEGER, p_stddev_multiplier NUMERIC,
                                                             p_interval TEXT,
                                                             p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, middle_band DOUBLE PRECISION,
               upper_band DOUBLE PRECISION, lower_band DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
BEGIN
    PERFORM trading.require_period('p_period', p_period);
    IF p_stddev_multiplier IS NULL OR p_stddev_multiplier < 0 THEN
        RAISE EXCEPTION 'p_stddev_multiplier must be >= 0, got %', COALESCE(p_stddev_multiplier::TEXT, 'NULL')
            USING ERRCODE = '22023', HINT = 'The usual multiplier is 2.0.';
    END IF;
    width := trading.parse_bar_interval(p_interval);
    RETURN QUERY
    SELECT w.bucket, w.close,
           CASE WHEN w.n >= p_period THEN w.average::DOUBLE PRECISION END,
           CASE WHEN w.n >= p_period THEN (w.average + p_stddev_multiplier * w.deviation)::DOUBLE PRECISION END,
           CASE WHEN w.n >= p_period THEN (w.average - p_stddev_multiplier * w.deviation)::DOUBLE PRECISION END
    FROM (SELECT b.bucket, b.close, row_number() OVER bars AS n,
                 avg(b.close) OVER (bars ROWS BETWEEN p_period - 1 PRECEDING AND CURRENT ROW) AS average,
                 stddev_pop(b.close) OVER (bars ROWS BETWEEN p_period - 1 PRECEDING AND CURRENT ROW) AS deviation
          FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_period - 1) AS b
          WINDOW bars AS (ORDER BY b.bucket)) AS w
    WHERE w.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY w.bucket;
END
$$;

-- Fast stochastic oscillator: %K = 100 (close - lowest low) / (highest high - lowest low) over the
-- last p_k_period bars (0 when the highest high equals the lowest low, as TA-Lib and Skender do), first
-- on bar p_k_period; %D = simple average of the last p_d_period %K values, first on bar p_k_period + p_d_period - 1.
CREATE OR REPLACE FUNCTION trading.calculate_stochastic(p_symbol TEXT, p_k_period INTEGER, p_d_period INTEGER, p_interval TEXT,
                                                        p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, percent_k DOUBLE PRECISION, percent_d DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
BEGIN
    PERFORM trading.require_period('p_k_period', p_k_period);
    PERFORM trading.require_period('p_d_period', p_d_period);
    width := trading.parse_bar_interval(p_interval);
    RETURN QUERY
    SELECT s.bucket, s.close, s.k::DOUBLE PRECISION, s.d::DOUBLE PRECISION
    FROM (SELECT d.bucket, d.close, d.k,
                 CASE WHEN d.n >= p_k_period + p_d_period - 1
                      THEN avg(d.k) OVER (ORDER BY d.bucket ROWS BETWEEN p_d_period - 1 PRECEDING AND CURRENT ROW) END AS d
    FROM (SELECT w.bucket, w.close, w.n,
                 CASE WHEN w.n < p_k_period THEN NULL
                      WHEN w.highest = w.lowest THEN 0::NUMERIC
                      ELSE 100 * (w.close - w.lowest) / (w.highest - w.lowest) END AS k
          FROM (SELECT b.bucket, b.close, row_number() OVER bars AS n,
                       max(b.high) OVER (bars ROWS BETWEEN p_k_period - 1 PRECEDING AND CURRENT ROW) AS highest,
                       min(b.low) OVER (bars ROWS BETWEEN p_k_period - 1 PRECEDING AND CURRENT ROW) AS lowest
                FROM trading.indicator_bars(p_symbol, width, p_from, p_to, p_k_period + p_d_period - 2, TRUE) AS b
                WINDOW bars AS (ORDER BY b.bucket)) AS w) AS d) AS s
    WHERE s.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY s.bucket;
END
$$;

-- Volume-weighted average price, cumulative over each exchange session day (the calendar day of the
-- bar's start in the exchange time zone): sum(typical price x volume) / sum(volume) over the day's bars
-- so far, typical price = (high + low + close) / 3; NULL while the day's volume is 0.
CREATE OR REPLACE FUNCTION trading.calculate_vwap(p_symbol TEXT, p_interval TEXT,
                                                  p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, volume BIGINT, vwap DOUBLE PRECISION)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    width INTERVAL;
    zone TEXT;
BEGIN
    width := trading.parse_bar_interval(p_interval);
    zone := trading.exchange_time_zone();
    RETURN QUERY
    SELECT w.bucket, w.close, w.volume, (w.price_volume / NULLIF(3 * w.day_volume, 0))::DOUBLE PRECISION
    FROM (SELECT b.bucket, b.close, b.volume,
                 sum((b.high + b.low + b.close) * COALESCE(b.volume, 0)) OVER session AS price_volume,
                 sum(COALESCE(b.volume, 0)) OVER session AS day_volume
          FROM trading.bars_by_width(p_symbol, width,
                   CASE WHEN p_from IS NOT NULL AND isfinite(p_from) THEN time_bucket(INTERVAL '1 day', p_from, zone) END, p_to) AS b
          WHERE b.close IS NOT NULL AND b.high IS NOT NULL AND b.low IS NOT NULL
          WINDOW session AS (PARTITION BY time_bucket(INTERVAL '1 day', b.bucket, zone) ORDER BY b.bucket
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS w
    WHERE w.bucket >= COALESCE(p_from, '-infinity')
    ORDER BY w.bucket;
END
$$;

-- A fixed search_path: pg_catalog, then the schema of the timescaledb extension (time_bucket, first, last).
DO $$
DECLARE
    extension_schema TEXT;
    routine REGPROCEDURE;
BEGIN
    SELECT n.nspname INTO extension_schema
    FROM pg_catalog.pg_extension AS e JOIN pg_catalog.pg_namespace AS n ON n.oid = e.extnamespace
    WHERE e.extname = 'timescaledb';
    FOR routine IN
        SELECT p.oid::REGPROCEDURE FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'trading'::REGNAMESPACE
          AND p.proname IN ('parse_bar_interval', 'exchange_time_zone', 'bars_by_width', 'bars', 'bars_exist_before',
                            'indicator_bar_arrays', 'indicator_bars', 'smoothing_warmup_bars', 'require_period', 'calculate_rsi',
                            'calculate_ema', 'calculate_macd', 'calculate_atr', 'calculate_moving_average',
                            'calculate_bollinger_bands', 'calculate_stochastic', 'calculate_vwap')
    LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp', routine, extension_schema);
    END LOOP;
END
$$;
