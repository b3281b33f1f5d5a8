import { MigrationInterface, QueryRunner } from 'typeorm';

export class InvitationLeaseOwner1796300000001 implements MigrationInterface {
  name = 'InvitationLeaseOwner1796300000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitation" ADD COLUMN "lease_owner" varchar(200)`);
    // Link tokens used to be written when a message was claimed: those of invitations never sent were never emailed.
    await queryRunner.query(
      `UPDATE "invitation_token" SET "revoked_at" = datetime('now') WHERE "revoked_at" IS NULL
         AND "invitation_id" IN (SELECT "id" FROM "invitation" WHERE "status" <> 'sent')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitation" DROP COLUMN "lease_owner"`);
  }
}
