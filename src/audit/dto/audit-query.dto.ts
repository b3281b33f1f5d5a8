import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PagedQueryDto } from '../../common/http/paged-query.dto';
import { emptyToUndefined } from '../../common/validation/query-transforms';

const ACTOR_TYPES = ['staff', 'customer', 'api_key', 'system'] as const;

/** Filters of the audit log: who (actor), what (action), on what (entity) and when. */
export class AuditQueryDto extends PagedQueryDto {
  @ApiPropertyOptional({ enum: ACTOR_TYPES })
  @Transform(emptyToUndefined) @IsOptional() @IsIn(ACTOR_TYPES, { message: 'actorType must be staff, customer, api_key or system' })
  actorType?: (typeof ACTOR_TYPES)[number];

  @ApiPropertyOptional({ description: 'the actor id (a staff user, API key or customer id, or a CLI command)' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ example: 'campaign.launched', description: 'an action, or a prefix ending in "." (e.g. "campaign.")' })
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9_.:-]{1,64}$/, { message: 'action must be an action name such as campaign.launched' })
  action?: string;

  @ApiPropertyOptional({ example: 'campaign', description: 'the entity type' })
  @Transform(emptyToUndefined) @IsOptional() @Matches(/^[a-z0-9_]{1,32}$/, { message: 'entity must be an entity type such as campaign' })
  entity?: string;

  @ApiPropertyOptional({ description: 'the entity id' })
  @Transform(emptyToUndefined) @IsOptional() @IsString() @MaxLength(64)
  entityId?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'on or after: ISO date or date-time' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date such as 2026-01-01' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'up to: ISO date (that whole day included) or date-time (exclusive)' })
  @Transform(emptyToUndefined) @IsOptional() @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date such as 2026-12-31' })
  to?: string;
}
