import { MigrationInterface, QueryRunner } from "typeorm";

/** A location's phone and opening hours, shown on its public page. */
export class LocationContact1796440000000 implements MigrationInterface {
    name = 'LocationContact1796440000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "location" ADD COLUMN "phone" varchar(40)`);
        await queryRunner.query(`ALTER TABLE "location" ADD COLUMN "opening_hours" varchar(500)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "location" DROP COLUMN "opening_hours"`);
        await queryRunner.query(`ALTER TABLE "location" DROP COLUMN "phone"`);
    }
}
