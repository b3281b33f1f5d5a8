import { MigrationInterface, QueryRunner } from "typeorm";

/** Survey-export mappings kept by name, applied to the next file with the same header rows. */
export class SavedMapping1796460000000 implements MigrationInterface {
    name = 'SavedMapping1796460000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "saved_mapping" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "signature" character varying(64) NOT NULL, "mapping" jsonb NOT NULL, "location_code" character varying(32), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3d84abab5c87001f3aaccb6cd2" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_saved_mapping_name" ON "saved_mapping"  ("name") `);
        await queryRunner.query(`CREATE INDEX "ix_saved_mapping_signature" ON "saved_mapping"  ("signature") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "public"."ix_saved_mapping_signature"`);
        await queryRunner.query(`DROP INDEX "public"."uq_saved_mapping_name"`);
        await queryRunner.query(`DROP TABLE "saved_mapping"`);
    }

}
