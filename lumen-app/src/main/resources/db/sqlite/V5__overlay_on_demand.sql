-- The overlay PNG is rendered when it is first fetched, not with the map (it cost as much as a
-- Grad-CAM), so overlay_blob may be null. SQLite cannot drop a NOT NULL constraint: the table is
-- rebuilt with its rows, as SQLite's documentation prescribes for such changes.

CREATE TABLE explanations_v5 (
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
  overlay_blob CHAR(64),
  created_at   BIGINT       NOT NULL,
  details_blob CHAR(64)
);

INSERT INTO explanations_v5 (cache_key, model_id, study_id, method, layer, settings, target_label, target_index,
    score, raw_blob, map_blob, overlay_blob, created_at, details_blob)
  SELECT cache_key, model_id, study_id, method, layer, settings, target_label, target_index, score, raw_blob,
    map_blob, overlay_blob, created_at, details_blob FROM explanations;

DROP TABLE explanations;

ALTER TABLE explanations_v5 RENAME TO explanations;

CREATE INDEX explanations_by_study ON explanations (study_id, model_id);
