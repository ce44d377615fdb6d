-- create table invites
CREATE TABLE "public"."invites" (
  "id" bigint NOT NULL,
  "org_id" bigint,
  CONSTRAINT "invites_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "invites_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "public"."orgs" ("id")
);
