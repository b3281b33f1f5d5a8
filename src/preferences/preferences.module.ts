import { ErasureList } from './erasure-list.service';
import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { LinkRateLimiter } from './link-rate-limiter.service';
import { PreferenceTokens } from './preference-tokens.service';
import { PreferencesController } from './preferences.controller';
import { PreferencesService } from './preferences.service';
import { SuppressionList } from './suppression-list.service';

/**
 * A customer's own choices: the preference token and page, one-click opt-out (RFC 8058), the
 * suppression list every marketing sender checks, rewards opt-in, and the abuse limits of the
 * "email me a fresh link" form.
 */
@Module({
  imports: [CustomersModule],
  controllers: [PreferencesController],
  providers: [PreferenceTokens, SuppressionList, ErasureList, PreferencesService, LinkRateLimiter],
  exports: [PreferenceTokens, SuppressionList, ErasureList, PreferencesService, LinkRateLimiter],
})
export class PreferencesModule {}
