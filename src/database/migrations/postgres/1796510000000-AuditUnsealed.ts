import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The sealer's queue: rows not yet in the hash chain, in the order it seals them. Without it each sealing
 * round read every unsealed row through the seq index and sorted them, which grew with the backlog a large
 * import leaves (a tenth of a second per round at 1M rows); sealed rows leave the partial index.
 */
export class AuditUnsealed1796510000000 implements MigrationInterface {
    name = 'AuditUnsealed1796510000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE INDEX "ix_audit_event_unsealed" ON "audit_event" ("created_at", "id") WHERE "seq" IS NULL`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_audit_event_unsealed"`);
    }
}
