#pragma once

// The database schema and its migrations. Each migration runs once, in order, inside one
// transaction with the bump of `meta.schema_version`, so a crash mid-migration leaves the
// previous version intact.

#include "store/database.hpp"

namespace trailbox::store {

// The schema version this build writes.
int currentSchemaVersion();

// Reads what `db` holds without changing it: ok for an empty database or a trailbox store this
// build can migrate; otherwise the same errors as migrate().
StoreStatus checkCompatible(Database& db);

// Brings `db` up to currentSchemaVersion(). Returns an error with a readable message when the
// file is not a trailbox database, is corrupt, or was written by a newer trailbox (its version
// is higher than ours) - in which case nothing is changed.
StoreStatus migrate(Database& db);

// Deletes every row of every table except the schema version and the trail digest signing key:
// the state of a fresh database that already made its key. (Like AWS's per-region key, the key
// outlives the data; and a 2048-bit RSA key costs tens of milliseconds to make, which a test suite
// resetting between tests should not pay.)
StoreStatus clearAll(Database& db);

}  // namespace trailbox::store
