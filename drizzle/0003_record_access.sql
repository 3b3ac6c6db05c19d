CREATE TABLE "access_exception" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "access_exception_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"child" text NOT NULL,
	"care_unit_hsa_id" text NOT NULL,
	"valid_from" text NOT NULL,
	"valid_to" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "access_exception_kind_check" CHECK ("access_exception"."kind" in ('extendedGuardianAccess', 'earlyOwnAccess'))
);
--> statement-breakpoint
CREATE TABLE "care_provider" (
	"hsa_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"region_code" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "care_unit" (
	"hsa_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"care_provider_hsa_id" text NOT NULL,
	"specialty" text,
	"inpatient" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guardian_block" (
	"guardian" text NOT NULL,
	"child" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "guardian_block_guardian_child_pk" PRIMARY KEY("guardian","child")
);
--> statement-breakpoint
CREATE TABLE "login_session" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"personnummer" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"idle_expires_at" timestamp with time zone NOT NULL,
	"absolute_expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "record_seal" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "record_seal_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"subject" text NOT NULL,
	"kind" text NOT NULL,
	"care_unit_hsa_id" text,
	"care_giver_hsa_id" text,
	"period_from" text,
	"period_to" text,
	"set_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"removed_at" timestamp with time zone,
	CONSTRAINT "record_seal_kind_check" CHECK ("record_seal"."kind" in ('account', 'careUnit', 'careGiver', 'period')),
	CONSTRAINT "record_seal_set_by_check" CHECK ("record_seal"."set_by" in ('resident', 'care')),
	CONSTRAINT "record_seal_shape_check" CHECK (("record_seal"."kind" <> 'careUnit' or "record_seal"."care_unit_hsa_id" is not null) and ("record_seal"."kind" <> 'careGiver' or "record_seal"."care_giver_hsa_id" is not null) and ("record_seal"."kind" <> 'period' or "record_seal"."period_from" is not null))
);
--> statement-breakpoint
CREATE TABLE "resident_setting" (
	"personnummer" text PRIMARY KEY NOT NULL,
	"show_unsigned" boolean DEFAULT false NOT NULL,
	"hide_recent" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "care_provider" ADD CONSTRAINT "care_provider_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_exception_child_idx" ON "access_exception" USING btree ("child");--> statement-breakpoint
CREATE INDEX "care_unit_provider_idx" ON "care_unit" USING btree ("care_provider_hsa_id");--> statement-breakpoint
CREATE INDEX "guardian_block_child_idx" ON "guardian_block" USING btree ("child");--> statement-breakpoint
CREATE INDEX "login_session_personnummer_idx" ON "login_session" USING btree ("personnummer");--> statement-breakpoint
CREATE INDEX "login_session_idle_idx" ON "login_session" USING btree ("idle_expires_at");--> statement-breakpoint
CREATE INDEX "record_seal_subject_idx" ON "record_seal" USING btree ("subject");