import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EndedSession } from './ended-session.entity';
import { EndedSessions } from './ended-sessions.repository';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { AppConfig } from '../config/app-config';
import { SettingsModule } from '../settings/settings.module';
import { UsersModule } from '../users/users.module';
import { AccountPagesController } from './account-pages.controller';
import { AuthPagesController } from './auth-pages.controller';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AccessGuard } from './guards/access.guard';
import { LocalAuthGuard } from './guards/local-auth.guard';
import { AUTH_THROTTLING } from './guards/throttling';
import { ACCESS_TOKEN_TTL_SECONDS } from './session-cookie';
import { LocalStrategy } from './strategies/local.strategy';

/**
 * Staff sign-in and the global access guard (deny by default; see AccessGuard). Brings in the staff
 * administration modules — users, API keys, settings — whose services other modules import directly.
 */
@Module({
  imports: [
    UsersModule,
    ApiKeysModule,
    SettingsModule,
    PassportModule.register({ session: false }),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: ACCESS_TOKEN_TTL_SECONDS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRoot(AUTH_THROTTLING),
    TypeOrmModule.forFeature([EndedSession]),
  ],
  controllers: [AuthController, AuthPagesController, AccountPagesController],
  providers: [AuthService, EndedSessions, LocalStrategy, LocalAuthGuard, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AuthService, UsersModule, ApiKeysModule, SettingsModule],
})
export class AuthModule {}
