import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, StaffRole } from '../../common/actor';

export const IS_PUBLIC = 'goodword:public';
export const ROLES = 'goodword:roles';
export const API_KEY_ALLOWED = 'goodword:api-key';

/** No authentication: customer pages, health, webhooks that check their own credentials. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Staff roles allowed on a route; every non-public route must name them (deny by default). */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES, roles);

/** Machines with an `X-Api-Key` may call this route too. */
export const ApiKeyAllowed = () => SetMetadata(API_KEY_ALLOWED, true);

/** The authenticated actor, set on the request by the global auth guard. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest().user,
);
