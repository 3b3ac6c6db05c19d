CREATE TABLE "disclosure_policy_version" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "disclosure_policy_version_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"region_code" text NOT NULL,
	"version" integer NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"policy" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"note" text,
	CONSTRAINT "disclosure_policy_version_region_version_unique" UNIQUE("region_code","version"),
	CONSTRAINT "disclosure_policy_version_version_positive" CHECK ("disclosure_policy_version"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "ehr_system" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"full_name" text,
	"vendor" text NOT NULL,
	"care_levels" text[] NOT NULL,
	"care_level_note" text,
	"used_in" text NOT NULL,
	"history" text,
	"same_as" text,
	"sources" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "region" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"county_name" text NOT NULL,
	"source" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "region_system" (
	"region_code" text NOT NULL,
	"care_level" text NOT NULL,
	"system_id" text,
	"source" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text,
	CONSTRAINT "region_system_region_code_care_level_pk" PRIMARY KEY("region_code","care_level"),
	CONSTRAINT "region_system_care_level_check" CHECK ("region_system"."care_level" in ('primary', 'hospital', 'planned')),
	CONSTRAINT "region_system_system_required" CHECK ("region_system"."system_id" is not null or "region_system"."care_level" = 'planned')
);
--> statement-breakpoint
ALTER TABLE "disclosure_policy_version" ADD CONSTRAINT "disclosure_policy_version_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ehr_system" ADD CONSTRAINT "ehr_system_same_as_ehr_system_id_fk" FOREIGN KEY ("same_as") REFERENCES "public"."ehr_system"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_system" ADD CONSTRAINT "region_system_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "region_system" ADD CONSTRAINT "region_system_system_id_ehr_system_id_fk" FOREIGN KEY ("system_id") REFERENCES "public"."ehr_system"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "disclosure_policy_version_region_effective_idx" ON "disclosure_policy_version" USING btree ("region_code","effective_from");