import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { concurrencyTokenOf } from '../database/versioning';
import { etagOf } from './rest.decorators';

/** Any REST response that is one versioned resource carries its version as ETag, for If-Match. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = concurrencyTokenOf(body);
        if (version !== undefined) void reply.header('etag', etagOf(version));
        return body;
      }),
    );
  }
}
