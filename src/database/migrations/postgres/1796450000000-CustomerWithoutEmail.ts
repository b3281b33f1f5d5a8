import { MigrationInterface, QueryRunner } from "typeorm";

/** A customer may have no email: a survey response that came without one counts for NPS and reports, and is never invited. */
export class CustomerWithoutEmail1796450000000 implements MigrationInterface {
    name = 'CustomerWithoutEmail1796450000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "customer" ALTER COLUMN "email" DROP NOT NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        // The old schema needs an address: customers without one get a placeholder, as erased ones do.
        await queryRunner.query(`UPDATE "customer" SET "email" = 'no-email:' || "id" WHERE "email" IS NULL`);
        await queryRunner.query(`ALTER TABLE "customer" ALTER COLUMN "email" SET NOT NULL`);
    }
}
