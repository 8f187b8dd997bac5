/**
 * Prints what was skipped and why (suites name their reason in their title), then the plain closing
 * line CI reads: `tests: N passed, N failed, N skipped`.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skippedReasons = new Map();
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== 'pending' && test.status !== 'skipped') continue;
        const title =
          test.ancestorTitles.find((t) => t.includes('[skipped:')) ?? (test.title.includes('[skipped:') ? test.fullName : undefined);
        if (title === undefined) continue;
        skippedReasons.set(title, (skippedReasons.get(title) ?? 0) + 1);
      }
    }
    if (skippedReasons.size > 0) {
      process.stdout.write('\nSkipped:\n');
      for (const [title, count] of skippedReasons) process.stdout.write(`  - ${title} (${count} tests)\n`);
    }
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${results.numPendingTests + results.numTodoTests} skipped\n`,
    );
  }
}
module.exports = SummaryReporter;
