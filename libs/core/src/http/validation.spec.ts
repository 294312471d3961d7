import { AppError } from '../errors/app-error';
import { Args, Input, Prop } from '../schema/fields';
import { createValidationPipe } from './validation';

@Args()
class ProbeArgs {
  @Prop.int({ optional: true, min: 1, max: 10 })
  limit?: number;

  @Prop.date({ optional: true })
  from?: Date;
}

@Input('ProbeInput')
class ProbeInput {
  @Prop.int({ optional: true, min: 1, max: 10 })
  limit?: number;
}

describe('validation of repeated flat arguments', () => {
  const args = (pipe: ReturnType<typeof createValidationPipe>, value: object) =>
    // @nestjs/graphql hands GraphQL arguments to pipes as `body`.
    pipe.transform(value, { type: 'body', metatype: ProbeArgs }) as Promise<ProbeArgs>;

  it('answers a repeat with the same validated value, frozen so that no handler changes it for another', async () => {
    const pipe = createValidationPipe();
    const first = await args(pipe, { limit: 5, from: new Date('2026-01-01T00:00:00Z') });
    const again = await args(pipe, { limit: 5, from: new Date('2026-01-01T00:00:00Z') });
    expect(again).toBeInstanceOf(ProbeArgs);
    expect(again).toEqual(first);
    expect(Object.isFrozen(again)).toBe(true);
  });

  it('still refuses what breaks a rule, every time, and an invalid date even after a valid value', async () => {
    const pipe = createValidationPipe();
    await args(pipe, { limit: 5 });
    for (let i = 0; i < 2; i++)
      await expect(args(pipe, { limit: 11 })).rejects.toMatchObject({
        code: 'request.validation_failed',
        errors: [expect.objectContaining({ path: 'limit' })],
      });
    await args(pipe, { from: null });
    await expect(args(pipe, { from: new Date('not a date') })).rejects.toBeInstanceOf(AppError);
  });

  it('validates bodies every time and hands each handler its own', async () => {
    const pipe = createValidationPipe();
    const body = () =>
      pipe.transform({ limit: 5 }, { type: 'body', metatype: ProbeInput }) as Promise<ProbeInput>;
    const [first, second] = [await body(), await body()];
    expect(first).not.toBe(second);
    expect(Object.isFrozen(first)).toBe(false);
  });

  it('tells a query string from GraphQL arguments of the same class', async () => {
    const pipe = createValidationPipe();
    await args(pipe, { limit: 5 });
    // The same JSON as a query string: the string "5" is converted there, not taken from the memory.
    const fromQuery = (await pipe.transform(
      { limit: '5' },
      { type: 'query', metatype: ProbeArgs },
    )) as ProbeArgs;
    expect(fromQuery.limit).toBe(5);
  });
});
