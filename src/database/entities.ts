import { AuditEvent } from '../audit/audit-event.entity';
import { ClickEvent } from '../reach/click-event.entity';
import { ClickStreamEntry } from '../reach/click-stream-entry.entity';
import { VisitorSalt } from '../reach/visitor-salt.entity';
import {
  ReachDaily,
  ReachDailyClosed,
  ReachDailyLive,
  ReachLocationDaily,
  ReachLocationDailyClosed,
  ReachLocationDailyLive,
  ReachLocationMonthly,
  ReachVisitorDay,
} from '../reach/reach-daily.entity';
import { TrackedLink } from '../reach/tracked-link.entity';
import { OutboxMessage } from '../jobs/outbox-message.entity';
import { Location } from '../locations/location.entity';
import { ApiKey } from '../api-keys/api-key.entity';
import { Setting } from '../settings/setting.entity';
import { User } from '../users/user.entity';
import { PasswordResetToken } from '../users/password-reset-token.entity';
import { Customer } from '../customers/customer.entity';
import { DetractorAlert } from '../feedback/detractor-alert.entity';
import { FeedbackImport, FeedbackImportError } from '../feedback/feedback-import.entity';
import { SavedMapping } from '../feedback/saved-mapping.entity';
import { FeedbackResponse } from '../feedback/feedback-response.entity';
import { FeedbackSequence } from '../feedback/feedback-sequence.entity';
import { Campaign } from '../campaigns/campaign.entity';
import { Invitation } from '../invitations/invitation.entity';
import { InvitationToken } from '../invitations/invitation-token.entity';
import { MarketingMessage } from '../invitations/marketing-message.entity';
import { PreferenceToken } from '../preferences/preference-token.entity';
import { DataExportToken } from '../privacy/data-export-token.entity';
import { ErasedEmail } from '../preferences/erased-email.entity';
import { Suppression } from '../preferences/suppression.entity';
import { CustomerPreference } from '../preferences/customer-preference.entity';
import { LinkRequest } from '../preferences/link-request.entity';
import { XConnection } from '../sharing/x/x-connection.entity';
import { XOAuthState } from '../sharing/x/x-oauth-state.entity';
import { XPost } from '../sharing/x/x-post.entity';
import { XPostBudget } from '../sharing/x/x-post-budget.entity';
import { XPostMetricsSnapshot } from '../sharing/x/x-post-metrics.entity';
import { XReadBudget } from '../sharing/x/x-read-budget.entity';
import { Share } from '../sharing/share.entity';
import { Recommendation } from '../recommendations/recommendation.entity';
import { ApprovalRequest } from '../recommendations/approval-request.entity';
import { RewardOffer } from '../rewards/reward-offer.entity';
import { RewardCode } from '../rewards/reward-code.entity';
import { Theme } from '../insights/theme.entity';
import { RosterEntry } from '../insights/roster-entry.entity';
import { DigestDelivery, DigestOptOut, LocationDigestSetting } from '../insights/digest.entity';
import { EndedSession } from '../auth/ended-session.entity';

/** Every entity, listed explicitly so the app, the CLI and the migration drift test see the same model. */
export const ENTITIES = [Location, AuditEvent, OutboxMessage, User, ApiKey, Setting, PasswordResetToken,
  Customer, FeedbackResponse, FeedbackImport, FeedbackImportError, SavedMapping, FeedbackSequence, DetractorAlert,
  XConnection, XOAuthState, XPost, XPostBudget, XPostMetricsSnapshot, XReadBudget, Share, Recommendation, ApprovalRequest,
  Campaign, Invitation, InvitationToken, MarketingMessage, PreferenceToken, Suppression, ErasedEmail, CustomerPreference, LinkRequest, TrackedLink, ClickEvent, ClickStreamEntry, VisitorSalt, ReachDaily, ReachDailyClosed, ReachDailyLive,
  ReachLocationDaily, ReachLocationDailyClosed, ReachLocationDailyLive, ReachLocationMonthly, ReachVisitorDay,
  RewardOffer, RewardCode, Theme, RosterEntry, DigestDelivery, DigestOptOut, LocationDigestSetting, DataExportToken, EndedSession];
