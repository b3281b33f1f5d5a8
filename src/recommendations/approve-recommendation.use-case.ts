import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { isUniqueViolation } from '../common/database/unique-violation';
import { AppConfig } from '../config/app-config';
import { LandingView } from '../invitations/invitation-landing.service';
import { PreferencesService } from '../preferences/preferences.service';
import { OfferForAdvocate, RewardsRanOut, RewardsService } from '../rewards/rewards.service';
import { IntentChannel } from '../sharing/intent-links';
import { SharesService } from '../sharing/shares.service';
import { hashText } from '../sharing/x/x-status';
import { ApprovalRequest } from './approval-request.entity';
import { Recommendation } from './recommendation.entity';
import { approvedTextOf, authorNameOf, draftProblems, normaliseDraft, xCheckFor } from './recommendation-text';
import { RecommendationsRepository } from './recommendations.repository';

export interface Draft {
  /** What the customer wrote (normalised here). */
  text: string;
  /** The channels ticked, already limited to the campaign's. */
  channels: IntentChannel[];
  /** The customer ticked the reward box (unticked by default); kept only while the campaign's offer has codes left. */
  rewardAccepted: boolean;
}

export interface DraftPreview {
  draft: Draft;
  /** The approved text this draft would become (disclosure line included). */
  approvedText: string;
  /** X's count of the post with its link; null when X isn't chosen. */
  x: { weightedLength: number; valid: boolean } | null;
  problems: string[];
  /** The customer asked for the gift but none is left: approving goes on without it and without the disclosure. */
  rewardGone: boolean;
}

export interface Approval extends Draft {
  /** The customer ticked "I wrote this and I'm happy for it to be shared under my first name". */
  confirmed: boolean;
  ip: string | null;
  userAgent: string | null;
}

/**
 * The customer approves what they wrote (principle 1). Stores the approved text with its hash, time and
 * channels as consent evidence, the request's IP and browser apart (erasure deletes those), one share with
 * its own tracked link per channel, and an audit entry, in one transaction. An invitation gets one
 * recommendation: approving again answers the one already approved, unchanged.
 */
@Injectable()
export class ApproveRecommendation {
  constructor(
    private readonly recommendations: RecommendationsRepository,
    private readonly shares: SharesService,
    private readonly rewards: RewardsService,
    private readonly preferences: PreferencesService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The campaign's thank-you as this customer may see it: none when the campaign has no offer or the
   * customer turned rewards off on their preference page.
   */
  async offerFor(landing: LandingView): Promise<OfferForAdvocate | null> {
    const offer = await this.rewards.offerFor(landing.campaignId);
    if (!offer || (await this.preferences.rewardsOptedOut(landing.customerId))) return null;
    return offer;
  }

  /** What the preview shows for a draft, and what stands in the way of approving it. */
  async preview(landing: LandingView, draft: Draft): Promise<DraftPreview> {
    const text = normaliseDraft(draft.text);
    const offer = draft.rewardAccepted ? await this.offerFor(landing) : null;
    const accepted = offer !== null && offer.available;
    const clean: Draft = { ...draft, text, rewardAccepted: accepted };
    const approvedText = approvedTextOf(text, accepted ? offer.disclosure : null);
    const problems = draftProblems(text);
    if (clean.channels.length === 0) problems.push('Please choose at least one place to share it.');
    let x: DraftPreview['x'] = null;
    if (clean.channels.includes('x') && text !== '') {
      const check = xCheckFor(approvedText, this.config.publicUrl);
      x = { weightedLength: check.weightedLength, valid: check.valid };
      if (!check.valid) {
        problems.push(`It is too long for X: ${check.weightedLength} of 280 characters with the link. Shorten it, or untick X.`);
      }
    }
    return { draft: clean, approvedText, x, problems, rewardGone: offer !== null && !offer.available };
  }

  /** `at`: when it is approved, if not now (the demo seed's past). */
  async execute(landing: LandingView, approval: Approval, at?: Date): Promise<Recommendation> {
    const existing = await this.recommendations.findByInvitation(landing.invitationId);
    if (existing) return existing;
    const preview = await this.preview(landing, approval);
    const problems = [...preview.problems];
    if (!approval.confirmed) problems.push('Please tick the box to confirm you wrote this and are happy for it to be shared.');
    if (problems.length > 0) throw new BadRequestException(problems);
    // Ran out since the preview: approving now would drop the disclosure they saw, so nothing is approved.
    if (preview.rewardGone) throw new RewardsRanOut();

    try {
      return await this.recommendations.transaction(async (manager) => {
        const recommendation = await manager.save(
          manager.create(Recommendation, {
            invitationId: landing.invitationId,
            customerId: landing.customerId,
            campaignId: landing.campaignId,
            locationId: landing.locationId,
            authorName: authorNameOf(landing.name),
            text: preview.approvedText,
            textHash: hashText(preview.approvedText),
            channels: preview.draft.channels,
            rewardAccepted: preview.draft.rewardAccepted,
            approvedAt: at ?? new Date(),
          }),
        );
        await manager.insert(ApprovalRequest, {
          recommendationId: recommendation.id,
          ip: approval.ip?.slice(0, 45) ?? null,
          userAgent: approval.userAgent?.slice(0, 500) ?? null,
        });
        if (recommendation.rewardAccepted) {
          // Inside this transaction: no code, no approval (RewardsRanOut rolls it all back).
          await this.rewards.reserve(manager, landing.campaignId, {
            customerId: landing.customerId,
            recommendationId: recommendation.id,
            locationId: landing.locationId,
            issuedAt: recommendation.approvedAt,
          });
          await this.preferences.acceptRewards(manager, landing.customerId);
        }
        await this.shares.create(manager, recommendation, preview.draft.channels);
        await this.audit.record(
          { type: 'customer', id: landing.customerId },
          {
            action: 'recommendation.approve',
            subjectType: 'recommendation',
            subjectId: recommendation.id,
            details: { textHash: recommendation.textHash, channels: recommendation.channels, rewardAccepted: recommendation.rewardAccepted },
          },
          manager,
        );
        return recommendation;
      });
    } catch (error) {
      // The same form sent twice at once: the first approval stands.
      if (!isUniqueViolation(error)) throw error;
      return (await this.recommendations.findByInvitation(landing.invitationId))!;
    }
  }
}
