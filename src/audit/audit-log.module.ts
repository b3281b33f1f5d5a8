import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuditLog } from './audit-log';
import { AuditPagesController } from './audit-pages.controller';
import { AuditController } from './audit.controller';

/** The admin's read of the audit log (API, page, chain check); writing stays with the global AuditModule. */
@Module({ imports: [UsersModule], providers: [AuditLog], controllers: [AuditController, AuditPagesController] })
export class AuditLogModule {}
