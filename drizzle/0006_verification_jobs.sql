CREATE TABLE "verification_job" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "verification_job_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" bigint NOT NULL,
	"status" text NOT NULL,
	"checks_done" integer DEFAULT 0 NOT NULL,
	"checks_total" integer DEFAULT 0 NOT NULL,
	"test_patients" text[] NOT NULL,
	"note" text,
	"requested_by" text NOT NULL,
	"requested_by_name" text,
	"report" jsonb,
	"error" text,
	"problem" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "verification_job" ADD CONSTRAINT "verification_job_connection_id_producer_connection_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."producer_connection"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verification_job_connection_idx" ON "verification_job" USING btree ("connection_id","id");