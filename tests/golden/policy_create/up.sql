-- enable row level security on documents
ALTER TABLE "public"."documents" ENABLE ROW LEVEL SECURITY;
-- force row level security on documents
ALTER TABLE "public"."documents" FORCE ROW LEVEL SECURITY;
-- create policy owner_only on documents
CREATE POLICY "owner_only" ON "public"."documents" FOR SELECT USING ("owner_id" = gen_random_uuid());
-- create policy owner_write on documents
CREATE POLICY "owner_write" ON "public"."documents" AS RESTRICTIVE FOR UPDATE USING ("owner_id" IS NOT NULL) WITH CHECK ("title" <> '');
-- create policy anyone on documents
CREATE POLICY "anyone" ON "public"."documents" TO CURRENT_USER, SESSION_USER USING (true);
-- create policy inserts on documents
CREATE POLICY "inserts" ON "public"."documents" FOR INSERT WITH CHECK ("title" IS NOT NULL);
-- rename policy anyone on documents to everyone
ALTER POLICY "anyone" ON "public"."documents" RENAME TO "everyone";
