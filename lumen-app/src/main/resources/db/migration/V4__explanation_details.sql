-- What a method learns beside its map (LIME: the surrogate's fit, weights and superpixels), as a
-- JSON blob; null for the methods that give a map only.

ALTER TABLE explanations ADD COLUMN details_blob CHAR(64);
