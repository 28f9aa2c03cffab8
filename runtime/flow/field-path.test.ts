import { describe, expect, it } from 'vitest';
import { fieldOf, type FieldSpec } from './field-path.ts';

const hold: FieldSpec = {
  path: 'creditholdoverride',
  type: 'boolean',
  map: { ON: 'true', OFF: 'false', AUTO: 'false' },
};

describe('fieldOf with a value map', () => {
  it.each([
    ['ON', true],
    ['OFF', false],
    ['AUTO', false],
  ])('maps NetSuite %s to the boolean %s', (raw, expected) => {
    expect(fieldOf({ creditholdoverride: raw }, hold)).toEqual({ value: expected });
  });

  it.each([
    {
      name: 'a number code to a string',
      raw: 2,
      spec: { map: { '2': 'Blocked' }, type: 'string' },
      expected: 'Blocked',
    },
    {
      name: 'a boolean to a decimal',
      raw: true,
      spec: { map: { true: '1.5' }, type: 'decimal' },
      expected: 1.5,
    },
    {
      name: 'a code to a date',
      raw: 'Q1',
      spec: { map: { Q1: '2025-01-01T00:00:00Z' }, type: 'dateTime' },
      expected: Date.UTC(2025, 0, 1),
    },
  ] as const)('maps $name, then converts to the type', ({ raw, spec, expected }) => {
    expect(fieldOf({ code: raw }, { path: 'code', ...spec })).toEqual({ value: expected });
  });

  it.each([
    { name: 'a code the map lacks', raw: 'HOLD' },
    { name: 'a prototype key', raw: 'constructor' },
    { name: 'an object', raw: { ON: true } },
  ])('refuses $name with the map’s keys in the reason', ({ raw }) => {
    const result = fieldOf({ creditholdoverride: raw }, hold);
    expect(result).toEqual({
      error: expect.stringContaining('not in its value map (ON, OFF, AUTO)') as string,
    });
  });

  it('fails when the mapped value is not of the type', () => {
    const spec: FieldSpec = { path: 'x', type: 'boolean', map: { ON: 'maybe' } };
    expect(fieldOf({ x: 'ON' }, spec)).toEqual({
      error: expect.stringContaining('is not a boolean: "maybe"') as string,
    });
  });

  it('leaves an absent value absent instead of looking it up', () => {
    expect(fieldOf({}, hold)).toEqual({ value: undefined });
    expect(fieldOf({ creditholdoverride: null }, hold)).toEqual({ value: undefined });
  });

  it('maps a constant value too', () => {
    expect(fieldOf({}, { value: 'ON', type: 'boolean', map: { ON: 'true' } })).toEqual({
      value: true,
    });
  });

  it('without a map, a NetSuite code is no boolean', () => {
    expect(fieldOf({ h: 'ON' }, { path: 'h', type: 'boolean' })).toEqual({
      error: expect.stringContaining('is not a boolean') as string,
    });
  });
});
