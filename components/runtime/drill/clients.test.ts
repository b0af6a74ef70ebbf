import { counterSlope } from './clients';

describe('counterSlope', () => {
  it.each([
    [
      'two samples a second apart',
      [
        [0, 10],
        [1000, 13],
      ],
      3,
    ],
    [
      'many samples, only the ends count',
      [
        [0, 0],
        [500, 100],
        [2000, 450],
      ],
      225,
    ],
    [
      'a reset: counted from it',
      [
        [0, 500],
        [1000, 600],
        [2000, 5],
        [4000, 25],
      ],
      10,
    ],
    [
      'a flat counter',
      [
        [0, 7],
        [3000, 7],
      ],
      0,
    ],
  ] as [string, [number, number][], number][])('%s', (_name, values, perSecond) => {
    expect(counterSlope(values)).toBeCloseTo(perSecond);
  });

  it.each([
    ['no sample', []],
    ['one sample', [[0, 1]]],
    [
      'a reset as the last sample',
      [
        [0, 5],
        [1000, 9],
        [2000, 1],
      ],
    ],
  ] as [string, [number, number][]][])('says nothing for %s', (_name, values) => {
    expect(counterSlope(values)).toBeUndefined();
  });
});
