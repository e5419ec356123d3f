-- 0001_init: the whole store schema. Every table carries the body (ente,
-- tenant) as the first column of its primary key, so that every lookup is
-- scoped by it and two bodies may use the same ids.
-- Times are INTEGER microseconds since the Unix epoch, UTC; NULL is the
-- zero time ("not set").

CREATE TABLE deployments (
	body        TEXT    NOT NULL,
	process_key TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	hash        TEXT    NOT NULL,
	bundle      BLOB,
	deployed_at INTEGER,
	deployed_by TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (body, process_key, version),
	UNIQUE (body, process_key, hash)
) STRICT;
CREATE INDEX deployments_hash ON deployments (body, hash);

CREATE TABLE instances (
	body            TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	process_key     TEXT    NOT NULL DEFAULT '',
	definition_hash TEXT    NOT NULL DEFAULT '',
	business_key    TEXT    NOT NULL DEFAULT '',
	parent_id       TEXT    NOT NULL DEFAULT '',
	status          TEXT    NOT NULL,
	version         INTEGER NOT NULL,
	state           BLOB,
	started_at      INTEGER,
	updated_at      INTEGER,
	ended_at        INTEGER,
	PRIMARY KEY (body, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX instances_parent ON instances (body, parent_id) WHERE parent_id <> '';
CREATE INDEX instances_status ON instances (body, status, process_key);

CREATE TABLE tasks (
	body              TEXT    NOT NULL,
	id                TEXT    NOT NULL,
	instance_id       TEXT    NOT NULL,
	process_key       TEXT    NOT NULL DEFAULT '',
	element_id        TEXT    NOT NULL DEFAULT '',
	name              TEXT    NOT NULL DEFAULT '',
	form              TEXT    NOT NULL DEFAULT '',
	candidate_offices TEXT    NOT NULL DEFAULT '[]', -- JSON array of office ids
	assignee          TEXT    NOT NULL DEFAULT '',
	status            TEXT    NOT NULL,
	created_at        INTEGER,
	due_at            INTEGER,
	ended_at          INTEGER,
	completed_by      TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (body, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX tasks_instance ON tasks (body, instance_id);
CREATE INDEX tasks_open ON tasks (body, status, created_at);
CREATE INDEX tasks_assignee ON tasks (body, assignee) WHERE assignee <> '';

-- History is append-only: (body, instance_id, seq) is never rewritten.
CREATE TABLE events (
	body        TEXT    NOT NULL,
	instance_id TEXT    NOT NULL,
	seq         INTEGER NOT NULL,
	type        TEXT    NOT NULL,
	element_id  TEXT    NOT NULL DEFAULT '',
	actor       TEXT    NOT NULL DEFAULT '',
	time        INTEGER,
	data        BLOB,
	PRIMARY KEY (body, instance_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE jobs (
	body            TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	instance_id     TEXT    NOT NULL,
	kind            TEXT    NOT NULL DEFAULT '',
	element_id      TEXT    NOT NULL DEFAULT '',
	token_id        TEXT    NOT NULL DEFAULT '',
	idempotency_key TEXT    NOT NULL DEFAULT '',
	payload         BLOB,
	status          TEXT    NOT NULL,
	due_at          INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	max_attempts    INTEGER NOT NULL DEFAULT 0,
	last_error      TEXT    NOT NULL DEFAULT '',
	lease_owner     TEXT    NOT NULL DEFAULT '',
	lease_until     INTEGER,
	created_at      INTEGER,
	PRIMARY KEY (body, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX jobs_due ON jobs (status, due_at);
CREATE INDEX jobs_instance ON jobs (body, instance_id);

CREATE TABLE subscriptions (
	body            TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	instance_id     TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	correlation_key TEXT    NOT NULL DEFAULT '',
	element_id      TEXT    NOT NULL DEFAULT '',
	token_id        TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER,
	PRIMARY KEY (body, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subscriptions_key ON subscriptions (body, name, correlation_key);

CREATE TABLE messages (
	body            TEXT    NOT NULL,
	id              TEXT    NOT NULL,
	name            TEXT    NOT NULL,
	correlation_key TEXT    NOT NULL DEFAULT '',
	payload         BLOB,
	created_at      INTEGER,
	expires_at      INTEGER,
	PRIMARY KEY (body, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX messages_key ON messages (body, name, correlation_key, created_at);

CREATE TABLE documents (
	body        TEXT    NOT NULL,
	instance_id TEXT    NOT NULL,
	name        TEXT    NOT NULL,
	version     INTEGER NOT NULL,
	media_type  TEXT    NOT NULL DEFAULT '',
	sha256      TEXT    NOT NULL,
	size        INTEGER NOT NULL,
	content     BLOB,
	created_at  INTEGER,
	created_by  TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (body, instance_id, name, version)
) STRICT;

CREATE TABLE counters (
	body  TEXT    NOT NULL,
	name  TEXT    NOT NULL,
	year  INTEGER NOT NULL,
	value INTEGER NOT NULL,
	PRIMARY KEY (body, name, year)
) STRICT, WITHOUT ROWID;
