import { MigrationInterface, QueryRunner } from "typeorm";

export class Auth1795554240295 implements MigrationInterface {
    name = 'Auth1795554240295'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "key_hash" character varying(64) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "created_by" character varying(64), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_api_key_hash" ON "api_key"  ("key_hash") `);
        await queryRunner.query(`CREATE TABLE "setting" ("key" character varying(64) NOT NULL, "value" jsonb NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_1c4c95d773004250c157a744d6e" PRIMARY KEY ("key"))`);
        await queryRunner.query(`CREATE TABLE "staff_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" character varying(16) NOT NULL, "active" boolean NOT NULL DEFAULT true, "token_version" integer NOT NULL DEFAULT '0', "last_login_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "ck_staff_user_role" CHECK ("role" IN ('admin', 'marketer', 'dealer')), CONSTRAINT "PK_cec9365d9fc3a3409158b645f2e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_staff_user_email" ON "staff_user"  ("email") `);
        await queryRunner.query(`CREATE TABLE "user_location" ("user_id" uuid NOT NULL, "location_id" uuid NOT NULL, CONSTRAINT "PK_23e0285bff754c09b132abdc87d" PRIMARY KEY ("user_id", "location_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_84634a7525e249f57586d1fc42" ON "user_location"  ("user_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_26a9ca9a9237d81c821481f3ff" ON "user_location"  ("location_id") `);
        await queryRunner.query(`ALTER TABLE "user_location" ADD CONSTRAINT "fk_user_location_user" FOREIGN KEY ("user_id") REFERENCES "staff_user"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "user_location" ADD CONSTRAINT "fk_user_location_location" FOREIGN KEY ("location_id") REFERENCES "location"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "user_location" DROP CONSTRAINT "fk_user_location_location"`);
        await queryRunner.query(`ALTER TABLE "user_location" DROP CONSTRAINT "fk_user_location_user"`);
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
