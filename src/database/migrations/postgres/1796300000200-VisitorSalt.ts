import { MigrationInterface, QueryRunner } from "typeorm";

export class VisitorSalt1796300000200 implements MigrationInterface {
    name = 'VisitorSalt1796300000200'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "visitor_salt" ("day" character varying(10) NOT NULL, "salt" character varying(64) NOT NULL, CONSTRAINT "PK_3c2be37513feb04bb1ab82c1e21" PRIMARY KEY ("day"))`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "visitor_salt"`);
    }

}
