// Jest `setupFiles` entry of the integration and e2e projects: runs once per test file, before the
// file is loaded, in that file's own environment. Gives the file a database of its own, cloned from
// the run's migrated template, as DATABASE_URL. Jest awaits an exported function here.
const { createTestDatabase } = require('./databases');

module.exports = async function databasePerFile() {
  process.env.DATABASE_URL = (await createTestDatabase()).url;
};
