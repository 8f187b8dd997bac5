/** Rows every node of a plan produced or threw away (EXPLAIN ANALYZE, JSON), summed over the tree. */
export function rowsTouched(plan: Record<string, unknown>): number {
  const own =
    Number(plan['Actual Rows'] ?? 0) * Number(plan['Actual Loops'] ?? 1) +
    Number(plan['Rows Removed by Filter'] ?? 0) +
    Number(plan['Rows Removed by Join Filter'] ?? 0);
  const children = (plan.Plans as Record<string, unknown>[] | undefined) ?? [];
  return children.reduce((sum, child) => sum + rowsTouched(child), own);
}
