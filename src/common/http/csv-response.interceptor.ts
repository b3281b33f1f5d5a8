import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { from, mergeMap, of } from 'rxjs';
import { CsvResponse } from './csv-response';

@Injectable()
export class CsvResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler) {
    return next.handle().pipe(
      mergeMap((body: unknown) => {
        if (!(body instanceof CsvResponse)) return of(body);
        return from(
          body.open().then((stream) => {
            const reply = context.switchToHttp().getResponse<FastifyReply>();
            void reply
              .header('Content-Type', 'text/csv; charset=utf-8')
              .header('Content-Disposition', `attachment; filename="${body.filename}"`);
            return stream;
          }),
        );
      }),
    );
  }
}
