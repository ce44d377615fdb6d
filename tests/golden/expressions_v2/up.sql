-- create table t
CREATE TABLE "public"."t" (
  "id" bigint NOT NULL,
  "email" text NOT NULL,
  "name" text,
  "first" text,
  "last" text,
  "doc" jsonb NOT NULL DEFAULT '{}',
  "tags" text[] NOT NULL DEFAULT ARRAY['a', 'b'],
  "kind" text DEFAULT CASE WHEN 1 > 0 THEN 'x' ELSE 'y' END,
  "at" timestamptz DEFAULT (now() AT TIME ZONE 'UTC'),
  "code" text,
  "d" date DEFAULT date '2024-01-01',
  "iv" interval DEFAULT interval '1 day',
  "e" text DEFAULT E'tab\there\n\'q\'',
  "n" integer,
  "p" integer DEFAULT 2 ^ 3,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "t_email_check" CHECK ("email" ~* '^[^@]+@[^@]+$'),
  CONSTRAINT "t_name_check" CHECK ("name" !~ '\s$' AND "name" SIMILAR TO '[a-z]%'),
  CONSTRAINT "t_n_check" CHECK ("n" IS DISTINCT FROM 3 AND "n" <> ALL (ARRAY[5, 6]) AND "n" = ANY ('{1,2,3}')),
  CONSTRAINT "t_doc_check" CHECK ("doc" ? 'k' AND "doc" @> '{"a": 1}' AND ("doc" ->> 'a') IS NOT NULL AND "doc" #> '{a}' IS NOT NULL),
  CONSTRAINT "t_check" CHECK ("tags"[1] <> 'z' AND "first" || ' ' || "last" <> ''),
  CONSTRAINT "t_n_check1" CHECK ("n"::bigint > 0)
);
-- create index t_expr_idx on t
CREATE INDEX "t_expr_idx" ON "public"."t" (("doc" ->> 'a'));
-- create index t_lower_idx on t
CREATE INDEX "t_lower_idx" ON "public"."t" (lower("code" COLLATE "C"));
