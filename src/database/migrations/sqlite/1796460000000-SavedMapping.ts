import { MigrationInterface, QueryRunner } from "typeorm";

/** Survey-export mappings kept by name, applied to the next file with the same header rows. */
export class SavedMapping1796460000000 implements MigrationInterface {
    name = 'SavedMapping1796460000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "saved_mapping" ("id" varchar PRIMARY KEY NOT NULL, "name" varchar(100) NOT NULL, "signature" varchar(64) NOT NULL, "mapping" text NOT NULL, "location_code" varchar(32), "created_at" datetime NOT NULL DEFAULT (datetime('now')), "updated_at" datetime NOT NULL DEFAULT (datetime('now')))`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_saved_mapping_name" ON "saved_mapping" ("name") `);
        await queryRunner.query(`CREATE INDEX "ix_saved_mapping_signature" ON "saved_mapping" ("signature") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_saved_mapping_signature"`);
        await queryRunner.query(`DROP INDEX "uq_saved_mapping_name"`);
        await queryRunner.query(`DROP TABLE "saved_mapping"`);
    }

}
