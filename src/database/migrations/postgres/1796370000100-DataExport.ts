import { MigrationInterface, QueryRunner } from "typeorm";

export class DataExport1796370000100 implements MigrationInterface {
    name = 'DataExport1796370000100'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "data_export_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_aa5a00f55206940a621ddb271b8" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "ix_data_export_token_customer" ON "data_export_token"  ("customer_id") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_data_export_token_hash" ON "data_export_token"  ("token_hash") `);
        await queryRunner.query(`ALTER TABLE "data_export_token" ADD CONSTRAINT "fk_data_export_token_customer" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "data_export_token" DROP CONSTRAINT "fk_data_export_token_customer"`);
        await queryRunner.query(`DROP INDEX "public"."uq_data_export_token_hash"`);
        await queryRunner.query(`DROP INDEX "public"."ix_data_export_token_customer"`);
        await queryRunner.query(`DROP TABLE "data_export_token"`);
    }

}
