import { MigrationInterface, QueryRunner } from "typeorm";

export class VisitorSalt1796300000200 implements MigrationInterface {
    name = 'VisitorSalt1796300000200'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "visitor_salt" ("day" varchar(10) PRIMARY KEY NOT NULL, "salt" varchar(64) NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "visitor_salt"`);
    }

}
