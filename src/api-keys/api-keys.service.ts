import { BadRequestException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../common/actor';
import { stripBidiControls } from '../common/text/invisible-characters';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeyView, toApiKeyView } from './api-key.view';

export const API_KEY_HEADER = 'x-api-key';
const KEY_PREFIX = 'gw_';
/** `gw_` + 8 characters: enough to tell keys apart in a list, far too little to guess the rest. */
const SHOWN_PREFIX_LENGTH = KEY_PREFIX.length + 8;
const KEY_PATTERN = /^gw_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most this often per key. */
export const LAST_USED_RESOLUTION_MS = 60_000;

const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Machine credentials. A key is `gw_` + 32 random bytes (base64url); only its SHA-256 is stored, so the
 * plain key exists only in the answer to `create`.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<ApiKeyView[]> {
    return (await this.keys.list()).map(toApiKeyView);
  }

  /** Creates a key and returns it in plain text; it cannot be shown again. */
  async create(actor: Actor, name: string): Promise<{ apiKey: ApiKeyView; key: string }> {
    const trimmed = stripBidiControls(name ?? '').trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw new BadRequestException(['name must be 1-100 characters']);
    const key = KEY_PREFIX + randomBytes(32).toString('base64url');
    const apiKey = await this.keys.transaction(async (manager) => {
      const saved = await this.keys.insert(
        { name: trimmed, prefix: key.slice(0, SHOWN_PREFIX_LENGTH), keyHash: hashKey(key), createdBy: actor.id },
        manager,
      );
      await this.audit.record(actor, { action: 'api_key.create', subjectType: 'api_key', subjectId: saved.id }, manager);
      return saved;
    });
    return { apiKey: toApiKeyView(apiKey), key };
  }

  /** Revokes a key; revoking it again changes nothing. */
  async revoke(actor: Actor, id: string): Promise<ApiKeyView> {
    const existing = await this.keys.findById(id);
    if (!existing) throw new NotFoundException(`No API key with id ${id}`);
    await this.keys.transaction(async (manager) => {
      if (await this.keys.revoke(id, new Date(), manager)) {
        await this.audit.record(actor, { action: 'api_key.revoke', subjectType: 'api_key', subjectId: id }, manager);
      }
    });
    return toApiKeyView((await this.keys.findById(id))!);
  }

  /** The actor for a presented key, or null when it is malformed, unknown or revoked. Records the use. */
  async authenticate(presented: string): Promise<Actor | null> {
    if (!KEY_PATTERN.test(presented)) return null;
    const apiKey = await this.keys.findActiveByHash(hashKey(presented));
    if (!apiKey) return null;
    const now = new Date();
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failed write must not fail the caller's request.
      await this.keys.touchLastUsed(apiKey.id, now, LAST_USED_RESOLUTION_MS).catch((err: unknown) => {
        this.logger.warn({ msg: 'could not record API key use', apiKeyId: apiKey.id, err });
      });
    }
    return { type: 'api_key', id: apiKey.id };
  }
}
