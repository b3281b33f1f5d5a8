import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795553805735 implements MigrationInterface {
    name = 'Initial1795553805735'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" character varying(16) NOT NULL, "actor_id" character varying(64), "action" character varying(64) NOT NULL, "subject_type" character varying(32), "subject_id" character varying(64), "details" jsonb, CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_audit_event_created_at" ON "audit_event"  ("created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_event_subject" ON "audit_event"  ("subject_type", "subject_id") `);
        await queryRunner.query(`CREATE TABLE "job_outbox" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "job_name" character varying(100) NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "available_at" TIMESTAMP WITH TIME ZONE NOT NULL, "dispatched_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "last_error" text, CONSTRAINT "PK_c3ba45dab51e3016acef18d0433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_job_outbox_pending" ON "job_outbox"  ("dispatched_at", "available_at") `);
        await queryRunner.query(`CREATE TABLE "location" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" character varying(32) NOT NULL, "name" character varying(200) NOT NULL, "address" character varying(300), "city" character varying(120), "timezone" character varying(64) NOT NULL DEFAULT 'UTC', "locale" character varying(16) NOT NULL DEFAULT 'en', "website_url" character varying(500), "review_url" character varying(500), "manager_email" character varying(254), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_876d7bdba03c72251ec4c2dc827" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_location_code" ON "location"  ("code") `);
        // The audit log is append-only: the database itself refuses to change history.
        await queryRunner.query(`CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$`);
        await queryRunner.query(`CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON "audit_event" FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_event_append_only ON "audit_event"`);
        await queryRunner.query(`DROP FUNCTION audit_event_append_only()`);
        await queryRunner.query(`DROP INDEX "uq_location_code"`);
        await queryRunner.query(`DROP TABLE "location"`);
        await queryRunner.query(`DROP INDEX "ix_job_outbox_pending"`);
        await queryRunner.query(`DROP TABLE "job_outbox"`);
        await queryRunner.query(`DROP INDEX "ix_audit_event_subject"`);
        await queryRunner.query(`DROP INDEX "ix_audit_event_created_at"`);
        await queryRunner.query(`DROP TABLE "audit_event"`);
    }

}
