-- Checks the trading_timescale.* session settings and stores them in trading.settings, where
-- maintenance functions read them from any later session.
DO $$
DECLARE
    names CONSTANT TEXT[] := ARRAY[
        'edition', 'exchange_time_zone',
        'chunk_interval_stock_prices', 'chunk_interval_options_data', 'chunk_interval_signals',
        'chunk_interval_performance_metrics', 'chunk_interval_data_quality', 'chunk_interval_system_events',
        'compress_after',
        'retention_stock_prices', 'retention_options_data', 'retention_signals',
        'retention_performance_metrics', 'retention_data_quality', 'retention_system_events',
        'retention_system_events_critical',
        'refresh_stock_prices_1m_start_offset', 'refresh_stock_prices_1m_end_offset', 'refresh_stock_prices_1m_schedule',
        'refresh_stock_prices_5m_start_offset', 'refresh_stock_prices_5m_end_offset', 'refresh_stock_prices_5m_schedule',
        'refresh_stock_prices_1h_start_offset', 'refresh_stock_prices_1h_end_offset', 'refresh_stock_prices_1h_schedule',
        'refresh_stock_prices_1d_start_offset', 'refresh_stock_prices_1d_end_offset', 'refresh_stock_prices_1d_schedule',
        'refresh_options_volume_1h_start_offset', 'refresh_options_volume_1h_end_offset', 'refresh_options_volume_1h_schedule',
        'refresh_signal_performance_1d_start_offset', 'refresh_signal_performance_1d_end_offset',
        'refresh_signal_performance_1d_schedule'];
    setting_name TEXT;
    setting_value TEXT;
    server_edition TEXT := CASE current_setting('timescaledb.license', true) WHEN 'apache' THEN 'apache' ELSE 'community' END;
    installed_zone TEXT;
    aggregate TEXT;
BEGIN
    FOREACH setting_name IN ARRAY names LOOP
        setting_value := NULLIF(current_setting('trading_timescale.' || setting_name, true), '');
        IF setting_value IS NULL THEN
            RAISE EXCEPTION 'setting trading_timescale.% is not set', setting_name
                USING ERRCODE = '22023',
                      HINT = 'Set every trading_timescale.* setting before the schema files run (the installer and an exported script do).';
        END IF;
        IF setting_name LIKE 'chunk_interval_%' OR setting_name LIKE 'retention_%' OR setting_name LIKE 'refresh_%'
           OR setting_name = 'compress_after' THEN
            BEGIN
                IF setting_value::INTERVAL <= INTERVAL '0' THEN
                    RAISE EXCEPTION USING ERRCODE = '22023';
                END IF;
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION 'setting trading_timescale.% = ''%'' is not a positive interval', setting_name, setting_value
                    USING ERRCODE = '22023', HINT = 'Use an interval such as ''90 days'' or ''1 hour''.';
            END;
        END IF;
    END LOOP;

    IF current_setting('trading_timescale.edition') <> server_edition THEN
        RAISE EXCEPTION 'setting trading_timescale.edition = ''%'' but this server runs the % edition of TimescaleDB',
            current_setting('trading_timescale.edition'), server_edition
            USING ERRCODE = '22023', HINT = 'Export the script for the server''s edition.';
    END IF;

    IF NOT EXISTS (SELECT FROM pg_catalog.pg_timezone_names WHERE name = current_setting('trading_timescale.exchange_time_zone')) THEN
        RAISE EXCEPTION 'setting trading_timescale.exchange_time_zone = ''%'' is not a time zone this server knows',
            current_setting('trading_timescale.exchange_time_zone')
            USING ERRCODE = '22023', HINT = 'Use a name from pg_timezone_names, such as America/New_York.';
    END IF;

    SELECT value INTO installed_zone FROM trading.settings WHERE name = 'exchange_time_zone';
    IF installed_zone IS DISTINCT FROM NULL AND installed_zone <> current_setting('trading_timescale.exchange_time_zone') THEN
        RAISE EXCEPTION 'setting trading_timescale.exchange_time_zone = ''%'' differs from ''%'', the zone this database was installed with',
            current_setting('trading_timescale.exchange_time_zone'), installed_zone
            USING ERRCODE = '22023',
                  HINT = 'The daily aggregates stock_prices_1d and signal_performance_1d are bucketed by the installed zone; '
                      || 'keep exchange_time_zone at ''' || installed_zone || ''' or install into a new database.';
    END IF;

    FOREACH aggregate IN ARRAY ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d',
                                     'options_volume_1h', 'signal_performance_1d'] LOOP
        IF current_setting(format('trading_timescale.refresh_%s_start_offset', aggregate))::INTERVAL
           <= current_setting(format('trading_timescale.refresh_%s_end_offset', aggregate))::INTERVAL THEN
            RAISE EXCEPTION 'setting trading_timescale.refresh_%_start_offset must be larger than refresh_%_end_offset', aggregate, aggregate
                USING ERRCODE = '22023';
        END IF;
    END LOOP;

    INSERT INTO trading.settings (name, value, updated_at)
    SELECT n, current_setting('trading_timescale.' || n), NOW()
    FROM unnest(names) AS n
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
    WHERE trading.settings.value IS DISTINCT FROM EXCLUDED.value;
END
$$;
