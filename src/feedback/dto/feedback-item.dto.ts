import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { registerDecorator, ValidationArguments } from 'class-validator';
import { FeedbackField, FIELD_CHECKS, JSON_LABELS, LIMITS } from '../feedback-fields';

/** Runs the shared rule for `field` (feedback-fields.ts) as a class-validator constraint, with its reason as the message. */
function Follows(field: FeedbackField): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: `feedback.${field}`,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => FIELD_CHECKS[field](JSON_LABELS[field], value).ok,
        defaultMessage: (args?: ValidationArguments) => {
          const result = FIELD_CHECKS[field](JSON_LABELS[field], args?.value);
          return result.ok ? `${field} is invalid` : result.reason;
        },
      },
    });
}

/** One response in `POST /api/feedback` (DESIGN.md, Webhook). Unknown properties are refused. */
export class FeedbackItemDto {
  @ApiProperty({ example: 'R_1', maxLength: LIMITS.responseId, description: "The feedback source's id: sending it again changes nothing" })
  @Follows('responseId')
  responseId: string;

  @ApiPropertyOptional({ example: 'ana@example.com', description: 'Without one, the response counts for NPS and reports but nobody can be invited' })
  @Follows('email')
  email?: string;

  @ApiProperty({ example: 'DLR-001' })
  @Follows('locationCode')
  locationCode: string;

  @ApiProperty({ example: 10, minimum: 0, maximum: 10 })
  @Follows('score')
  score: number;

  @ApiPropertyOptional({ example: 'Ana Silva', maxLength: LIMITS.name })
  @Follows('name')
  name?: string;

  @ApiPropertyOptional({ maxLength: LIMITS.phone })
  @Follows('phone')
  phone?: string;

  @ApiPropertyOptional({ example: 'Great service', maxLength: LIMITS.comment })
  @Follows('comment')
  comment?: string;

  @ApiPropertyOptional({ example: '2026-11-20T10:00:00Z', description: 'ISO 8601 (also `2026-11-20 10:00:00 UTC` or `+0100`); when absent, the time it arrives' })
  @Follows('respondedAt')
  respondedAt?: string;

  @ApiPropertyOptional({ example: '2026-11-19' })
  @Follows('visitedAt')
  visitedAt?: string;

  @ApiPropertyOptional({ example: true, description: 'The answer to the marketing question; absent when not asked (counts as no)' })
  @Follows('marketingConsent')
  marketingConsent?: boolean;

  @ApiPropertyOptional({ example: 'service', maxLength: LIMITS.touchpoint, description: 'Where the customer met the business (sales, service, …); reports break down by it' })
  @Follows('touchpoint')
  touchpoint?: string;
}

export class FeedbackBatchDto {
  @ApiProperty({ type: [FeedbackItemDto], maxItems: 1000 })
  responses: FeedbackItemDto[];
}

export class WebhookRejectionDto {
  @ApiProperty({ description: 'Position in the batch (0 for a single response)' })
  index: number;

  @ApiProperty({ nullable: true, type: String })
  responseId: string | null;

  @ApiProperty()
  reason: string;
}

export class WebhookAnswerDto {
  @ApiProperty({ description: 'Responses stored (new, changed or already known)' })
  accepted: number;

  @ApiProperty({ type: [WebhookRejectionDto] })
  rejected: WebhookRejectionDto[];
}
