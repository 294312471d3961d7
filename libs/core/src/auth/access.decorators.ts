import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Extensions, GqlExecutionContext } from '@nestjs/graphql';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { Actor } from './actor';
import { Permission } from './roles';

export const IS_PUBLIC = 'opsplane:public';
export const REQUIRED_PERMISSION = 'opsplane:permission';

/** Opens a route to anyone (health, metrics, docs). Everything else needs a token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/**
 * The permission a REST handler or GraphQL resolver needs. It is also published in the OpenAPI
 * operation (`x-permission`) and on the GraphQL field extensions, which the role tests walk.
 */
export const Requires = (permission: Permission) =>
  applyDecorators(
    SetMetadata(REQUIRED_PERMISSION, permission),
    ApiBearerAuth(),
    ApiExtension('x-permission', permission),
    Extensions({ permission }),
  );

/** The authenticated actor, in REST handlers and GraphQL resolvers alike. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  return requestOf(context).user as Actor;
});

export function requestOf(context: ExecutionContext): {
  user?: unknown;
  id: string;
  headers: Record<string, unknown>;
} {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: never }>().req;
  }
  return context.switchToHttp().getRequest();
}
