-- create table users
CREATE TABLE "public"."users" (
  "id" bigint NOT NULL,
  "email" text NOT NULL,
  "name" varchar(120),
  "age" integer DEFAULT 0,
  "role" "public"."user_role" NOT NULL DEFAULT 'member',
  "org_id" bigint,
  "tags" text[] NOT NULL DEFAULT '{}',
  "score" numeric(10,2) DEFAULT 1.5,
  "ratio" double precision,
  "created_at" timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "users_email_key" UNIQUE ("email"),
  CONSTRAINT "users_age_check" CHECK ("age" >= 0),
  CONSTRAINT "users_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id") ON DELETE CASCADE ON UPDATE RESTRICT,
  CONSTRAINT "users_org_id_email_key" UNIQUE ("org_id", "email"),
  CONSTRAINT "adult" CHECK ("age" >= 18 OR "age" IS NULL),
  CONSTRAINT "users_org_id_fkey1" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id") ON DELETE SET NULL
);
