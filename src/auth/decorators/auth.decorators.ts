import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Actor, StaffRole } from '../../common/actor';
import { ApiAccess, ApiNoSecurity } from '../../common/http/api-docs';

export const IS_PUBLIC = 'goodword:public';
export const ROLES = 'goodword:roles';
export const API_KEY_ALLOWED = 'goodword:api-key';

// Each also documents the access it grants (OpenAPI security and 401/403), so the docs can't drift from the guard.

/** No authentication: customer pages, health, webhooks that check their own credentials. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiNoSecurity());

/** Staff roles allowed on a route; every non-public route must name them (deny by default). */
export const Roles = (...roles: StaffRole[]) =>
  applyDecorators(SetMetadata(ROLES, roles), ApiAccess('bearer', `Only ${roles.join(', ').replace(/, (\w+)$/, ' or $1')} may call this`));

/** Machines with an `X-Api-Key` may call this route too. */
export const ApiKeyAllowed = () => applyDecorators(SetMetadata(API_KEY_ALLOWED, true), ApiAccess('api-key'));

/** The authenticated actor, set on the request by the global auth guard. */
export const CurrentActor = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Actor => ctx.switchToHttp().getRequest().user,
);
