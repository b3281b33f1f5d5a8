import { MigrationInterface } from 'typeorm';
import { Initial1795553808096 } from './1795553808096-Initial';
import { Auth1795554245074 } from './1795554245074-Auth';
import { PasswordReset1795555801904 } from './1795555801904-PasswordReset';
import { Feedback1795556165156 } from './1795556165156-Feedback';
import { Campaigns1795557239698 } from './1795557239698-Campaigns';
import { Reach1795557466447 } from './1795557466447-Reach';
import { XSharing1795557503919 } from './1795557503919-XSharing';
import { Recommendations1795563518993 } from './1795563518993-Recommendations';
import { FaultRecovery1795600000000 } from './1795600000000-FaultRecovery';
import { SealedReturnTo1796284172321 } from './1796284172321-SealedReturnTo';
import { InvitationLeaseOwner1796300000001 } from './1796300000001-InvitationLeaseOwner';
import { ImportNotice1796300000100 } from './1796300000100-ImportNotice';
import { VisitorSalt1796300000200 } from './1796300000200-VisitorSalt';
import { ReachDaily1796300000300 } from './1796300000300-ReachDaily';
import { ClickKeys1796300000400 } from './1796300000400-ClickKeys';
import { XMetrics1796330000000 } from './1796330000000-XMetrics';
import { Rewards1796310000000 } from './1796310000000-Rewards';
import { ErasedEmail1796370000000 } from './1796370000000-ErasedEmail';
import { DataExport1796370000100 } from './1796370000100-DataExport';
import { ClickCaptureKey1796320000000 } from './1796320000000-ClickCaptureKey';
import { ReportDims1796350000000 } from './1796350000000-ReportDims';
import { Insights1796380000000 } from './1796380000000-Insights';
import { AuditChain1796410000000 } from './1796410000000-AuditChain';
import { EndedSession1796420000000 } from './1796420000000-EndedSession';
import { LocationContact1796440000000 } from './1796440000000-LocationContact';

/** In order. A new migration is generated with `npm run typeorm -- migration:generate` and added here. */
export const SQLITE_MIGRATIONS: (new () => MigrationInterface)[] = [Initial1795553808096, Auth1795554245074, PasswordReset1795555801904, Feedback1795556165156, Campaigns1795557239698, Reach1795557466447, XSharing1795557503919, Recommendations1795563518993, FaultRecovery1795600000000, SealedReturnTo1796284172321, InvitationLeaseOwner1796300000001, ImportNotice1796300000100, VisitorSalt1796300000200, ReachDaily1796300000300, ClickKeys1796300000400, Rewards1796310000000, ClickCaptureKey1796320000000, XMetrics1796330000000, ReportDims1796350000000, ErasedEmail1796370000000, DataExport1796370000100, Insights1796380000000, AuditChain1796410000000, EndedSession1796420000000, LocationContact1796440000000];
