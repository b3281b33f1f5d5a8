import { BadRequestException, Injectable } from '@nestjs/common';
import { Actor } from '../common/actor';
import { findNul, hasNul, nulMessage } from '../common/validation/nul-characters';
import { validatePlain } from '../common/validation/validate-plain';
import { LocationsService } from '../locations/locations.service';
import { SettingsService } from '../settings/settings.service';
import { FeedbackItemDto, WebhookAnswerDto, WebhookRejectionDto } from './dto/feedback-item.dto';
import { JSON_LABELS, LIMITS, parseFeedback } from './feedback-fields';
import { FeedbackIngestService, IngestItem } from './feedback-ingest.service';
import { LocationDirectory } from './location-directory';

export const WEBHOOK_MAX_ITEMS = 1000;

/**
 * `POST /api/feedback`: one response or `{"responses": [...]}` of up to 1,000, each validated on its
 * own (a bad item never sinks the batch) and written through the same ingest as file imports.
 */
@Injectable()
export class FeedbackWebhookService {
  constructor(
    private readonly ingest: FeedbackIngestService,
    private readonly locations: LocationsService,
    private readonly settings: SettingsService,
  ) {}

  async receive(actor: Actor, body: unknown): Promise<WebhookAnswerDto> {
    const list = itemsOf(body);
    const rejected: WebhookRejectionDto[] = [];
    const items: IngestItem[] = [];
    const now = Date.now();
    list.forEach((raw, index) => {
      const responseId = typeof (raw as { responseId?: unknown })?.responseId === 'string' ? ((raw as { responseId: string }).responseId.trim().slice(0, LIMITS.responseId) || null) : null;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        rejected.push({ index, responseId: null, reason: 'each response must be a JSON object' });
        return;
      }
      // Judged per item (the global body check skips this route): one bad item must not refuse the batch.
      const nul = findNul(raw);
      if (nul) {
        rejected.push({ index, responseId: responseId && !hasNul(responseId) ? responseId : null, reason: nulMessage(nul) });
        return;
      }
      const checked = validatePlain(FeedbackItemDto, raw);
      const parsed = checked.errors ? checked : parseFeedback(checked.value, JSON_LABELS, now);
      if (parsed.errors) rejected.push({ index, responseId, reason: parsed.errors.join('; ') });
      else items.push({ ref: index, input: parsed.value });
    });
    const outcome = await this.ingest.ingest(items, {
      actor,
      locations: await LocationDirectory.load(this.locations),
      alertWindowDays: (await this.settings.get()).alertWindowDays,
    });
    rejected.push(...outcome.rejected.map((r) => ({ index: r.ref, responseId: r.responseId, reason: r.reason })));
    rejected.sort((a, b) => a.index - b.index);
    return { accepted: outcome.created + outcome.updated + outcome.unchanged, rejected };
  }
}

function itemsOf(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestException('The body must be one response object or {"responses": [...]}');
  }
  if (!('responses' in body)) return [body];
  const responses = (body as { responses: unknown }).responses;
  if (!Array.isArray(responses)) throw new BadRequestException('responses must be an array');
  if (responses.length === 0) throw new BadRequestException('responses must not be empty');
  if (responses.length > WEBHOOK_MAX_ITEMS) {
    throw new BadRequestException(`responses must hold at most ${WEBHOOK_MAX_ITEMS} items (got ${responses.length}): split the batch`);
  }
  if (Object.keys(body).length > 1) throw new BadRequestException('A batch holds only "responses"');
  return responses;
}
