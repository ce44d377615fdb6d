-- grant on sequence invoice_no
GRANT UPDATE ON SEQUENCE "public"."invoice_no" TO "migc_golden_gvs_admin";
-- grant on view doc_titles
GRANT SELECT ON TABLE "public"."doc_titles" TO PUBLIC;
-- revoke on sequence invoice_no
REVOKE USAGE, SELECT, UPDATE ON SEQUENCE "public"."invoice_no" FROM "migc_golden_gvs_admin";
-- revoke on sequence invoice_no
REVOKE USAGE, SELECT ON SEQUENCE "public"."invoice_no" FROM "migc_golden_gvs_app";
-- revoke on materialized view doc_count
REVOKE SELECT ON TABLE "public"."doc_count" FROM "migc_golden_gvs_reporting";
-- revoke on table docs
REVOKE SELECT, INSERT ON TABLE "public"."docs" FROM "migc_golden_gvs_app";
-- revoke on view doc_titles
REVOKE SELECT, INSERT ON TABLE "public"."doc_titles" FROM "migc_golden_gvs_app";
