import { MigrationInterface, QueryRunner } from "typeorm";

export class ErasedEmail1796370000000 implements MigrationInterface {
    name = 'ErasedEmail1796370000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "erased_email" ("email_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e2d699e97df922aa06726616736" PRIMARY KEY ("email_hash"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "erased_email"`);
    }

}
