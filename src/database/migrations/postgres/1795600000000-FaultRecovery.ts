import { MigrationInterface, QueryRunner } from 'typeorm';

export class FaultRecovery1795600000000 implements MigrationInterface {
  name = 'FaultRecovery1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_outbox" ADD "completed_at" TIMESTAMP WITH TIME ZONE`);
    // Rows dispatched before this column existed: their jobs' fate is unknown; count them as done, as before.
    await queryRunner.query(`UPDATE "job_outbox" SET "completed_at" = "dispatched_at" WHERE "dispatched_at" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "feedback_import" ADD "heartbeat_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "feedback_import" ADD "owner" character varying(200)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "owner"`);
    await queryRunner.query(`ALTER TABLE "feedback_import" DROP COLUMN "heartbeat_at"`);
    await queryRunner.query(`ALTER TABLE "job_outbox" DROP COLUMN "completed_at"`);
  }
}
