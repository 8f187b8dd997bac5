// The order statistics the benchmarks report, one definition for all of them.

/** The middle value (the lower of the two middle ones for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** The nearest-rank percentile: the smallest value with at least `p` of the values at or below it. */
export const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * p) - 1)];

/** The item whose `valueOf` is the median (the lower middle one for an even count): a figure's value and
 * baseline taken from one round, so their ratio is one that was measured. */
export const medianBy = (items, valueOf) => [...items].sort((a, b) => valueOf(a) - valueOf(b))[Math.floor((items.length - 1) / 2)];
