-- trading:no-transaction
-- Continuous aggregates (community edition). The apache edition gets plain views with the same
-- names and columns from repeatable/20_aggregate_views.apache.sql.
-- Hierarchy: stock_prices_1m <- stock_prices_5m <- stock_prices_1h <- stock_prices_1d (the daily
-- aggregate reads stock_prices_5m instead when the exchange time zone has a UTC offset that is not
-- a whole hour, so that no hourly bucket straddles the exchange's midnight).
-- Real-time aggregation is on: rows not yet materialized are aggregated on read.
-- Created WITH NO DATA, then refreshed once over all existing data (instant on a new database; on a
-- database that already holds raw rows it materializes their history, which the refresh policies,
-- covering only recent windows, would never do). Refresh policies: repeatable/20_aggregate_policies.community.sql.

-- Plain views of these names left by the apache edition (the server moved to the community edition).
DO $$
DECLARE
    relation TEXT;
BEGIN
    FOREACH relation IN ARRAY ARRAY['signal_performance_1d', 'options_volume_1h', 'stock_prices_1d',
                                     'stock_prices_1h', 'stock_prices_5m', 'stock_prices_1m'] LOOP
        IF EXISTS (SELECT FROM pg_catalog.pg_views v WHERE v.schemaname = 'trading' AND v.viewname = relation)
           AND NOT EXISTS (SELECT FROM timescaledb_information.continuous_aggregates c
                           WHERE c.view_schema = 'trading' AND c.view_name = relation) THEN
            EXECUTE format('DROP VIEW trading.%I', relation);
        END IF;
    END LOOP;
END
$$;

CREATE MATERIALIZED VIEW IF NOT EXISTS trading.stock_prices_1m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 minute', timestamp) AS bucket,
       symbol,
       first(open_price, timestamp) AS open,
       max(high_price) AS high,
       min(low_price) AS low,
       last(close_price, timestamp) AS close,
       sum(volume)::BIGINT AS volume,
       sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL)
           / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
FROM trading.stock_prices
GROUP BY time_bucket(INTERVAL '1 minute', timestamp), symbol
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS trading.stock_prices_5m
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '5 minutes', bucket) AS bucket,
       symbol,
       first(open, bucket) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, bucket) AS close,
       sum(volume)::BIGINT AS volume,
       sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL)
           / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
FROM trading.stock_prices_1m
GROUP BY time_bucket(INTERVAL '5 minutes', bucket), symbol
WITH NO DATA;

CREATE MATERIALIZED VIEW IF NOT EXISTS trading.stock_prices_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT time_bucket(INTERVAL '1 hour', bucket) AS bucket,
       symbol,
       first(open, bucket) AS open,
       max(high) AS high,
       min(low) AS low,
       last(close, bucket) AS close,
       sum(volume)::BIGINT AS volume,
       sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL)
           / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
FROM trading.stock_prices_5m
GROUP BY time_bucket(INTERVAL '1 hour', bucket), symbol
WITH NO DATA;

-- Daily buckets follow the exchange's calendar day: the zone is a literal in the view definition,
-- so the statement is built from the setting.
DO $$
DECLARE
    zone TEXT := current_setting('trading_timescale.exchange_time_zone');
    whole_hours BOOLEAN;
BEGIN
    SELECT bool_and(EXTRACT(EPOCH FROM (d AT TIME ZONE zone) - (d AT TIME ZONE 'UTC'))::BIGINT % 3600 = 0)
    INTO whole_hours
    FROM (VALUES (TIMESTAMPTZ '2025-01-15 12:00:00+00'), (TIMESTAMPTZ '2025-07-15 12:00:00+00')) AS probe(d);

    EXECUTE format($sql$
        CREATE MATERIALIZED VIEW IF NOT EXISTS trading.stock_prices_1d
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
        SELECT time_bucket(INTERVAL '1 day', bucket, %1$L) AS bucket,
               symbol,
               first(open, bucket) AS open,
               max(high) AS high,
               min(low) AS low,
               last(close, bucket) AS close,
               sum(volume)::BIGINT AS volume,
               sum(vwap * volume) FILTER (WHERE vwap IS NOT NULL)
                   / NULLIF(sum(volume) FILTER (WHERE vwap IS NOT NULL), 0) AS vwap
        FROM trading.%2$I
        GROUP BY time_bucket(INTERVAL '1 day', bucket, %1$L), symbol
        WITH NO DATA
        $sql$, zone, CASE WHEN whole_hours THEN 'stock_prices_1h' ELSE 'stock_prices_5m' END);

    EXECUTE format($sql$
        CREATE MATERIALIZED VIEW IF NOT EXISTS trading.signal_performance_1d
        WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
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
        WITH NO DATA
        $sql$, zone);
END
$$;

CREATE MATERIALIZED VIEW IF NOT EXISTS trading.options_volume_1h
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
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
GROUP BY time_bucket(INTERVAL '1 hour', timestamp), underlying_symbol
WITH NO DATA;

CALL refresh_continuous_aggregate('trading.stock_prices_1m', NULL, NULL);
CALL refresh_continuous_aggregate('trading.stock_prices_5m', NULL, NULL);
CALL refresh_continuous_aggregate('trading.stock_prices_1h', NULL, NULL);
CALL refresh_continuous_aggregate('trading.stock_prices_1d', NULL, NULL);
CALL refresh_continuous_aggregate('trading.options_volume_1h', NULL, NULL);
CALL refresh_continuous_aggregate('trading.signal_performance_1d', NULL, NULL);
