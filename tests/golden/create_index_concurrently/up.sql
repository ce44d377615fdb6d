-- create index users_age_idx on users
CREATE INDEX CONCURRENTLY "users_age_idx" ON "public"."users" ("age" DESC NULLS LAST) WHERE "nickname" IS NOT NULL;
