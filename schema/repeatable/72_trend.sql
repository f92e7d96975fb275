-- Trend indicators: EMA, MACD and the simple moving average (docs/indicators.md), on every edition.

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
SELECT trading.pin_search_path('trading.calculate_ema(text, integer, text, timestamptz, timestamptz)');

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
SELECT trading.pin_search_path('trading.calculate_macd(text, integer, integer, integer, text, timestamptz, timestamptz)');

-- MACD with the usual periods 12, 26 and 9.
CREATE OR REPLACE FUNCTION trading.calculate_macd(p_symbol TEXT, p_interval TEXT,
                                                  p_from TIMESTAMPTZ DEFAULT NULL, p_to TIMESTAMPTZ DEFAULT NULL)
RETURNS TABLE ("timestamp" TIMESTAMPTZ, close_price NUMERIC, macd DOUBLE PRECISION, signal DOUBLE PRECISION, histogram DOUBLE PRECISION)
LANGUAGE sql STABLE AS $$
    SELECT * FROM trading.calculate_macd(p_symbol, 12, 26, 9, p_interval, p_from, p_to)
$$;
SELECT trading.pin_search_path('trading.calculate_macd(text, text, timestamptz, timestamptz)');

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
SELECT trading.pin_search_path('trading.calculate_moving_average(text, integer, text, timestamptz, timestamptz)');
