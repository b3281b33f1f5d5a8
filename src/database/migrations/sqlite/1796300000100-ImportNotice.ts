import { MigrationInterface, QueryRunner } from "typeorm";

/** ADD COLUMN rather than the generated table rebuild: dropping feedback_import would cascade to its rejected rows. */
export class ImportNotice1796300000100 implements MigrationInterface {
    name = 'ImportNotice1796300000100'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import" ADD COLUMN "undated" integer NOT NULL DEFAULT (0)`);
        await queryRunner.query(`ALTER TABLE "feedback_import" ADD COLUMN "notice" varchar(500)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "notice"`);
        await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "undated"`);
    }
}
