-- rename index users_email_lookup to users_email_idx
ALTER INDEX "public"."users_email_lookup" RENAME TO "users_email_idx";
