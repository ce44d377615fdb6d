-- grant on table app.documents
GRANT SELECT, INSERT ON TABLE "app"."documents" TO "migc_golden_grant_app";
-- grant on table notes
GRANT SELECT, INSERT ON TABLE "public"."notes" TO "migc_golden_grant_app";
-- grant on table notes
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "public"."notes" TO "migc_golden_grant_admin" WITH GRANT OPTION;
-- grant on schema app
GRANT USAGE ON SCHEMA "app" TO "migc_golden_grant_app";
-- grant on schema app
GRANT USAGE ON SCHEMA "app" TO "migc_golden_grant_admin";
-- grant on function app.title_of(bigint)
GRANT EXECUTE ON FUNCTION "app"."title_of"(bigint) TO "migc_golden_grant_app";
-- revoke on function app.title_of(bigint)
REVOKE EXECUTE ON FUNCTION "app"."title_of"(bigint) FROM PUBLIC;
-- revoke on table notes
REVOKE GRANT OPTION FOR DELETE ON TABLE "public"."notes" FROM "migc_golden_grant_admin";
-- revoke on table notes
REVOKE TRUNCATE ON TABLE "public"."notes" FROM "migc_golden_grant_admin";
