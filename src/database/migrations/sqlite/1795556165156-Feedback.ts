import { MigrationInterface, QueryRunner } from "typeorm";

export class Feedback1795556165156 implements MigrationInterface {
    name = 'Feedback1795556165156'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "customer" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "name" varchar(200), "phone" varchar(50), "marketing_consent" boolean NOT NULL DEFAULT (0), "consent_updated_at" datetime, "consent_response_id" varchar, "latest_response_id" varchar, "latest_score" smallint, "latest_segment" varchar(16), "latest_location_id" varchar, "latest_responded_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_customer_latest_segment" CHECK ("latest_segment" IN ('promoter', 'passive', 'detractor')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_customer_email" ON "customer" ("email") `);
        await queryRunner.query(`CREATE INDEX "ix_customer_latest" ON "customer" ("latest_segment", "latest_location_id", "latest_responded_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_response" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar(100) NOT NULL, "customer_id" varchar NOT NULL, "location_id" varchar NOT NULL, "score" smallint NOT NULL, "segment" varchar(16) NOT NULL, "comment" text, "name" varchar(200), "phone" varchar(50), "responded_at" datetime NOT NULL, "visited_at" datetime, "marketing_consent" boolean, "import_seq" bigint NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_feedback_response_segment" CHECK ("segment" IN ('promoter', 'passive', 'detractor')), CONSTRAINT "ck_feedback_response_score" CHECK ("score" BETWEEN 0 AND 10))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_feedback_response_response_id" ON "feedback_response" ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_time" ON "feedback_response" ("location_id", "responded_at") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_customer_latest" ON "feedback_response" ("customer_id", "responded_at", "import_seq") `);
        await queryRunner.query(`CREATE TABLE "detractor_alert" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar NOT NULL, "location_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('open'), "notified" boolean NOT NULL DEFAULT (0), "resolved_at" datetime, "resolved_by" varchar(64), "resolution_note" text, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_detractor_alert_status" CHECK ("status" IN ('open', 'resolved')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_detractor_alert_response" ON "detractor_alert" ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_status" ON "detractor_alert" ("status", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_location" ON "detractor_alert" ("location_id", "status", "created_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_import" ("id" varchar PRIMARY KEY NOT NULL, "source" varchar(16) NOT NULL, "filename" varchar(255), "status" varchar(16) NOT NULL, "error" varchar(500), "rows_total" integer NOT NULL DEFAULT (0), "accepted" integer NOT NULL DEFAULT (0), "rejected" integer NOT NULL DEFAULT (0), "created" integer NOT NULL DEFAULT (0), "updated" integer NOT NULL DEFAULT (0), "unchanged" integer NOT NULL DEFAULT (0), "alerts" integer NOT NULL DEFAULT (0), "actor_type" varchar(16) NOT NULL, "actor_id" varchar(64), "started_at" datetime, "finished_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_feedback_import_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed')), CONSTRAINT "ck_feedback_import_source" CHECK ("source" IN ('upload', 'api', 'cli')))`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_import_created_at" ON "feedback_import" ("created_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_import_error" ("import_id" varchar NOT NULL, "line" integer NOT NULL, "response_id" varchar(100), "reason" varchar(1000) NOT NULL, PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`CREATE TABLE "feedback_sequence" ("name" varchar(32) PRIMARY KEY NOT NULL, "value" bigint NOT NULL)`);
        await queryRunner.query(`DROP INDEX "uq_feedback_response_response_id"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_time"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_customer_latest"`);
        await queryRunner.query(`CREATE TABLE "temporary_feedback_response" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar(100) NOT NULL, "customer_id" varchar NOT NULL, "location_id" varchar NOT NULL, "score" smallint NOT NULL, "segment" varchar(16) NOT NULL, "comment" text, "name" varchar(200), "phone" varchar(50), "responded_at" datetime NOT NULL, "visited_at" datetime, "marketing_consent" boolean, "import_seq" bigint NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_feedback_response_segment" CHECK ("segment" IN ('promoter', 'passive', 'detractor')), CONSTRAINT "ck_feedback_response_score" CHECK ("score" BETWEEN 0 AND 10), CONSTRAINT "fk_feedback_response_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_feedback_response_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_feedback_response"("id", "response_id", "customer_id", "location_id", "score", "segment", "comment", "name", "phone", "responded_at", "visited_at", "marketing_consent", "import_seq", "created_at", "updated_at") SELECT "id", "response_id", "customer_id", "location_id", "score", "segment", "comment", "name", "phone", "responded_at", "visited_at", "marketing_consent", "import_seq", "created_at", "updated_at" FROM "feedback_response"`);
        await queryRunner.query(`DROP TABLE "feedback_response"`);
        await queryRunner.query(`ALTER TABLE "temporary_feedback_response" RENAME TO "feedback_response"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_feedback_response_response_id" ON "feedback_response" ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_time" ON "feedback_response" ("location_id", "responded_at") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_customer_latest" ON "feedback_response" ("customer_id", "responded_at", "import_seq") `);
        await queryRunner.query(`DROP INDEX "uq_detractor_alert_response"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_status"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_location"`);
        await queryRunner.query(`CREATE TABLE "temporary_detractor_alert" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar NOT NULL, "location_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('open'), "notified" boolean NOT NULL DEFAULT (0), "resolved_at" datetime, "resolved_by" varchar(64), "resolution_note" text, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_detractor_alert_status" CHECK ("status" IN ('open', 'resolved')), CONSTRAINT "fk_detractor_alert_response" FOREIGN KEY ("response_id") REFERENCES "feedback_response" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_detractor_alert_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_detractor_alert"("id", "response_id", "location_id", "status", "notified", "resolved_at", "resolved_by", "resolution_note", "created_at", "updated_at") SELECT "id", "response_id", "location_id", "status", "notified", "resolved_at", "resolved_by", "resolution_note", "created_at", "updated_at" FROM "detractor_alert"`);
        await queryRunner.query(`DROP TABLE "detractor_alert"`);
        await queryRunner.query(`ALTER TABLE "temporary_detractor_alert" RENAME TO "detractor_alert"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_detractor_alert_response" ON "detractor_alert" ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_status" ON "detractor_alert" ("status", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_location" ON "detractor_alert" ("location_id", "status", "created_at") `);
        await queryRunner.query(`CREATE TABLE "temporary_feedback_import_error" ("import_id" varchar NOT NULL, "line" integer NOT NULL, "response_id" varchar(100), "reason" varchar(1000) NOT NULL, CONSTRAINT "fk_feedback_import_error_import" FOREIGN KEY ("import_id") REFERENCES "feedback_import" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`INSERT INTO "temporary_feedback_import_error"("import_id", "line", "response_id", "reason") SELECT "import_id", "line", "response_id", "reason" FROM "feedback_import_error"`);
        await queryRunner.query(`DROP TABLE "feedback_import_error"`);
        await queryRunner.query(`ALTER TABLE "temporary_feedback_import_error" RENAME TO "feedback_import_error"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import_error" RENAME TO "temporary_feedback_import_error"`);
        await queryRunner.query(`CREATE TABLE "feedback_import_error" ("import_id" varchar NOT NULL, "line" integer NOT NULL, "response_id" varchar(100), "reason" varchar(1000) NOT NULL, PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`INSERT INTO "feedback_import_error"("import_id", "line", "response_id", "reason") SELECT "import_id", "line", "response_id", "reason" FROM "temporary_feedback_import_error"`);
        await queryRunner.query(`DROP TABLE "temporary_feedback_import_error"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_location"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_status"`);
        await queryRunner.query(`DROP INDEX "uq_detractor_alert_response"`);
        await queryRunner.query(`ALTER TABLE "detractor_alert" RENAME TO "temporary_detractor_alert"`);
        await queryRunner.query(`CREATE TABLE "detractor_alert" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar NOT NULL, "location_id" varchar NOT NULL, "status" varchar(16) NOT NULL DEFAULT ('open'), "notified" boolean NOT NULL DEFAULT (0), "resolved_at" datetime, "resolved_by" varchar(64), "resolution_note" text, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_detractor_alert_status" CHECK ("status" IN ('open', 'resolved')))`);
        await queryRunner.query(`INSERT INTO "detractor_alert"("id", "response_id", "location_id", "status", "notified", "resolved_at", "resolved_by", "resolution_note", "created_at", "updated_at") SELECT "id", "response_id", "location_id", "status", "notified", "resolved_at", "resolved_by", "resolution_note", "created_at", "updated_at" FROM "temporary_detractor_alert"`);
        await queryRunner.query(`DROP TABLE "temporary_detractor_alert"`);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_location" ON "detractor_alert" ("location_id", "status", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_status" ON "detractor_alert" ("status", "created_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_detractor_alert_response" ON "detractor_alert" ("response_id") `);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_customer_latest"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_time"`);
        await queryRunner.query(`DROP INDEX "uq_feedback_response_response_id"`);
        await queryRunner.query(`ALTER TABLE "feedback_response" RENAME TO "temporary_feedback_response"`);
        await queryRunner.query(`CREATE TABLE "feedback_response" ("id" varchar PRIMARY KEY NOT NULL, "response_id" varchar(100) NOT NULL, "customer_id" varchar NOT NULL, "location_id" varchar NOT NULL, "score" smallint NOT NULL, "segment" varchar(16) NOT NULL, "comment" text, "name" varchar(200), "phone" varchar(50), "responded_at" datetime NOT NULL, "visited_at" datetime, "marketing_consent" boolean, "import_seq" bigint NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_feedback_response_segment" CHECK ("segment" IN ('promoter', 'passive', 'detractor')), CONSTRAINT "ck_feedback_response_score" CHECK ("score" BETWEEN 0 AND 10))`);
        await queryRunner.query(`INSERT INTO "feedback_response"("id", "response_id", "customer_id", "location_id", "score", "segment", "comment", "name", "phone", "responded_at", "visited_at", "marketing_consent", "import_seq", "created_at", "updated_at") SELECT "id", "response_id", "customer_id", "location_id", "score", "segment", "comment", "name", "phone", "responded_at", "visited_at", "marketing_consent", "import_seq", "created_at", "updated_at" FROM "temporary_feedback_response"`);
        await queryRunner.query(`DROP TABLE "temporary_feedback_response"`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_customer_latest" ON "feedback_response" ("customer_id", "responded_at", "import_seq") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_time" ON "feedback_response" ("location_id", "responded_at") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_feedback_response_response_id" ON "feedback_response" ("response_id") `);
        await queryRunner.query(`DROP TABLE "feedback_sequence"`);
        await queryRunner.query(`DROP TABLE "feedback_import_error"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_import_created_at"`);
        await queryRunner.query(`DROP TABLE "feedback_import"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_location"`);
        await queryRunner.query(`DROP INDEX "ix_detractor_alert_status"`);
        await queryRunner.query(`DROP INDEX "uq_detractor_alert_response"`);
        await queryRunner.query(`DROP TABLE "detractor_alert"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_customer_latest"`);
        await queryRunner.query(`DROP INDEX "ix_feedback_response_location_time"`);
        await queryRunner.query(`DROP INDEX "uq_feedback_response_response_id"`);
        await queryRunner.query(`DROP TABLE "feedback_response"`);
        await queryRunner.query(`DROP INDEX "ix_customer_latest"`);
        await queryRunner.query(`DROP INDEX "uq_customer_email"`);
        await queryRunner.query(`DROP TABLE "customer"`);
    }

}
