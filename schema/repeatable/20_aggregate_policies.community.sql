-- Refresh policies of the continuous aggregates, from the refresh_<aggregate>_* settings.
-- Replaced on every run, so a changed setting takes effect.
DO $$
DECLARE
    aggregate TEXT;
BEGIN
    FOREACH aggregate IN ARRAY ARRAY['stock_prices_1m', 'stock_prices_5m', 'stock_prices_1h', 'stock_prices_1d',
                                     'options_volume_1h', 'signal_performance_1d'] LOOP
        PERFORM remove_continuous_aggregate_policy(format('trading.%I', aggregate)::REGCLASS, if_exists => TRUE);
        PERFORM add_continuous_aggregate_policy(format('trading.%I', aggregate)::REGCLASS,
            start_offset => current_setting(format('trading_timescale.refresh_%s_start_offset', aggregate))::INTERVAL,
            end_offset => current_setting(format('trading_timescale.refresh_%s_end_offset', aggregate))::INTERVAL,
            schedule_interval => current_setting(format('trading_timescale.refresh_%s_schedule', aggregate))::INTERVAL);
    END LOOP;
END
$$;
