import { MigrationInterface, QueryRunner } from "typeorm";

/** Until when a worker is running an outbox job: a second copy of the job (queued again after Redis lost its data) waits for it. */
export class OutboxRunLease1796480000000 implements MigrationInterface {
    name = 'OutboxRunLease1796480000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "job_outbox" ADD COLUMN "running_until" datetime`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "job_outbox" DROP COLUMN "running_until"`);
    }
}
