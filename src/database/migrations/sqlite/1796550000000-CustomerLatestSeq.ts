import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A customer's latest response is the last by (responded_at, import_seq). Import batches that share customers
 * now commit in any order, so the tie on responded_at is broken by the latest response's import_seq kept on the
 * customer row (read under the row lock), not by which batch happened to commit last.
 */
export class CustomerLatestSeq1796550000000 implements MigrationInterface {
    name = 'CustomerLatestSeq1796550000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer" ADD "latest_import_seq" bigint`);
        await queryRunner.query(`UPDATE "customer" SET "latest_import_seq" = r."import_seq" FROM "feedback_response" r WHERE r."id" = "customer"."latest_response_id"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer" DROP COLUMN "latest_import_seq"`);
    }
}
