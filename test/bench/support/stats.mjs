// The order statistics the benchmarks report, one definition for all of them.

/** The middle value (the lower of the two middle ones for an even count). */
export const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/** The nearest-rank percentile: the smallest value with at least `p` of the values at or below it. */
export const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(values.length * p) - 1)];
