import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Raw tokens leave the database: the X sign-in's return path (it holds the invitation token) is stored
 * encrypted. Attempts in flight can't be encrypted here (no key in a migration): they are dropped (they
 * last ten minutes; the customer starts again). Sent emails' job data held their links in the clear:
 * dispatched send-email rows are history (OutboxRelay prunes them after 7 days) and go now.
 */
export class SealedReturnTo1796284167518 implements MigrationInterface {
    name = 'SealedReturnTo1796284167518'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "x_oauth_state"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" DROP COLUMN "return_to"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" ADD "return_to_enc" text NOT NULL`);
        await queryRunner.query(`DELETE FROM "job_outbox" WHERE "job_name" = 'notifications.send-email' AND "dispatched_at" IS NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DELETE FROM "x_oauth_state"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" DROP COLUMN "return_to_enc"`);
        await queryRunner.query(`ALTER TABLE "x_oauth_state" ADD "return_to" character varying(500) NOT NULL`);
    }

}
