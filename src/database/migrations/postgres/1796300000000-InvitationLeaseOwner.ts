import { MigrationInterface, QueryRunner } from 'typeorm';

export class InvitationLeaseOwner1796300000000 implements MigrationInterface {
  name = 'InvitationLeaseOwner1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitation" ADD "lease_owner" character varying(200)`);
    // Link tokens used to be written when a message was claimed: those of invitations never sent were never emailed.
    await queryRunner.query(
      `UPDATE "invitation_token" SET "revoked_at" = now() WHERE "revoked_at" IS NULL
         AND "invitation_id" IN (SELECT "id" FROM "invitation" WHERE "status" <> 'sent')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "invitation" DROP COLUMN "lease_owner"`);
  }
}
