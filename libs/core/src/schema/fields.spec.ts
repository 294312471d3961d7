import { AppError } from '../errors/app-error';
import { createValidationPipe } from '../http/validation';
import { Input, INSTANT_RANGE_TEXT, MAX_INSTANT_SPAN_SECONDS, Model, Prop } from './fields';

@Input('InstantProbeInput')
class InstantProbeInput {
  @Prop.date({ optional: true, description: 'When it happened.' })
  at?: Date;
}

@Model('InstantProbe')
class InstantProbeModel {
  @Prop.date({ description: 'When it was stored.' })
  at: Date;

  @Prop.int({ min: 0 })
  small: number;

  @Prop.int({ min: 0, max: MAX_INSTANT_SPAN_SECONDS })
  seconds: number;
}

const pipe = createValidationPipe();
const validate = (body: object) =>
  pipe.transform(body, { type: 'body', metatype: InstantProbeInput }) as Promise<InstantProbeInput>;

async function refusal(body: object): Promise<AppError> {
  try {
    await validate(body);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
}

/** Where @nestjs/swagger keeps a property's schema (its package exports hide the constant). */
const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
const openapiOf = (model: object, key: string) =>
  (Reflect.getMetadata(SWAGGER_PROPERTY, (model as { prototype: object }).prototype, key) ?? {}) as Record<
    string,
    unknown
  >;

describe('date fields', () => {
  it.each([
    ['the first accepted instant', '2000-01-01T00:00:00Z'],
    ['the same instant in another offset', '2000-01-01T01:00:00+01:00'],
    ['the last accepted millisecond', '2099-12-31T23:59:59.999Z'],
  ])('accept %s', async (_what, at) => {
    expect((await validate({ at })).at).toEqual(new Date(at));
  });

  it.each([
    ['Alertmanager’s zero time', '0001-01-01T00:00:00Z'],
    ['the millisecond before the range', '1999-12-31T23:59:59.999Z'],
    ['the epoch', '1970-01-01T00:00:00Z'],
    ['the end of the range, which is excluded', '2100-01-01T00:00:00Z'],
    ['the same instant in another offset', '2099-12-31T23:00:00-01:00'],
    ['the last year JavaScript has', '9999-12-31T23:59:59Z'],
  ])('refuse %s with one message naming the field and the range', async (_what, at) => {
    const error = await refusal({ at });
    expect(error.code).toBe('request.validation_failed');
    expect(error.errors).toEqual([
      {
        path: 'at',
        message: 'at must be between 2000-01-01T00:00:00Z (included) and 2100-01-01T00:00:00Z (excluded)',
      },
    ]);
  });

  it('still refuses text that is no date with the date message alone', async () => {
    expect((await refusal({ at: 'soon' })).errors).toEqual([
      { path: 'at', message: 'at must be an ISO-8601 date-time, e.g. 2026-01-31T12:00:00Z' },
    ]);
  });

  it('states the range in the description of inputs, from the same text, and not of outputs', () => {
    expect(INSTANT_RANGE_TEXT).toBe(
      'between 2000-01-01T00:00:00Z (included) and 2100-01-01T00:00:00Z (excluded)',
    );
    expect(openapiOf(InstantProbeInput, 'at').description).toBe(
      `When it happened. Must be ${INSTANT_RANGE_TEXT}.`,
    );
    expect(openapiOf(InstantProbeModel, 'at').description).toBe('When it was stored.');
  });
});

describe('integer fields', () => {
  it('stay int32 by default, and say int64 when their range is wider', () => {
    expect(openapiOf(InstantProbeModel, 'small')).toMatchObject({ type: 'integer', maximum: 2_147_483_647 });
    expect(openapiOf(InstantProbeModel, 'small').format).toBeUndefined();
    expect(MAX_INSTANT_SPAN_SECONDS).toBe(3_155_760_000);
    expect(openapiOf(InstantProbeModel, 'seconds')).toMatchObject({
      type: 'integer',
      format: 'int64',
      maximum: MAX_INSTANT_SPAN_SECONDS,
    });
  });
});
