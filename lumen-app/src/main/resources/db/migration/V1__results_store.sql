-- Lumen's results store: registered models and studies, jobs, computed explanations.
-- Portable SQL: the same file migrates SQLite and PostgreSQL. Times are epoch milliseconds.

CREATE TABLE models (
  id            VARCHAR(32)   PRIMARY KEY,
  name          VARCHAR(400)  NOT NULL,
  path          VARCHAR(4000) NOT NULL,
  sha256        CHAR(64)      NOT NULL,
  registered_at BIGINT        NOT NULL
);

CREATE TABLE studies (
  id            VARCHAR(32)   PRIMARY KEY,
  name          VARCHAR(400)  NOT NULL,
  blob          CHAR(64)      NOT NULL,
  kind          VARCHAR(16)   NOT NULL,
  registered_at BIGINT        NOT NULL
);

CREATE TABLE jobs (
  id          VARCHAR(36) PRIMARY KEY,
  kind        VARCHAR(32) NOT NULL,
  request     TEXT        NOT NULL,
  state       VARCHAR(16) NOT NULL,
  error       TEXT,
  result      TEXT,
  created_at  BIGINT      NOT NULL,
  started_at  BIGINT,
  finished_at BIGINT
);

CREATE INDEX jobs_by_state ON jobs (state, created_at);

CREATE TABLE explanations (
  cache_key    CHAR(64)     PRIMARY KEY,
  model_id     VARCHAR(32)  NOT NULL REFERENCES models (id),
  study_id     VARCHAR(32)  NOT NULL REFERENCES studies (id),
  method       VARCHAR(64)  NOT NULL,
  layer        VARCHAR(1000) NOT NULL,
  settings     TEXT         NOT NULL,
  target_label VARCHAR(400) NOT NULL,
  target_index INTEGER      NOT NULL,
  score        DOUBLE PRECISION NOT NULL,
  raw_blob     CHAR(64)     NOT NULL,
  map_blob     CHAR(64)     NOT NULL,
  overlay_blob CHAR(64)     NOT NULL,
  created_at   BIGINT       NOT NULL
);

CREATE INDEX explanations_by_study ON explanations (study_id, model_id);
