import { ApiKey } from './api-key.entity';

/** What lists show of a key: never its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt,
    createdBy: key.createdBy,
    lastUsedAt: key.lastUsedAt,
    revokedAt: key.revokedAt,
  };
}

export const API_KEY_CSV_COLUMNS = ['id', 'name', 'prefix', 'createdAt', 'createdBy', 'lastUsedAt', 'revokedAt'] as const;
