-- Compression monitoring in the shape of the spec's queries, which name columns that
-- timescaledb_information.hypertables and .chunks no longer have in TimescaleDB 2.
-- On the apache edition every chunk is uncompressed and compression_enabled is false.

-- Per trading hypertable: whether compression is enabled and how many chunks are (un)compressed.
CREATE OR REPLACE VIEW trading.compression_status AS
SELECT h.hypertable_name::TEXT AS hypertable_name,
       h.compression_enabled,
       count(c.chunk_name) FILTER (WHERE c.is_compressed) AS compressed_chunks,
       count(c.chunk_name) FILTER (WHERE NOT c.is_compressed) AS uncompressed_chunks
FROM timescaledb_information.hypertables AS h
LEFT JOIN timescaledb_information.chunks AS c
    ON c.hypertable_schema = h.hypertable_schema AND c.hypertable_name = h.hypertable_name
WHERE h.hypertable_schema = 'trading'
GROUP BY h.hypertable_name, h.compression_enabled;

-- Per chunk of a trading hypertable: compression status and sizes before and after.
CREATE OR REPLACE VIEW trading.chunk_compression AS
SELECT h.hypertable_name::TEXT AS hypertable_name,
       s.chunk_schema::TEXT AS chunk_schema,
       s.chunk_name::TEXT AS chunk_name,
       s.compression_status,
       s.before_compression_total_bytes,
       s.after_compression_total_bytes
FROM timescaledb_information.hypertables AS h
CROSS JOIN LATERAL chunk_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::REGCLASS) AS s
WHERE h.hypertable_schema = 'trading';
