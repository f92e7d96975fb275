-- The aggregates on the apache edition, which has no continuous aggregates: plain views with the
-- names and columns of the community edition's continuous aggregates (0007), computed on read from
-- the raw hypertables, so they cover only what retention has kept. Daily buckets follow the
-- exchange's calendar day: the zone is a literal in the view definition, built from the setting.
DO $$
DECLARE
    zone TEXT := current_setting('trading_timescale.exchange_time_zone');
    ohlcv CONSTANT TEXT := $sql$
        CREATE OR REPLACE VIEW trading.%1$I AS
        SELECT time_bucket(INTERVAL %2$L, timestamp%3$s) AS bucket,
               symbol,
               first(open_price, timestamp) AS open,
               max(high_price) AS high,
               min(low_price) AS low,
               last(close_price, timestamp) AS close,
               sum(volume)::BIGINT AS volume,
               sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL)
                   / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
        FROM trading.stock_prices
        GROUP BY time_bucket(INTERVAL %2$L, timestamp%3$s), symbol
        $sql$;
BEGIN
    EXECUTE format(ohlcv, 'stock_prices_1m', '1 minute', '');
    EXECUTE format(ohlcv, 'stock_prices_5m', '5 minutes', '');
    EXECUTE format(ohlcv, 'stock_prices_1h', '1 hour', '');
    EXECUTE format(ohlcv, 'stock_prices_1d', '1 day', format(', %L', zone));

    EXECUTE format($sql$
        CREATE OR REPLACE VIEW trading.signal_performance_1d AS
        SELECT time_bucket(INTERVAL '1 day', timestamp, %1$L) AS bucket,
               symbol,
               count(*) AS total_signals,
               count(*) FILTER (WHERE signal_type = 'BUY') AS buy_signals,
               count(*) FILTER (WHERE signal_type = 'SELL') AS sell_signals,
               count(*) FILTER (WHERE signal_type = 'HOLD') AS hold_signals,
               avg(confidence) AS avg_confidence,
               max(confidence) AS max_confidence,
               min(confidence) AS min_confidence
        FROM trading.signals
        GROUP BY time_bucket(INTERVAL '1 day', timestamp, %1$L), symbol
        $sql$, zone);
END
$$;

CREATE OR REPLACE VIEW trading.options_volume_1h AS
SELECT time_bucket(INTERVAL '1 hour', timestamp) AS bucket,
       underlying_symbol,
       COALESCE(sum(volume), 0)::BIGINT AS total_volume,
       COALESCE(sum(volume) FILTER (WHERE option_type = 'PUT'), 0)::BIGINT AS put_volume,
       COALESCE(sum(volume) FILTER (WHERE option_type = 'CALL'), 0)::BIGINT AS call_volume,
       COALESCE(sum(open_interest), 0)::BIGINT AS total_open_interest,
       avg(implied_volatility) AS avg_implied_volatility,
       sum(implied_volatility * volume) FILTER (WHERE implied_volatility IS NOT NULL)
           / NULLIF(sum(volume) FILTER (WHERE implied_volatility IS NOT NULL), 0) AS vw_implied_volatility,
       count(*) AS quote_count
FROM trading.options_data
GROUP BY time_bucket(INTERVAL '1 hour', timestamp), underlying_symbol;
