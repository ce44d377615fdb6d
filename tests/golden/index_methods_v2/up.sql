-- create index docs_tags_idx on docs
CREATE INDEX "docs_tags_idx" ON "public"."docs" USING "gin" ("tags");
-- create index docs_title_idx on docs
CREATE INDEX "docs_title_idx" ON "public"."docs" ("title" "text_pattern_ops");
-- create index docs_body_trgm on docs
CREATE INDEX "docs_body_trgm" ON "public"."docs" USING "gin" ("body" "gin_trgm_ops");
-- create unique index docs_title_body_code_idx on docs
CREATE UNIQUE INDEX "docs_title_body_code_idx" ON "public"."docs" ("title") INCLUDE ("body", "code");
-- create unique index docs_code_key2 on docs
CREATE UNIQUE INDEX "docs_code_key2" ON "public"."docs" ("code") NULLS NOT DISTINCT;
-- create index docs_created_at_idx on docs
CREATE INDEX "docs_created_at_idx" ON "public"."docs" USING "brin" ("created_at");
-- create index docs_code_idx on docs
CREATE INDEX "docs_code_idx" ON "public"."docs" USING "hash" ("code");
-- create index docs_during_idx on docs
CREATE INDEX "docs_during_idx" ON "public"."docs" USING "gist" ("during");
-- create index docs_lower_idx on docs
CREATE INDEX "docs_lower_idx" ON "public"."docs" (lower("title") "varchar_pattern_ops" DESC NULLS FIRST) WHERE "code" > 0;
