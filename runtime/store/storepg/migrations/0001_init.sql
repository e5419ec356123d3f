-- 0001_init: the whole store schema, in the schema of the connection's
-- search_path. Every table carries the body (ente, tenant) as the first
-- column of its primary key, so that every lookup is scoped by it and two
-- bodies may use the same ids. NULL times are the zero time ("not set").

CREATE TABLE deployments (
	body        text        NOT NULL,
	process_key text        NOT NULL,
	version     integer     NOT NULL,
	hash        text        NOT NULL,
	bundle      bytea       NOT NULL DEFAULT '',
	deployed_at timestamptz,
	deployed_by text        NOT NULL DEFAULT '',
	PRIMARY KEY (body, process_key, version),
	UNIQUE (body, process_key, hash)
);
CREATE INDEX deployments_hash ON deployments (body, hash);

CREATE TABLE instances (
	body            text        NOT NULL,
	id              text        NOT NULL,
	process_key     text        NOT NULL DEFAULT '',
	definition_hash text        NOT NULL DEFAULT '',
	business_key    text        NOT NULL DEFAULT '',
	parent_id       text        NOT NULL DEFAULT '',
	status          text        NOT NULL,
	version         bigint      NOT NULL,
	state           bytea,
	started_at      timestamptz,
	updated_at      timestamptz,
	ended_at        timestamptz,
	PRIMARY KEY (body, id)
);
CREATE INDEX instances_parent ON instances (body, parent_id) WHERE parent_id <> '';
CREATE INDEX instances_status ON instances (body, status, process_key);

CREATE TABLE tasks (
	body              text        NOT NULL,
	id                text        NOT NULL,
	instance_id       text        NOT NULL,
	process_key       text        NOT NULL DEFAULT '',
	element_id        text        NOT NULL DEFAULT '',
	name              text        NOT NULL DEFAULT '',
	form              text        NOT NULL DEFAULT '',
	candidate_offices text[]      NOT NULL DEFAULT '{}',
	assignee          text        NOT NULL DEFAULT '',
	status            text        NOT NULL,
	created_at        timestamptz,
	due_at            timestamptz,
	ended_at          timestamptz,
	completed_by      text        NOT NULL DEFAULT '',
	PRIMARY KEY (body, id)
);
CREATE INDEX tasks_instance ON tasks (body, instance_id);
CREATE INDEX tasks_open ON tasks (body, status, created_at);
CREATE INDEX tasks_offices ON tasks USING gin (candidate_offices);
CREATE INDEX tasks_assignee ON tasks (body, assignee) WHERE assignee <> '';

-- History is append-only: (body, instance_id, seq) is never rewritten.
CREATE TABLE events (
	body        text        NOT NULL,
	instance_id text        NOT NULL,
	seq         bigint      NOT NULL,
	type        text        NOT NULL,
	element_id  text        NOT NULL DEFAULT '',
	actor       text        NOT NULL DEFAULT '',
	time        timestamptz,
	data        jsonb,
	PRIMARY KEY (body, instance_id, seq)
);

CREATE TABLE jobs (
	body            text        NOT NULL,
	id              text        NOT NULL,
	instance_id     text        NOT NULL,
	kind            text        NOT NULL DEFAULT '',
	element_id      text        NOT NULL DEFAULT '',
	token_id        text        NOT NULL DEFAULT '',
	idempotency_key text        NOT NULL DEFAULT '',
	payload         jsonb,
	status          text        NOT NULL,
	due_at          timestamptz NOT NULL,
	attempts        integer     NOT NULL DEFAULT 0,
	max_attempts    integer     NOT NULL DEFAULT 0,
	last_error      text        NOT NULL DEFAULT '',
	lease_owner     text        NOT NULL DEFAULT '',
	lease_until     timestamptz,
	created_at      timestamptz,
	PRIMARY KEY (body, id)
);
-- The acquisition scan: pending jobs by due time.
CREATE INDEX jobs_due ON jobs (due_at, id) WHERE status = 'pending';
CREATE INDEX jobs_instance ON jobs (body, instance_id);

CREATE TABLE subscriptions (
	body            text        NOT NULL,
	id              text        NOT NULL,
	instance_id     text        NOT NULL,
	name            text        NOT NULL,
	correlation_key text        NOT NULL DEFAULT '',
	element_id      text        NOT NULL DEFAULT '',
	token_id        text        NOT NULL DEFAULT '',
	created_at      timestamptz,
	PRIMARY KEY (body, id)
);
CREATE INDEX subscriptions_key ON subscriptions (body, name, correlation_key);

CREATE TABLE messages (
	body            text        NOT NULL,
	id              text        NOT NULL,
	name            text        NOT NULL,
	correlation_key text        NOT NULL DEFAULT '',
	payload         jsonb,
	created_at      timestamptz,
	expires_at      timestamptz,
	PRIMARY KEY (body, id)
);
CREATE INDEX messages_key ON messages (body, name, correlation_key, created_at);

CREATE TABLE documents (
	body        text        NOT NULL,
	instance_id text        NOT NULL,
	name        text        NOT NULL,
	version     integer     NOT NULL,
	media_type  text        NOT NULL DEFAULT '',
	sha256      text        NOT NULL,
	size        bigint      NOT NULL,
	content     bytea       NOT NULL,
	created_at  timestamptz,
	created_by  text        NOT NULL DEFAULT '',
	PRIMARY KEY (body, instance_id, name, version)
);

CREATE TABLE counters (
	body  text    NOT NULL,
	name  text    NOT NULL,
	year  integer NOT NULL,
	value bigint  NOT NULL,
	PRIMARY KEY (body, name, year)
);

-- procedo_conflict aborts the statement (and so the whole commit, which
-- runs as one implicit transaction) when ids is not empty. A commit is a
-- single pipelined round trip: the version checks happen in SQL, and this
-- error carries the instances that lost the race back to the store.
CREATE FUNCTION procedo_conflict(kind text, ids text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF cardinality(ids) > 0 THEN
		RAISE EXCEPTION USING ERRCODE = 'PD409', MESSAGE = 'procedo conflict on ' || kind,
			DETAIL = array_to_string(ids, E'\n');
	END IF;
END
$$;
