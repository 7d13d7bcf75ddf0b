-- When each entity's content last changed, for "recently changed" views.
-- Entities stored before this migration have 0: not known.
ALTER TABLE catalog_entities ADD COLUMN changed_at BIGINT NOT NULL DEFAULT 0;
