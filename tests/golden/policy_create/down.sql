-- rename policy everyone on documents to anyone
ALTER POLICY "everyone" ON "public"."documents" RENAME TO "anyone";
-- drop policy inserts on documents
DROP POLICY "inserts" ON "public"."documents";
-- drop policy anyone on documents
DROP POLICY "anyone" ON "public"."documents";
-- drop policy owner_write on documents
DROP POLICY "owner_write" ON "public"."documents";
-- drop policy owner_only on documents
DROP POLICY "owner_only" ON "public"."documents";
-- no force row level security on documents
ALTER TABLE "public"."documents" NO FORCE ROW LEVEL SECURITY;
-- disable row level security on documents
ALTER TABLE "public"."documents" DISABLE ROW LEVEL SECURITY;
