-- The overlay PNG is rendered when it is first fetched, not with the map (it cost as much as a
-- Grad-CAM), so overlay_blob may be null. (SQLite's version of this migration rebuilds the table.)

ALTER TABLE explanations ALTER COLUMN overlay_blob DROP NOT NULL;
