import { MigrationInterface, QueryRunner } from "typeorm";

export class DataExport1796370000100 implements MigrationInterface {
    name = 'DataExport1796370000100'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "data_export_token" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE INDEX "ix_data_export_token_customer" ON "data_export_token" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_data_export_token_hash" ON "data_export_token" ("token_hash") `);
        await queryRunner.query(`DROP INDEX "ix_data_export_token_customer"`);
        await queryRunner.query(`DROP INDEX "uq_data_export_token_hash"`);
        await queryRunner.query(`CREATE TABLE "temporary_data_export_token" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "fk_data_export_token_customer" FOREIGN KEY ("customer_id") REFERENCES "customer" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`);
        await queryRunner.query(`INSERT INTO "temporary_data_export_token"("id", "customer_id", "token_hash", "expires_at", "used_at", "created_at") SELECT "id", "customer_id", "token_hash", "expires_at", "used_at", "created_at" FROM "data_export_token"`);
        await queryRunner.query(`DROP TABLE "data_export_token"`);
        await queryRunner.query(`ALTER TABLE "temporary_data_export_token" RENAME TO "data_export_token"`);
        await queryRunner.query(`CREATE INDEX "ix_data_export_token_customer" ON "data_export_token" ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_data_export_token_hash" ON "data_export_token" ("token_hash") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "uq_data_export_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_data_export_token_customer"`);
        await queryRunner.query(`ALTER TABLE "data_export_token" RENAME TO "temporary_data_export_token"`);
        await queryRunner.query(`CREATE TABLE "data_export_token" ("id" varchar PRIMARY KEY NOT NULL, "customer_id" varchar NOT NULL, "token_hash" varchar(64) NOT NULL, "expires_at" datetime NOT NULL, "used_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`INSERT INTO "data_export_token"("id", "customer_id", "token_hash", "expires_at", "used_at", "created_at") SELECT "id", "customer_id", "token_hash", "expires_at", "used_at", "created_at" FROM "temporary_data_export_token"`);
        await queryRunner.query(`DROP TABLE "temporary_data_export_token"`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_data_export_token_hash" ON "data_export_token" ("token_hash") `);
        await queryRunner.query(`CREATE INDEX "ix_data_export_token_customer" ON "data_export_token" ("customer_id") `);
        await queryRunner.query(`DROP INDEX "uq_data_export_token_hash"`);
        await queryRunner.query(`DROP INDEX "ix_data_export_token_customer"`);
        await queryRunner.query(`DROP TABLE "data_export_token"`);
    }

}
