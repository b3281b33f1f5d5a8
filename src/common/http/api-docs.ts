import { RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { ApiOperation, ApiProperty, ApiResponse, ApiSecurity, DECORATORS } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';

/** The one error shape of the API (see AllExceptionsFilter). */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400 })
  statusCode: number;

  @ApiProperty({ type: [String], example: ['name must be 1-200 characters'], description: 'Each problem, readable as it is' })
  message: string[];

  @ApiProperty({ example: 'Bad Request', description: 'The HTTP status text' })
  error: string;
}

const ERRORS = {
  400: 'The request is not valid: `message` lists each problem',
  401: 'No credentials, or invalid or expired ones',
  403: 'These credentials may not call this route',
  404: 'Not found, or not visible to you',
  409: 'Conflicts with the current state',
  413: 'The body or file is larger than the limit',
  429: 'Too many requests: wait for Retry-After seconds',
} as const;

export type ErrorStatus = keyof typeof ERRORS;

type Decorator = <T>(target: object, key?: string | symbol, descriptor?: TypedPropertyDescriptor<T>) => void;

/**
 * The 4xx answers of a route (or of every route of a controller), in the API's error shape:
 * `@ApiErrors(400, 404, { 409: 'Only a draft campaign can be launched' })`.
 */
export function ApiErrors(...errors: (ErrorStatus | Partial<Record<ErrorStatus, string>>)[]): Decorator {
  const described = errors.flatMap((e) => (typeof e === 'number' ? [[e, ERRORS[e]] as const] : Object.entries(e).map(([s, d]) => [Number(s), d] as const)));
  return (target, key, descriptor) => {
    for (const [status, description] of described) {
      const example = { statusCode: status, message: [description], error: STATUS_CODES[status] };
      ApiResponse({ status, description, type: ErrorResponseDto, example })(target, key!, descriptor!);
    }
    if (descriptor) keepSuccessResponse(target, descriptor.value as object);
  };
}

/**
 * Who may call: the security scheme, and the 401/403 the access guard answers. At class level, on each
 * route that doesn't say otherwise: a public one, or one that names this scheme itself, is left alone.
 */
export function ApiAccess(scheme: 'bearer' | 'api-key', forbidden: string = ERRORS[403]): Decorator {
  const onRoute = (prototype: object, key: string | symbol, descriptor: PropertyDescriptor) => {
    ApiSecurity(scheme)(prototype, key, descriptor);
    ApiErrors(401, { 403: forbidden })(prototype, key, descriptor);
  };
  return (target, key, descriptor) => {
    if (descriptor) return onRoute(target, key!, descriptor);
    forEachRoute(target, (prototype, name, route) => {
      const operation: { security?: unknown[] } | undefined = Reflect.getMetadata(DECORATORS.API_OPERATION, route.value);
      const security: Record<string, unknown>[] = Reflect.getMetadata(DECORATORS.API_SECURITY, route.value) ?? [];
      if (operation?.security?.length === 0 || security.some((requirement) => scheme in requirement)) return;
      onRoute(prototype, name, route);
    });
  };
}

/**
 * `security: []` on the operation (on each of a controller's, at class level): no credentials needed.
 * `summary: undefined` keeps a summary set by another @ApiOperation (ApiOperation defaults it to '').
 */
export function ApiNoSecurity(): Decorator {
  const noSecurity = ApiOperation({ summary: undefined, security: [] });
  return (target, key, descriptor) => {
    if (descriptor) return void noSecurity(target, key!, descriptor);
    forEachRoute(target, noSecurity);
  };
}

/** A class decorator's way to decorate each method (route handler) of the class. */
function forEachRoute(target: object, decorate: (prototype: object, name: string, method: PropertyDescriptor) => void): void {
  const prototype = (target as { prototype: object }).prototype;
  for (const name of Object.getOwnPropertyNames(prototype)) {
    const method = Object.getOwnPropertyDescriptor(prototype, name)!;
    if (name !== 'constructor' && typeof method.value === 'function') decorate(prototype, name, method);
  }
}

/**
 * @nestjs/swagger documents a route's success status only while the route declares no response, and
 * @Post/@HttpCode are applied after the decorators below them: so once the class is fully decorated (the
 * same tick), add that status back.
 */
function keepSuccessResponse(prototype: object, handler: object): void {
  process.nextTick(() => {
    const responses: Record<string, unknown> = Reflect.getMetadata(DECORATORS.API_RESPONSE, handler) ?? {};
    if (Object.keys(responses).some((status) => status.startsWith('2'))) return;
    const method = Reflect.getMetadata(METHOD_METADATA, handler);
    const status = Reflect.getMetadata(HTTP_CODE_METADATA, handler) ?? (method === RequestMethod.POST ? 201 : 200);
    ApiResponse({ status })(prototype, '', { value: handler });
  });
}
