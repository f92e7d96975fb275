-- Volatility indicators: ATR and Bollinger bands (docs/indicators.md), on every edition.

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
SELECT trading.pin_search_path('trading.calculate_atr(text, integer, text, timestamptz, timestamptz)');

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
SELECT trading.pin_search_path('trading.calculate_bollinger_bands(text, integer, numeric, text, timestamptz, timestamptz)');
