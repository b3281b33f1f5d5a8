import { Injectable, Logger } from '@nestjs/common';
import { JobContext, JobHandler, JobProcessor } from '../../jobs';
import { PostToX } from './post-to-x.use-case';
import { XNotConfiguredError } from './x-errors';
import { DELETE_X_POST_JOB, POST_TO_X_JOB } from './x-jobs';
import { XPostService } from './x-post.service';

@Injectable()
@JobHandler(POST_TO_X_JOB)
export class PostToXProcessor implements JobProcessor<{ postId: string }> {
  constructor(private readonly postToX: PostToX) {}

  async process(data: { postId: string }, context: JobContext): Promise<void> {
    await this.postToX.execute(data.postId, { finalAttempt: context.attempt >= POST_TO_X_JOB.options.attempts! });
  }
}

@Injectable()
@JobHandler(DELETE_X_POST_JOB)
export class DeleteXPostProcessor implements JobProcessor<{ shareId: string }> {
  private readonly logger = new Logger('XSharing');

  constructor(private readonly posts: XPostService) {}

  async process(data: { shareId: string }): Promise<void> {
    try {
      await this.posts.delete(data.shareId);
    } catch (error) {
      if (!(error instanceof XNotConfiguredError)) throw error;
      this.logger.warn({ msg: 'X post not deleted: X is no longer configured', shareId: data.shareId });
    }
  }
}
