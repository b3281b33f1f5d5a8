import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Raw tokens leave the database: the X sign-in's return path (it holds the invitation token) is stored
 * encrypted. Attempts in flight can't be encrypted here (no key in a migration): they are dropped (they
 * last ten minutes; the customer starts again), so the table is rebuilt empty. Sent emails' job data
 * held their links in the clear: dispatched send-email rows are history (OutboxRelay prunes them after
 * 7 days) and go now.
 */
export class SealedReturnTo1796284172321 implements MigrationInterface {
    name = 'SealedReturnTo1796284172321'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "x_oauth_state"`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to_enc" text NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_x_oauth_state_share" FOREIGN KEY ("share_id") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
        await queryRunner.query(`DELETE FROM "job_outbox" WHERE "job_name" = 'notifications.send-email' AND "dispatched_at" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "x_oauth_state"`);
        await queryRunner.query(`CREATE TABLE "x_oauth_state" ("id" varchar PRIMARY KEY NOT NULL, "state_hash" varchar(64) NOT NULL, "code_verifier_enc" text NOT NULL, "customer_id" varchar NOT NULL, "return_to" varchar(500) NOT NULL, "share_id" varchar, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_x_oauth_state_share" FOREIGN KEY ("share_id") REFERENCES "share" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "fk_x_oauth_state_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_x_oauth_state_hash" ON "x_oauth_state" ("state_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_customer" ON "x_oauth_state" ("customer_id") `);
        await queryRunner.query(`CREATE INDEX "ix_x_oauth_state_expires_at" ON "x_oauth_state" ("expires_at") `);
    }

}
