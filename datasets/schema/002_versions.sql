-- The history of dataset versions: one row per load that changed the observations. A version's
-- figures are the rows of every batch except the batches loaded after it, as long as no later
-- load made earlier figures non-preferred (prefer): then that version can no longer be rebuilt.
CREATE TABLE IF NOT EXISTS dataset_version (
    seq           INTEGER PRIMARY KEY,
    version       VARCHAR NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,    -- UTC
    batch         VARCHAR NOT NULL,      -- the batch that made it ('bundled', an ingest batch, or '' when recorded afterwards)
    prefer        BOOLEAN NOT NULL,      -- the load made earlier figures non-preferred
    observations  BIGINT NOT NULL,       -- figures in this version
    changes       VARCHAR NOT NULL       -- JSON: [{"indicator", "added", "changed"}]
);
