-- Registered datasets (a labels CSV, an MRNet-layout folder, a folder of studies), read in place,
-- and evaluation reports of models on them (the report itself is a JSON blob).

CREATE TABLE datasets (
  id            VARCHAR(32)   PRIMARY KEY,
  name          VARCHAR(400)  NOT NULL,
  kind          VARCHAR(16)   NOT NULL,
  path          VARCHAR(4000) NOT NULL,
  registered_at BIGINT        NOT NULL
);

CREATE TABLE evaluations (
  id          VARCHAR(36)  PRIMARY KEY,
  dataset_id  VARCHAR(32)  NOT NULL REFERENCES datasets (id),
  models      TEXT         NOT NULL,
  request     TEXT         NOT NULL,
  report_blob CHAR(64)     NOT NULL,
  created_at  BIGINT       NOT NULL
);

CREATE INDEX evaluations_by_dataset ON evaluations (dataset_id, created_at);
