import { MigrationInterface, QueryRunner } from "typeorm";

/** Hash chain columns; the append-only trigger now lets a row be sealed once (seq, prev_hash, hash) and nothing else. */
export class AuditChain1796410000000 implements MigrationInterface {
    name = 'AuditChain1796410000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "audit_event" ADD "seq" bigint`);
        await queryRunner.query(`ALTER TABLE "audit_event" ADD "prev_hash" character varying(64)`);
        await queryRunner.query(`ALTER TABLE "audit_event" ADD "hash" character varying(64)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "uq_audit_event_seq" ON "audit_event" ("seq") `);
        await queryRunner.query(`CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
     AND ROW(NEW.id, NEW.created_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.subject_type, NEW.subject_id, NEW.details::text)
         IS NOT DISTINCT FROM ROW(OLD.id, OLD.created_at, OLD.actor_type, OLD.actor_id, OLD.action, OLD.subject_type, OLD.subject_id, OLD.details::text)
  THEN RETURN NEW; END IF;
  RAISE EXCEPTION 'audit_event is append-only';
END $$`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$`);
        await queryRunner.query(`DROP INDEX "uq_audit_event_seq"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "hash"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "prev_hash"`);
        await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "seq"`);
    }
}
