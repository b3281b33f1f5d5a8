import { MigrationInterface, QueryRunner } from "typeorm";

export class ClickKeys1796300000400 implements MigrationInterface {
    name = 'ClickKeys1796300000400'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_tracked_link_location" ON "tracked_link" ("location_id") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_tracked_link_location"`);
    }

}
