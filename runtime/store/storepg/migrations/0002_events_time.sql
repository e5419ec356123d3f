-- 0002_events_time: the incremental reader of the indicators
-- (store.EventScanner with Since) reads the events of a body written
-- since its last watermark.
CREATE INDEX events_time ON events (body, time);
