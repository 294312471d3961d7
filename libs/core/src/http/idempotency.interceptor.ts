import { createHash } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { Clock } from '../clock';
import { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { EntityManager } from 'typeorm';
import { Actor } from '../auth/actor';
import { canonicalJson, toJson } from '../audit/canonical-json';
import { HttpConfig } from '../config/config';
import { SecretBox } from '../crypto/secret-box';
import { Transactions } from '../database/transactions';
import { AppError, CommonErrors } from '../errors/app-error';
import { IdempotencyKeyEntity } from './idempotency-key.entity';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Marks a creating POST that honours `Idempotency-Key`. */
/**
 * Runs an idempotent POST and its stored response in one transaction. The key row is inserted
 * first, so a concurrent retry waits on it and then replays the committed answer; a failed
 * request rolls the key back with everything else and can be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly transactions: Transactions,
    private readonly http: HttpConfig,
    private readonly clock: Clock,
    private readonly box: SecretBox,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Actor }>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw new AppError(
        CommonErrors.invalidIdempotencyKey,
        'Idempotency-Key must be 1–255 visible ASCII characters.',
        {
          errors: [{ path: 'header.idempotency-key', message: 'must be 1–255 visible ASCII characters' }],
        },
      );
    }
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const requestHash = createHash('sha256')
      .update(
        `${request.method} ${request.routeOptions.url ?? request.url}\n${canonicalJson(request.body ?? null)}`,
      )
      .digest('hex');
    return from(
      this.transactions.run((manager) =>
        this.once(manager, request.user.id, header, requestHash, reply, next),
      ),
    );
  }

  private async once(
    manager: EntityManager,
    actorId: string,
    key: string,
    requestHash: string,
    reply: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + this.http.idempotencyTtlHours * 3_600_000);
    // Claims the key, or takes over one whose retention has passed.
    const claimed = await manager.query<unknown[]>(
      `INSERT INTO idempotency_keys (actor_id, key, request_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (actor_id, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at,
             expires_at = EXCLUDED.expires_at, response_body = NULL, sealed_response = NULL
         WHERE idempotency_keys.expires_at < $4
       RETURNING key`,
      [actorId, key, requestHash, now, expiresAt],
    );
    if (claimed.length === 0) {
      const stored = await manager.findOneByOrFail(IdempotencyKeyEntity, { actorId, key });
      if (stored.requestHash !== requestHash) {
        throw new AppError(
          CommonErrors.idempotencyKeyReused,
          'This Idempotency-Key was used for a different request; use a new key for a new request.',
          {
            errors: [
              {
                path: 'header.idempotency-key',
                message: 'already used with a different method, route or body',
              },
            ],
          },
        );
      }
      void reply.header('idempotent-replayed', 'true');
      return stored.sealedResponse === null
        ? stored.responseBody
        : (JSON.parse(this.box.open(stored.sealedResponse, sealContext(actorId, key))) as unknown);
    }
    const result = (await lastValueFrom(next.handle())) as object;
    const sealedResponse = this.box.seal(JSON.stringify(toJson(result)), sealContext(actorId, key));
    await manager.update(IdempotencyKeyEntity, { actorId, key }, { sealedResponse });
    return result;
  }
}

/** Binds a sealed response to its key: copied to another row, it does not open. */
function sealContext(actorId: string, key: string): string {
  return `idempotency:${actorId}:${key}`;
}

/**
 * Marks a creating POST that honours `Idempotency-Key`. The interceptor is attached to these
 * routes only: every other request skips it. Put it above `@Operation()` so the ETag
 * interceptor wraps it and replayed answers carry their ETag too.
 */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      schema: { type: 'string', pattern: KEY_PATTERN.source },
      description:
        'Any unique string (e.g. a UUID) per intended creation. A retry with the same key and body returns the ' +
        'original response instead of creating again; the same key with a different body is refused with 422.',
    }),
  );
