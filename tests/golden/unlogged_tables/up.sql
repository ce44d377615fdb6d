-- create unlogged table sessions
CREATE UNLOGGED TABLE "public"."sessions" (
  "id" bigint NOT NULL,
  "data" jsonb NOT NULL DEFAULT '{}',
  CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);
-- create index sessions_data_idx on sessions
CREATE INDEX "sessions_data_idx" ON "public"."sessions" ("data");
-- create unlogged table session_events
CREATE UNLOGGED TABLE "public"."session_events" (
  "id" bigint NOT NULL,
  "session_id" bigint,
  "event_id" bigint,
  CONSTRAINT "session_events_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "session_events_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "public"."sessions" ("id"),
  CONSTRAINT "session_events_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "public"."events" ("id")
);
-- set unlogged events
ALTER TABLE "public"."events" SET UNLOGGED;
-- set logged cache_entries; add column note to cache_entries
ALTER TABLE "public"."cache_entries" SET LOGGED, ADD COLUMN "note" text;
