import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { ApiKeyAllowed, CurrentActor } from '../auth/decorators/auth.decorators';
import { Actor } from '../common/actor';
import { ApiErrors } from '../common/http/api-docs';
import { FeedbackBatchDto, FeedbackItemDto, WebhookAnswerDto } from './dto/feedback-item.dto';
import { FeedbackWebhookService } from './feedback-webhook.service';
import { WebhookThrottleGuard } from './webhook-throttle.guard';

@ApiTags('feedback')
@ApiExtraModels(FeedbackItemDto, FeedbackBatchDto)
@Controller('api/feedback')
export class FeedbackWebhookController {
  constructor(private readonly webhook: FeedbackWebhookService) {}

  /**
   * One response or `{"responses": [...]}` of up to 1,000, with an API key. Idempotent on `responseId`;
   * each item is accepted or rejected on its own. Rate limited per key (429 with Retry-After).
   */
  @Post()
  @ApiKeyAllowed()
  @UseGuards(WebhookThrottleGuard)
  @RouteConfig({ nulCheckedByHandler: true })
  @HttpCode(200)
  @ApiBody({ schema: { oneOf: [{ $ref: getSchemaPath(FeedbackItemDto) }, { $ref: getSchemaPath(FeedbackBatchDto) }] } })
  @ApiOkResponse({ type: WebhookAnswerDto })
  @ApiOperation({ summary: 'Receive feedback: one response, or a batch of up to 1,000' })
  @ApiErrors(400, 413, 429)
  receive(@CurrentActor() actor: Actor, @Body() body: unknown): Promise<WebhookAnswerDto> {
    // The body is checked item by item in the service: one bad item must not refuse the batch.
    return this.webhook.receive(actor, body);
  }
}
