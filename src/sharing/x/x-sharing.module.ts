import { Module, OnApplicationShutdown } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secret-box';
import { AppConfig } from '../../config/app-config';
import { PostToX } from './post-to-x.use-case';
import { XAuthController } from './x-auth.controller';
import { XClientFactory } from './x-client.factory';
import { XConnectionService } from './x-connection.service';
import { DeleteXPostProcessor, PostToXProcessor } from './x-job.processors';
import { XMetricsProcessor, XMetricsScheduler } from './x-metrics.job';
import { XMetricsService } from './x-metrics.service';
import { XOAuthService } from './x-oauth.service';
import { XPostBudgetService } from './x-post-budget.service';
import { XPostService } from './x-post.service';

/**
 * "Post it for me on X": connecting a customer's X account (OAuth 2.0 PKCE, `/auth/x/callback`), posting
 * an approved text once through a job, deleting it on withdrawal, and reading its public metrics (on
 * demand with the account's token, and at 1 h/1 d/7 d/30 d with X_BEARER_TOKEN: XMetricsService).
 * The share page uses `XOAuthService.start` and `XPostService`; everything is off (`enabled` false)
 * without X_CLIENT_ID/X_CLIENT_SECRET. Needs the global Config, Database, Jobs and Audit modules.
 */
@Module({
  controllers: [XAuthController],
  providers: [
    { provide: SecretBox, inject: [AppConfig], useFactory: (config: AppConfig) => new SecretBox(config.encryptionKey) },
    XClientFactory,
    XConnectionService,
    XOAuthService,
    XPostBudgetService,
    XPostService,
    PostToX,
    PostToXProcessor,
    DeleteXPostProcessor,
    XMetricsService,
    XMetricsProcessor,
    XMetricsScheduler,
  ],
  exports: [XOAuthService, XConnectionService, XPostService, XPostBudgetService, XMetricsService],
})
export class XSharingModule implements OnApplicationShutdown {
  constructor(private readonly clients: XClientFactory) {}

  onApplicationShutdown(): void {
    this.clients.destroy();
  }
}
