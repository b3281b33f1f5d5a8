import { MigrationInterface, QueryRunner } from "typeorm";

/** Hash chain columns; the append-only trigger now lets a row be sealed once (seq, prev_hash, hash) and nothing else. */
export class AuditChain1796410000000 implements MigrationInterface {
    name = 'AuditChain1796410000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "audit_event" ADD COLUMN "seq" bigint`);
        await queryRunner.query(`ALTER TABLE "audit_event" ADD COLUMN "prev_hash" varchar(64)`);
        await queryRunner.query(`ALTER TABLE "audit_event" ADD COLUMN "hash" varchar(64)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_audit_event_seq" ON "audit_event" ("seq") `);
        await queryRunner.query(`DROP TRIGGER audit_event_no_update`);
        await queryRunner.query(`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON "audit_event"
WHEN NOT (OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
  AND NEW.id IS OLD.id AND NEW.created_at IS OLD.created_at AND NEW.actor_type IS OLD.actor_type AND NEW.actor_id IS OLD.actor_id
  AND NEW.action IS OLD.action AND NEW.subject_type IS OLD.subject_type AND NEW.subject_id IS OLD.subject_id AND NEW.details IS OLD.details)
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER audit_event_no_update`);
        await queryRunner.query(`CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON "audit_event" BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END`);
        await queryRunner.query(`DROP INDEX "uq_audit_event_seq"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "hash"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "prev_hash"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "seq"`);
    }
}
