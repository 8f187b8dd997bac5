/**
 * Prints what was skipped and why (suites name their reason in their title), then the plain closing
 * line CI reads: `tests: N passed, N failed, N skipped`. Under scripts/test.mjs (TEST_SUMMARY_FILE set) it
 * writes the counts to that file instead, and the script prints one line for both phases together.
 */
const fs = require('node:fs');

function summarize(results) {
  const skippedReasons = {};
  for (const file of results.testResults) {
    for (const test of file.testResults) {
      if (test.status !== 'pending' && test.status !== 'skipped') continue;
      const title =
        test.ancestorTitles.find((t) => t.includes('[skipped:')) ?? (test.title.includes('[skipped:') ? test.fullName : undefined);
      if (title === undefined) continue;
      skippedReasons[title] = (skippedReasons[title] ?? 0) + 1;
    }
  }
  return {
    passed: results.numPassedTests,
    failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
    skipped: results.numPendingTests + results.numTodoTests,
    skippedReasons,
  };
}

function print(summary) {
  const reasons = Object.entries(summary.skippedReasons);
  if (reasons.length > 0) {
    process.stdout.write('\nSkipped:\n');
    for (const [title, count] of reasons) process.stdout.write(`  - ${title} (${count} tests)\n`);
  }
  process.stdout.write(`\ntests: ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\n`);
}

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const summary = summarize(results);
    if (process.env.TEST_SUMMARY_FILE) fs.writeFileSync(process.env.TEST_SUMMARY_FILE, JSON.stringify(summary));
    else print(summary);
  }
}
module.exports = SummaryReporter;
module.exports.print = print;
