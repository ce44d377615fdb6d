-- create unique index users_email_uidx on users
CREATE UNIQUE INDEX "users_email_uidx" ON "public"."users" ("email");
-- create table invites
CREATE TABLE "public"."invites" (
  "id" bigint NOT NULL,
  "email" varchar(200),
  CONSTRAINT "invites_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "invites_email_fkey" FOREIGN KEY ("email") REFERENCES "public"."users" ("email")
);
