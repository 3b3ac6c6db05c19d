CREATE TABLE "agent" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "agent_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"name" text NOT NULL,
	"organisation_number" text NOT NULL,
	"agreement_reference" text NOT NULL,
	"care_provider_hsa_ids" text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "onboarding_step" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "onboarding_step_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" bigint NOT NULL,
	"step" text NOT NULL,
	"done_by" text NOT NULL,
	"done_by_name" text,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	"note" text,
	"report" jsonb,
	CONSTRAINT "onboarding_step_unique" UNIQUE("connection_id","step")
);
--> statement-breakpoint
CREATE TABLE "producer_call" (
	"day" text NOT NULL,
	"logical_address" text NOT NULL,
	"contract" text NOT NULL,
	"system_name" text,
	"calls" integer NOT NULL,
	"failures" integer NOT NULL,
	"latency_buckets" integer[] NOT NULL,
	"total_ms" bigint NOT NULL,
	CONSTRAINT "producer_call_day_logical_address_contract_pk" PRIMARY KEY("day","logical_address","contract")
);
--> statement-breakpoint
CREATE TABLE "producer_connection" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "producer_connection_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"region_code" text NOT NULL,
	"care_provider_hsa_ids" text[] NOT NULL,
	"source_system_id" text,
	"source_system_name" text,
	"agent_id" bigint,
	"logical_address" text NOT NULL,
	"contracts" text[] NOT NULL,
	"endpoint_sit" text,
	"endpoint_qa" text,
	"endpoint_production" text,
	"applied_on" text NOT NULL,
	"planned_production_date" text,
	"last_verification" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "producer_connection_kind_check" CHECK ("producer_connection"."kind" in ('new', 'addInformationTypes')),
	CONSTRAINT "producer_connection_system_check" CHECK ("producer_connection"."source_system_id" is not null or "producer_connection"."source_system_name" is not null)
);
--> statement-breakpoint
CREATE TABLE "registry_change_connection" (
	"region_code" text NOT NULL,
	"care_level" text NOT NULL,
	"connection_id" bigint NOT NULL,
	CONSTRAINT "registry_change_connection_region_code_care_level_connection_id_pk" PRIMARY KEY("region_code","care_level","connection_id")
);
--> statement-breakpoint
ALTER TABLE "onboarding_step" ADD CONSTRAINT "onboarding_step_connection_id_producer_connection_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."producer_connection"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "producer_connection" ADD CONSTRAINT "producer_connection_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "producer_connection" ADD CONSTRAINT "producer_connection_source_system_id_ehr_system_id_fk" FOREIGN KEY ("source_system_id") REFERENCES "public"."ehr_system"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "producer_connection" ADD CONSTRAINT "producer_connection_agent_id_agent_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agent"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_change_connection" ADD CONSTRAINT "registry_change_connection_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_change_connection" ADD CONSTRAINT "registry_change_connection_connection_id_producer_connection_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."producer_connection"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "producer_connection_region_idx" ON "producer_connection" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "producer_connection_address_idx" ON "producer_connection" USING btree ("logical_address");--> statement-breakpoint
CREATE INDEX "audit_entry_kind_at_idx" ON "audit_entry" USING btree ("kind","at");