import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { concurrencyTokenOf } from '../database/versioning';

/**
 * A versioned resource's REST responses carry its version as ETag, for If-Match. Attached by
 * `@Operation()` to the routes whose response has a version.
 */
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

/** The ETag of a resource version: the number, quoted (what `If-Match` sends back). */
export function etagOf(version: number): string {
  return `"${version}"`;
}
