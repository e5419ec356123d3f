-- Bundles and their revisions. Times are Unix nanoseconds in UTC; files are
-- the bundle as a JSON object {path: content}.
CREATE TABLE designer_bundles (
    tenant     TEXT   NOT NULL,
    id         TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    head       BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tenant, id)
);

CREATE TABLE designer_revisions (
    tenant     TEXT   NOT NULL,
    bundle     TEXT   NOT NULL,
    rev        BIGINT NOT NULL,
    author     TEXT   NOT NULL,
    message    TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    files      TEXT   NOT NULL,
    PRIMARY KEY (tenant, bundle, rev),
    FOREIGN KEY (tenant, bundle) REFERENCES designer_bundles (tenant, id)
);
