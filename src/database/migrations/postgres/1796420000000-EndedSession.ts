import { MigrationInterface, QueryRunner } from "typeorm";

/** Signed-out sessions, refused until their token would have expired. */
export class EndedSession1796420000000 implements MigrationInterface {
    name = 'EndedSession1796420000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "ended_session" ("sid" character varying(36) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_ended_session" PRIMARY KEY ("sid"))`);
        await queryRunner.query(`CREATE INDEX "ix_ended_session_expires_at" ON "ended_session" ("expires_at") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_ended_session_expires_at"`);
        await queryRunner.query(`DROP TABLE "ended_session"`);
    }
}
