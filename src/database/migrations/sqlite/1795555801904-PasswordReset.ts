import { MigrationInterface, QueryRunner } from "typeorm";

export class PasswordReset1795555801904 implements MigrationInterface {
    name = 'PasswordReset1795555801904'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "password_reset_token" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_password_reset_token_purpose" CHECK ("purpose" IN ('reset', 'invitation')))`);
        await queryRunner.query(`CREATE INDEX "ix_password_reset_token_user" ON "password_reset_token" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_password_reset_token_hash" ON "password_reset_token" ("token_hash") `);
        await queryRunner.query(`DROP INDEX "ix_password_reset_token_user"`);
        await queryRunner.query(`DROP INDEX "uq_password_reset_token_hash"`);
        await queryRunner.query(`CREATE TABLE "temporary_password_reset_token" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_password_reset_token_purpose" CHECK ("purpose" IN ('reset', 'invitation')), CONSTRAINT "fk_password_reset_token_user" FOREIGN KEY ("user_id") REFERENCES "staff_user" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_password_reset_token"("id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at") SELECT "id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at" FROM "password_reset_token"`);
        await queryRunner.query(`DROP TABLE "password_reset_token"`);
        await queryRunner.query(`ALTER TABLE "temporary_password_reset_token" RENAME TO "password_reset_token"`);
        await queryRunner.query(`CREATE INDEX "ix_password_reset_token_user" ON "password_reset_token" ("user_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_password_reset_token_hash" ON "password_reset_token" ("token_hash") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "uq_password_reset_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_password_reset_token_user"`);
        await queryRunner.query(`ALTER TABLE "password_reset_token" RENAME TO "temporary_password_reset_token"`);
        await queryRunner.query(`CREATE TABLE "password_reset_token" ("id" varchar PRIMARY KEY NOT NULL, "user_id" varchar NOT NULL, "purpose" varchar(16) NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_password_reset_token_purpose" CHECK ("purpose" IN ('reset', 'invitation')))`);
        await queryRunner.query(`INSERT INTO "password_reset_token"("id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at") SELECT "id", "user_id", "purpose", "token_hash", "expires_at", "used_at", "created_at" FROM "temporary_password_reset_token"`);
        await queryRunner.query(`DROP TABLE "temporary_password_reset_token"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_password_reset_token_hash" ON "password_reset_token" ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_password_reset_token_user" ON "password_reset_token" ("user_id") `);
        await queryRunner.query(`DROP INDEX "uq_password_reset_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_password_reset_token_user"`);
        await queryRunner.query(`DROP TABLE "password_reset_token"`);
    }

}
