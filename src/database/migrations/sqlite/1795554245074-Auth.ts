import { MigrationInterface, QueryRunner } from "typeorm";

export class Auth1795554245074 implements MigrationInterface {
    name = 'Auth1795554245074'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_key" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "prefix" varchar(16) NOT NULL, "key_hash" varchar(64) NOT NULL, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "created_by" varchar(64), "last_used_at" datetime, "revoked_at" datetime)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_key_hash" ON "api_key" ("key_hash") `);
        await queryRunner.query(`CREATE TABLE "setting" ("key" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE TABLE "staff_user" ("id" varchar PRIMARY KEY NOT NULL, "email" varchar(254) NOT NULL, "password_hash" varchar(255) NOT NULL, "role" varchar(16) NOT NULL, "active" boolean NOT NULL DEFAULT (1), "token_version" integer NOT NULL DEFAULT (0), "last_login_at" datetime, "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')), CONSTRAINT "ck_staff_user_role" CHECK ("role" IN ('admin', 'marketer', 'dealer')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_staff_user_email" ON "staff_user" ("email") `);
        await queryRunner.query(`CREATE TABLE "user_location" ("user_id" varchar NOT NULL, "location_id" varchar NOT NULL, PRIMARY KEY ("user_id", "location_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_84634a7525e249f57586d1fc42" ON "user_location" ("user_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_26a9ca9a9237d81c821481f3ff" ON "user_location" ("location_id") `);
        await queryRunner.query(`DROP INDEX "IDX_84634a7525e249f57586d1fc42"`);
        await queryRunner.query(`DROP INDEX "IDX_26a9ca9a9237d81c821481f3ff"`);
        await queryRunner.query(`CREATE TABLE "temporary_user_location" ("user_id" varchar NOT NULL, "location_id" varchar NOT NULL, CONSTRAINT "fk_user_location_user" FOREIGN KEY ("user_id") REFERENCES "staff_user" ("id") ON DELETE CASCADE ON UPDATE CASCADE, CONSTRAINT "fk_user_location_location" FOREIGN KEY ("location_id") REFERENCES "location" ("id") ON DELETE CASCADE ON UPDATE CASCADE, PRIMARY KEY ("user_id", "location_id"))`);
        await queryRunner.query(`INSERT INTO "temporary_user_location"("user_id", "location_id") SELECT "user_id", "location_id" FROM "user_location"`);
        await queryRunner.query(`DROP TABLE "user_location"`);
        await queryRunner.query(`ALTER TABLE "temporary_user_location" RENAME TO "user_location"`);
        await queryRunner.query(`CREATE INDEX "IDX_84634a7525e249f57586d1fc42" ON "user_location" ("user_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_26a9ca9a9237d81c821481f3ff" ON "user_location" ("location_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "IDX_26a9ca9a9237d81c821481f3ff"`);
        await queryRunner.query(`DROP INDEX "IDX_84634a7525e249f57586d1fc42"`);
        await queryRunner.query(`ALTER TABLE "user_location" RENAME TO "temporary_user_location"`);
        await queryRunner.query(`CREATE TABLE "user_location" ("user_id" varchar NOT NULL, "location_id" varchar NOT NULL, PRIMARY KEY ("user_id", "location_id"))`);
        await queryRunner.query(`INSERT INTO "user_location"("user_id", "location_id") SELECT "user_id", "location_id" FROM "temporary_user_location"`);
        await queryRunner.query(`DROP TABLE "temporary_user_location"`);
        await queryRunner.query(`CREATE INDEX "IDX_26a9ca9a9237d81c821481f3ff" ON "user_location" ("location_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_84634a7525e249f57586d1fc42" ON "user_location" ("user_id") `);
        await queryRunner.query(`DROP INDEX "IDX_26a9ca9a9237d81c821481f3ff"`);
        await queryRunner.query(`DROP INDEX "IDX_84634a7525e249f57586d1fc42"`);
        await queryRunner.query(`DROP TABLE "user_location"`);
        await queryRunner.query(`DROP INDEX "uq_staff_user_email"`);
        await queryRunner.query(`DROP TABLE "staff_user"`);
        await queryRunner.query(`DROP TABLE "setting"`);
        await queryRunner.query(`DROP INDEX "uq_api_key_hash"`);
        await queryRunner.query(`DROP TABLE "api_key"`);
    }

}
