import { MigrationInterface, QueryRunner } from "typeorm";

export class PasswordReset1795555793529 implements MigrationInterface {
    name = 'PasswordReset1795555793529'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "password_reset_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "purpose" character varying(16) NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_password_reset_token_purpose" CHECK ("purpose" IN ('reset', 'invitation')), CONSTRAINT "PK_838af121380dfe3a6330e04f5bb" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_password_reset_token_user" ON "password_reset_token"  ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_password_reset_token_hash" ON "password_reset_token"  ("token_hash") `);
        await queryRunner.query(`ALTER TABLE "password_reset_token" ADD CONSTRAINT "fk_password_reset_token_user" FOREIGN KEY ("user_id") REFERENCES "staff_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "password_reset_token" DROP CONSTRAINT "fk_password_reset_token_user"`);
        await queryRunner.query(`DROP INDEX "uq_password_reset_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_password_reset_token_user"`);
        await queryRunner.query(`DROP TABLE "password_reset_token"`);
    }

}
