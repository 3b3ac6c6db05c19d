CREATE TABLE "audit_entry" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_entry_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text NOT NULL,
	"actor_name" text,
	"subject" text,
	"details" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_entry_seq_unique" UNIQUE("seq"),
	CONSTRAINT "audit_entry_seq_positive" CHECK ("audit_entry"."seq" >= 1),
	CONSTRAINT "audit_entry_kind_check" CHECK ("audit_entry"."kind" in ('login', 'logout', 'recordRead', 'itemRead', 'settingsChanged', 'sealChanged', 'rulesChanged', 'adminAction')),
	CONSTRAINT "audit_entry_actor_role_check" CHECK ("audit_entry"."actor_role" in ('self', 'guardian', 'legalRepresentative', 'administrator', 'system')),
	CONSTRAINT "audit_entry_subject_check" CHECK ("audit_entry"."subject" ~ '^[0-9]{8}[0-9A-Zptf]{4}$'),
	CONSTRAINT "audit_entry_hash_check" CHECK ("audit_entry"."hash" ~ '^[0-9a-f]{64}$' and "audit_entry"."prev_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE INDEX "audit_entry_subject_at_idx" ON "audit_entry" USING btree ("subject","at");--> statement-breakpoint
-- Written by hand, since drizzle-kit knows no triggers: the audit log is append-only in the
-- database itself, whichever code holds a connection. Statement-level, so even an UPDATE or DELETE
-- that matches no row is refused. The table's owner can still disable it; the hash chain
-- (src/audit/verify.ts) is what shows a change made that way.
CREATE FUNCTION "audit_entry_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_entry_append_only" BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_entry" FOR EACH STATEMENT EXECUTE FUNCTION "audit_entry_refuse_change"();
