import { FastifyReply } from 'fastify';
import { AppConfig } from '../config/app-config';

/** The httpOnly cookie that carries the same JWT for the staff pages. */
export const ACCESS_TOKEN_COOKIE = 'access_token';
/** Lifetime of an access token and of its cookie. */
export const ACCESS_TOKEN_TTL_SECONDS = 12 * 60 * 60;

function cookieOptions(config: AppConfig) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
  };
}

export function setSessionCookie(reply: FastifyReply, config: AppConfig, token: string): void {
  reply.setCookie(ACCESS_TOKEN_COOKIE, token, { ...cookieOptions(config), maxAge: ACCESS_TOKEN_TTL_SECONDS });
}

export function clearSessionCookie(reply: FastifyReply, config: AppConfig): void {
  reply.clearCookie(ACCESS_TOKEN_COOKIE, cookieOptions(config));
}
