import { Global, Module } from '@nestjs/common';
import { AuditService } from './audit.service';
import { AuditChain } from './audit-chain';

@Global()
@Module({ providers: [AuditService, AuditChain], exports: [AuditService, AuditChain] })
export class AuditModule {}
