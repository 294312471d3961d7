import { IsInt, IsString, Max, validate } from 'class-validator';
import { memoizeValidationMetadata } from './validation';

class Base {
  @IsString()
  name: unknown;
}

class Child extends Base {
  @IsInt()
  @Max(10, { groups: ['strict'] })
  count: unknown;
}

const failing = async (object: object, groups?: string[]) =>
  (await validate(object, { groups })).map(
    (error) =>
      `${error.property}:${Object.keys(error.constraints ?? {})
        .sort()
        .join('+')}`,
  );

describe('memoized validation metadata', () => {
  beforeAll(() => memoizeValidationMetadata());

  it('applies a class’s own and inherited rules, the second time as the first', async () => {
    const child = Object.assign(new Child(), { name: 1, count: 'x' });
    expect(await failing(child)).toEqual(['count:isInt+max', 'name:isString']);
    expect(await failing(child)).toEqual(['count:isInt+max', 'name:isString']);
    expect(await failing(Object.assign(new Base(), { name: 2 }))).toEqual(['name:isString']);
  });

  it('keeps validation groups apart', async () => {
    const child = Object.assign(new Child(), { name: 3, count: 11 });
    expect(await failing(child)).toEqual(['count:max', 'name:isString']);
    expect(await failing(child, ['strict'])).toEqual(['count:max']);
    expect(await failing(child, ['other'])).toEqual(['undefined:unknownValue']); // no rule in that group
    expect(await failing(child)).toEqual(['count:max', 'name:isString']);
  });

  it('forgets what it knew when a rule is registered later', async () => {
    class Later extends Child {
      label: unknown;
    }
    const later = Object.assign(new Later(), { name: 'n', count: 1, label: 3 });
    expect(await failing(later)).toEqual([]);
    IsString()(Later.prototype, 'label'); // what the decorator does when a module loads
    expect(await failing(later)).toEqual(['label:isString']);
    expect(await failing(Object.assign(new Child(), { name: 'n', count: 1 }))).toEqual([]);
  });
});
