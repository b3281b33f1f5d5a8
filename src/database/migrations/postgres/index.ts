import { MigrationInterface } from 'typeorm';
import { Initial1795553805735 } from './1795553805735-Initial';
import { Auth1795554240295 } from './1795554240295-Auth';
import { PasswordReset1795555793529 } from './1795555793529-PasswordReset';
import { Feedback1795556153123 } from './1795556153123-Feedback';
import { Campaigns1795557225985 } from './1795557225985-Campaigns';
import { Reach1795557452703 } from './1795557452703-Reach';
import { XSharing1795557485986 } from './1795557485986-XSharing';
import { Recommendations1795563510545 } from './1795563510545-Recommendations';
import { FaultRecovery1795600000000 } from './1795600000000-FaultRecovery';
import { SealedReturnTo1796284167518 } from './1796284167518-SealedReturnTo';
import { InvitationLeaseOwner1796300000000 } from './1796300000000-InvitationLeaseOwner';
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
export const POSTGRES_MIGRATIONS: (new () => MigrationInterface)[] = [Initial1795553805735, Auth1795554240295, PasswordReset1795555793529, Feedback1795556153123, Campaigns1795557225985, Reach1795557452703, XSharing1795557485986, Recommendations1795563510545, FaultRecovery1795600000000, SealedReturnTo1796284167518, InvitationLeaseOwner1796300000000, ImportNotice1796300000100, VisitorSalt1796300000200, ReachDaily1796300000300, ClickKeys1796300000400, Rewards1796310000000, ClickCaptureKey1796320000000, XMetrics1796330000000, ReportDims1796350000000, ErasedEmail1796370000000, DataExport1796370000100, Insights1796380000000, AuditChain1796410000000, EndedSession1796420000000, LocationContact1796440000000];
