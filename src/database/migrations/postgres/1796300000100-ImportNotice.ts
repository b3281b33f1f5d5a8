import { MigrationInterface, QueryRunner } from "typeorm";

export class ImportNotice1796300000100 implements MigrationInterface {
    name = 'ImportNotice1796300000100'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import" ADD "undated" integer NOT NULL DEFAULT '0'`);
        await queryRunner.query(`ALTER TABLE "feedback_import" ADD "notice" character varying(500)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "notice"`);
        await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "undated"`);
    }
}
