import { assertNoLoneSurrogate, assertUtf8Charset, findJsonLimitBreach, JsonLimits } from './json-body';

const limits: JsonLimits = { maxDepth: 3, maxKeys: 2, maxStringLength: 5 };
const breach = (text: string) => findJsonLimitBreach(text, limits);

describe('findJsonLimitBreach', () => {
  it('counts nesting of objects and arrays alike', () => {
    expect(breach('{"a":[{"b":1}]}')).toBeUndefined();
    expect(breach('[[[1]]]')).toBeUndefined();
    expect(breach('[[[[1]]]]')).toBe('maxDepth');
    expect(breach('{"a":{"b":{"c":{}}}}')).toBe('maxDepth');
  });

  it('does not count brackets, commas or escaped quotes inside strings', () => {
    expect(breach('{"a":"[[[["}')).toBeUndefined();
    expect(breach('{"a":"\\"{{"}')).toBeUndefined();
    expect(breach('{"a":"\\\\","b":"{"}')).toBeUndefined();
    expect(breach('{"a":"x,y,z"}')).toBeUndefined();
  });

  it('counts the members of each object, not the elements of arrays', () => {
    expect(breach('{"a":1,"b":2}')).toBeUndefined();
    expect(breach('{"a":1,"b":2,"c":3}')).toBe('maxKeys');
    expect(breach('[1,2,3,4,5,6]')).toBeUndefined();
    expect(breach('{"a":{"x":1,"y":2},"b":[1,2,3]}')).toBeUndefined();
    expect(breach('[{"a":1,"b":2},{"a":1,"b":2}]')).toBeUndefined();
  });

  it('measures each string, key or value, in characters as sent', () => {
    expect(breach('{"abcde":"12345"}')).toBeUndefined();
    expect(breach('{"abcdef":1}')).toBe('maxStringLength');
    expect(breach('["ü1234"]')).toBeUndefined();
    expect(breach('["\\u00fc"]')).toBe('maxStringLength');
  });

  it('leaves text it cannot follow to the parser', () => {
    expect(breach('{"a":"unterminated')).toBeUndefined();
    expect(breach('}}}]]')).toBeUndefined();
  });
});

describe('assertNoLoneSurrogate', () => {
  const check = (text: string) => () => assertNoLoneSurrogate(text, JSON.parse(text));

  it('refuses a surrogate escape without its pair, in a value or a key, however deep', () => {
    expect(check('{"a":"x\\ud800"}')).toThrow(/unpaired UTF-16 surrogate/);
    expect(check('{"a":"\\udc00x"}')).toThrow(/unpaired/);
    expect(check('[1,{"b":["\\uDBFF"]}]')).toThrow(/unpaired/);
    expect(check('{"k\\ud83d":1}')).toThrow(/unpaired/);
  });

  it('takes a pair written as escapes, an emoji sent as UTF-8, and an escaped backslash before "ud800"', () => {
    expect(check('{"a":"\\ud83d\\ude00"}')).not.toThrow();
    expect(check('{"a":"😀"}')).not.toThrow();
    expect(check('{"a":"\\\\ud800"}')).not.toThrow();
    expect(check('{"a":"plain"}')).not.toThrow();
  });
});

describe('assertUtf8Charset', () => {
  it('takes no charset or UTF-8 in any spelling, and refuses any other', () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/json;charset="UTF8"',
    ])
      expect(() => assertUtf8Charset(type)).not.toThrow();
    expect(() => assertUtf8Charset('application/json; charset=latin1')).toThrow(/charset=latin1/);
  });
});
