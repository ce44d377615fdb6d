-- grant on table notes
GRANT TRUNCATE ON TABLE "public"."notes" TO "migc_golden_grant_admin" WITH GRANT OPTION;
-- grant on table notes
GRANT DELETE ON TABLE "public"."notes" TO "migc_golden_grant_admin" WITH GRANT OPTION;
-- grant on function app.title_of(bigint)
GRANT EXECUTE ON FUNCTION "app"."title_of"(bigint) TO PUBLIC;
-- revoke on function app.title_of(bigint)
REVOKE EXECUTE ON FUNCTION "app"."title_of"(bigint) FROM "migc_golden_grant_app";
-- revoke on schema app
REVOKE USAGE ON SCHEMA "app" FROM "migc_golden_grant_app";
-- revoke on schema app
REVOKE USAGE ON SCHEMA "app" FROM "migc_golden_grant_admin";
-- revoke on table notes
REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "public"."notes" FROM "migc_golden_grant_admin";
-- revoke on table notes
REVOKE SELECT, INSERT ON TABLE "public"."notes" FROM "migc_golden_grant_app";
-- revoke on table app.documents
REVOKE INSERT ON TABLE "app"."documents" FROM "migc_golden_grant_app";
