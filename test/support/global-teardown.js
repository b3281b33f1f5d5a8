const { rmSync } = require('node:fs');

module.exports = async () => {
  if (process.env.GOODWORD_TEST_TMP) rmSync(process.env.GOODWORD_TEST_TMP, { recursive: true, force: true });
};
