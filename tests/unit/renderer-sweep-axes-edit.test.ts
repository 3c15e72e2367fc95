// The sweep page's axis editor's reading of typed values (issue 18, deliver 5).
import { expect, it } from 'vitest';
import { mergeValues, newCellCount, parseAdded } from '../../src/renderer/src/lib/sweep-axes-edit';

const lr = { path: 'optimizer.lr', values: [0.001, 0.01] };

it('reads added values as the axis reads its own, leaving out the ones it has', () => {
  expect(parseAdded('0.003, 1e-2  3e-2', lr)).toEqual({ ok: true, values: [0.003, 0.03] });
  expect(parseAdded('0.003, abc', lr)).toEqual({ ok: false, message: 'optimizer.lr: "abc" is not a number' });
  expect(parseAdded('false', { path: 'model.tie', values: [true] })).toEqual({ ok: true, values: [false] });
  expect(parseAdded('yes', { path: 'model.tie', values: [true] }).ok).toBe(false);
  expect(parseAdded('sub', { path: 'task.op', values: ['add'] })).toEqual({ ok: true, values: ['sub'] });
});

it('keeps a sorted axis sorted, an unsorted one in its order, and counts the new cells', () => {
  expect(mergeValues(lr, [0.003, 0.0001])).toEqual([0.0001, 0.001, 0.003, 0.01]);
  expect(mergeValues({ path: 'x', values: [3, 1] }, [2])).toEqual([3, 2, 1]);
  expect(mergeValues({ path: 'x', values: [1, 3, 2] }, [0])).toEqual([1, 3, 2, 0]);
  const wd = { path: 'optimizer.weightDecay', values: [0, 1] };
  expect(
    newCellCount(
      [lr, wd],
      [
        { ...lr, values: [1, 2, 3] },
        { ...wd, values: [0, 1, 2] },
      ],
    ),
  ).toBe(5);
});
