// One directory for the whole run's throwaway data (DATA_DIRs, SQLite files, outboxes, mail files): tests whose
// processes are SIGKILLed or whose environments are shared with child processes can't always remove their own,
// and each holds a secrets file. Test workers inherit the variable; the teardown removes the directory.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
  process.env.GOODWORD_TEST_TMP = mkdtempSync(join(tmpdir(), 'goodword-tests-'));
};
