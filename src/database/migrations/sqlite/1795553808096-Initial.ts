import { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795553808096 implements MigrationInterface {
    name = 'Initial1795553808096'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "audit_event" ("id" varchar PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "actor_type" varchar(16) NOT NULL, "actor_id" varchar(64), "action" varchar(64) NOT NULL, "subject_type" varchar(32), "subject_id" varchar(64), "details" text)`);
        await queryRunner.query(`CREATE INDEX "ix_audit_event_created_at" ON "audit_event" ("created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_audit_event_subject" ON "audit_event" ("subject_type", "subject_id") `);
        await queryRunner.query(`CREATE TABLE "job_outbox" ("id" varchar PRIMARY KEY NOT NULL, "job_name" varchar(100) NOT NULL, "payload" text NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "available_at" datetime NOT NULL, "dispatched_at" datetime, "attempts" integer NOT NULL DEFAULT (0), "last_error" text)`);
        await queryRunner.query(`CREATE INDEX "ix_job_outbox_pending" ON "job_outbox" ("dispatched_at", "available_at") `);
        await queryRunner.query(`CREATE TABLE "location" ("id" varchar PRIMARY KEY NOT NULL, "code" varchar(32) NOT NULL, "name" varchar(200) NOT NULL, "address" varchar(300), "city" varchar(120), "timezone" varchar(64) NOT NULL DEFAULT ('UTC'), "locale" varchar(16) NOT NULL DEFAULT ('en'), "website_url" varchar(500), "review_url" varchar(500), "manager_email" varchar(254), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_location_code" ON "location" ("code") `);
        // The audit log is append-only: the database itself refuses to change history.
        await queryRunner.query(`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON "audit_event" BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`);
        await queryRunner.query(`CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON "audit_event" BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_event_no_delete`);
        await queryRunner.query(`DROP TRIGGER audit_event_no_update`);
        await queryRunner.query(`DROP INDEX "uq_location_code"`);
        await queryRunner.query(`DROP TABLE "location"`);
        await queryRunner.query(`DROP INDEX "ix_job_outbox_pending"`);
        await queryRunner.query(`DROP TABLE "job_outbox"`);
        await queryRunner.query(`DROP INDEX "ix_audit_event_subject"`);
        await queryRunner.query(`DROP INDEX "ix_audit_event_created_at"`);
        await queryRunner.query(`DROP TABLE "audit_event"`);
    }

}
