-- Clinicians' annotations: every version of every annotation is a row; an edit adds the next
-- version, a deletion adds a last version with deleted = 1. geometry is the region as JSON.

CREATE TABLE annotations (
  id         VARCHAR(36)  NOT NULL,
  version    INTEGER      NOT NULL,
  study_id   VARCHAR(32)  NOT NULL REFERENCES studies (id),
  slice      INTEGER      NOT NULL,
  label      VARCHAR(200) NOT NULL,
  shape      VARCHAR(16)  NOT NULL,
  geometry   TEXT         NOT NULL,
  note       TEXT         NOT NULL,
  author     VARCHAR(200) NOT NULL,
  created_at BIGINT       NOT NULL,
  deleted    INTEGER      NOT NULL,
  PRIMARY KEY (id, version)
);

CREATE INDEX annotations_by_study ON annotations (study_id, id, version);
