import { MigrationInterface, QueryRunner } from "typeorm";

export class Feedback1795556153123 implements MigrationInterface {
    name = 'Feedback1795556153123'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "customer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "name" character varying(200), "phone" character varying(50), "marketing_consent" boolean NOT NULL DEFAULT false, "consent_updated_at" TIMESTAMP WITH TIME ZONE, "consent_response_id" uuid, "latest_response_id" uuid, "latest_score" smallint, "latest_segment" character varying(16), "latest_location_id" uuid, "latest_responded_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_customer_latest_segment" CHECK ("latest_segment" IN ('promoter', 'passive', 'detractor')), CONSTRAINT "PK_a7a13f4cacb744524e44dfdad32" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_customer_email" ON "customer"  ("email") `);
        await queryRunner.query(`CREATE INDEX "ix_customer_latest" ON "customer"  ("latest_segment", "latest_location_id", "latest_responded_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_response" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "response_id" character varying(100) NOT NULL, "customer_id" uuid NOT NULL, "location_id" uuid NOT NULL, "score" smallint NOT NULL, "segment" character varying(16) NOT NULL, "comment" text, "name" character varying(200), "phone" character varying(50), "responded_at" TIMESTAMP WITH TIME ZONE NOT NULL, "visited_at" TIMESTAMP WITH TIME ZONE, "marketing_consent" boolean, "import_seq" bigint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_feedback_response_segment" CHECK ("segment" IN ('promoter', 'passive', 'detractor')), CONSTRAINT "ck_feedback_response_score" CHECK ("score" BETWEEN 0 AND 10), CONSTRAINT "PK_460a90032eebb635e073c7ba103" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_feedback_response_response_id" ON "feedback_response"  ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_location_time" ON "feedback_response"  ("location_id", "responded_at") `);
        await queryRunner.query(`CREATE INDEX "ix_feedback_response_customer_latest" ON "feedback_response"  ("customer_id", "responded_at", "import_seq") `);
        await queryRunner.query(`CREATE TABLE "detractor_alert" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "response_id" uuid NOT NULL, "location_id" uuid NOT NULL, "status" character varying(16) NOT NULL DEFAULT 'open', "notified" boolean NOT NULL DEFAULT false, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by" character varying(64), "resolution_note" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_detractor_alert_status" CHECK ("status" IN ('open', 'resolved')), CONSTRAINT "PK_20f6d1127d4321c4c3cf942b08b" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_detractor_alert_response" ON "detractor_alert"  ("response_id") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_status" ON "detractor_alert"  ("status", "created_at") `);
        await queryRunner.query(`CREATE INDEX "ix_detractor_alert_location" ON "detractor_alert"  ("location_id", "status", "created_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_import" ("id" uuid NOT NULL, "source" character varying(16) NOT NULL, "filename" character varying(255), "status" character varying(16) NOT NULL, "error" character varying(500), "rows_total" integer NOT NULL DEFAULT '0', "accepted" integer NOT NULL DEFAULT '0', "rejected" integer NOT NULL DEFAULT '0', "created" integer NOT NULL DEFAULT '0', "updated" integer NOT NULL DEFAULT '0', "unchanged" integer NOT NULL DEFAULT '0', "alerts" integer NOT NULL DEFAULT '0', "actor_type" character varying(16) NOT NULL, "actor_id" character varying(64), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_feedback_import_status" CHECK ("status" IN ('queued', 'running', 'done', 'failed')), CONSTRAINT "ck_feedback_import_source" CHECK ("source" IN ('upload', 'api', 'cli')), CONSTRAINT "PK_646387ad946614ce46b56ca7eb3" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_feedback_import_created_at" ON "feedback_import"  ("created_at") `);
        await queryRunner.query(`CREATE TABLE "feedback_import_error" ("import_id" uuid NOT NULL, "line" integer NOT NULL, "response_id" character varying(100), "reason" character varying(1000) NOT NULL, CONSTRAINT "PK_0cc422ea90cf88a8e798736028f" PRIMARY KEY ("import_id", "line"))`);
        await queryRunner.query(`CREATE TABLE "feedback_sequence" ("name" character varying(32) NOT NULL, "value" bigint NOT NULL, CONSTRAINT "PK_4ab98c93d79f42af1de503b2bd3" PRIMARY KEY ("name"))`);
        await queryRunner.query(`ALTER TABLE "feedback_response" ADD CONSTRAINT "fk_feedback_response_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "feedback_response" ADD CONSTRAINT "fk_feedback_response_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "detractor_alert" ADD CONSTRAINT "fk_detractor_alert_response" FOREIGN KEY ("response_id") REFERENCES "feedback_response"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "detractor_alert" ADD CONSTRAINT "fk_detractor_alert_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "feedback_import_error" ADD CONSTRAINT "fk_feedback_import_error_import" FOREIGN KEY ("import_id") REFERENCES "feedback_import"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import_error" DROP CONSTRAINT "fk_feedback_import_error_import"`);
        await queryRunner.query(`ALTER TABLE "detractor_alert" DROP CONSTRAINT "fk_detractor_alert_location"`);
        await queryRunner.query(`ALTER TABLE "detractor_alert" DROP CONSTRAINT "fk_detractor_alert_response"`);
        await queryRunner.query(`ALTER TABLE "feedback_response" DROP CONSTRAINT "fk_feedback_response_location"`);
        await queryRunner.query(`ALTER TABLE "feedback_response" DROP CONSTRAINT "fk_feedback_response_customer"`);
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
