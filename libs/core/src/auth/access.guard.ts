import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError, CommonErrors } from '../errors/app-error';
import { IS_PUBLIC, REQUIRED_PERMISSION, requestOf } from './access.decorators';
import { Actor } from './actor';
import { ApiKeysService } from './api-keys.service';
import { authenticateRequest, createAuthenticator, PassportAuthenticator } from './bearer.strategy';
import { isAllowed, Permission } from './roles';

/**
 * The single gate for REST and GraphQL: closed unless `@Public()`, authenticated through passport,
 * then the role checked against the operation's `@Requires()` permission. An operation that
 * declares neither is refused, so a forgotten decorator fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);
  private readonly authenticator: PassportAuthenticator;
  /**
   * Decorators never change after boot, so they are read once per (class, handler) rather than
   * reflected on every request. Keyed by class too: an inherited handler may sit under another
   * class's decorators.
   */
  private readonly accessByClass = new WeakMap<object, WeakMap<object, DeclaredAccess>>();

  constructor(
    private readonly reflector: Reflector,
    apiKeys: ApiKeysService,
  ) {
    this.authenticator = createAuthenticator(apiKeys);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { isPublic, permission } = this.declaredAccess(context);
    if (isPublic) return true;

    const request = requestOf(context);
    // Only the Authorization header may carry the key. passport-http-bearer also takes `access_token`
    // from the query string and body, where tokens end up in access logs, proxies and browser
    // history (RFC 6750 §5.3), so the strategy sees the headers alone.
    // A GraphQL request with several root fields passes here once per field: its key is checked once.
    const actor =
      (request.user as Actor | undefined) ??
      (await authenticateRequest(this.authenticator, { id: request.id, headers: request.headers }));
    if (!actor)
      throw new AppError(CommonErrors.unauthenticated, 'Send a valid API key: Authorization: Bearer opk_…');
    request.user = actor;

    if (!permission) {
      this.logger.error(
        `${context.getClass().name}.${context.getHandler().name} declares no permission; refusing`,
      );
      throw new AppError(CommonErrors.forbidden, 'This operation is not available.');
    }
    if (!isAllowed(actor.role, permission)) {
      throw new AppError(
        CommonErrors.forbidden,
        `The ${actor.role} role may not do this (needs "${permission}").`,
      );
    }
    return true;
  }

  private declaredAccess(context: ExecutionContext): DeclaredAccess {
    const handler = context.getHandler();
    const type = context.getClass();
    let byHandler = this.accessByClass.get(type);
    if (!byHandler) this.accessByClass.set(type, (byHandler = new WeakMap()));
    let access = byHandler.get(handler);
    if (!access) {
      const targets = [handler, type];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        permission: this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets),
      };
      byHandler.set(handler, access);
    }
    return access;
  }
}

interface DeclaredAccess {
  isPublic: boolean;
  permission: Permission | undefined;
}
