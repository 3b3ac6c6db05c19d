CREATE TABLE "admin_role" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "admin_role_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"personnummer" text NOT NULL,
	"role" text NOT NULL,
	"region_code" text,
	"granted_by" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "admin_role_unique" UNIQUE("personnummer","role","region_code"),
	CONSTRAINT "admin_role_role_check" CHECK ("admin_role"."role" in ('operator', 'careProviderAdmin', 'auditor')),
	CONSTRAINT "admin_role_scope_check" CHECK (("admin_role"."role" = 'careProviderAdmin') = ("admin_role"."region_code" is not null))
);
--> statement-breakpoint
ALTER TABLE "admin_role" ADD CONSTRAINT "admin_role_region_code_region_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."region"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "admin_role_personnummer_idx" ON "admin_role" USING btree ("personnummer");