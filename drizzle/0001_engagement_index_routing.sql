CREATE TABLE "engagement" (
	"id" text PRIMARY KEY NOT NULL,
	"registered_resident_identification" text NOT NULL,
	"service_domain" text NOT NULL,
	"categorization" text NOT NULL,
	"logical_address" text NOT NULL,
	"business_object_instance_identifier" text NOT NULL,
	"clinical_process_interest_id" text NOT NULL,
	"source_system" text NOT NULL,
	"data_controller" text NOT NULL,
	"owner" text NOT NULL,
	"most_recent_content" timestamp with time zone,
	"creation_time" timestamp with time zone DEFAULT now() NOT NULL,
	"update_time" timestamp with time zone,
	CONSTRAINT "engagement_resident_identification_check" CHECK ("engagement"."registered_resident_identification" ~ '^[0-9]{8}[0-9A-Zptf]{4}$')
);
--> statement-breakpoint
CREATE TABLE "routing_authorization" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "routing_authorization_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"consumer_hsa_id" text NOT NULL,
	"service_contract_namespace" text NOT NULL,
	"logical_address" text NOT NULL,
	"environment" text DEFAULT 'production' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_authorization_unique" UNIQUE("consumer_hsa_id","service_contract_namespace","logical_address","environment"),
	CONSTRAINT "routing_authorization_environment_check" CHECK ("routing_authorization"."environment" in ('sit', 'qa', 'production'))
);
--> statement-breakpoint
CREATE TABLE "routing_entry" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "routing_entry_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"logical_address" text NOT NULL,
	"service_contract_namespace" text NOT NULL,
	"endpoint_url" text NOT NULL,
	"environment" text DEFAULT 'production' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "routing_entry_address_contract_environment_unique" UNIQUE("logical_address","service_contract_namespace","environment"),
	CONSTRAINT "routing_entry_environment_check" CHECK ("routing_entry"."environment" in ('sit', 'qa', 'production'))
);
--> statement-breakpoint
CREATE INDEX "engagement_resident_domain_categorization_idx" ON "engagement" USING btree ("registered_resident_identification","service_domain","categorization");