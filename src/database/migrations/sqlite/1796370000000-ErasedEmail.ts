import { MigrationInterface, QueryRunner } from "typeorm";

export class ErasedEmail1796370000000 implements MigrationInterface {
    name = 'ErasedEmail1796370000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "erased_email" ("email_hash" varchar(64) PRIMARY KEY NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "erased_email"`);
    }

}
