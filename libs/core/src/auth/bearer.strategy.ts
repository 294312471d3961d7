import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { Actor } from './actor';
import { ApiKeysService } from './api-keys.service';

/** `Authorization: Bearer opk_…` → the API key's actor. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly apiKeys: ApiKeysService) {
    super({ passReqToCallback: true });
  }

  validate(request: { id: string }, token: string): Promise<Actor | null> {
    return this.apiKeys.authenticate(token, request.id);
  }
}
