// The hub's PostgreSQL schema: numbered migrations, each applied in its own
// transaction and recorded in schema_migrations, under an advisory lock so
// that several odr-hub processes starting at once apply each one once.
#pragma once
#include <string>
#include <vector>

#include "pg.h"

namespace odr::hub {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};
const std::vector<Migration>& migrations();

// Applies what is missing; returns the versions applied now (empty: none
// was needed). Throws PgError; a failed migration leaves nothing of itself.
std::vector<int> migrate(PgConn& c);
// The commands other than serve and migrate: throws PgError saying to run
// `odr-hub migrate` when the database is behind this program.
void require_current_schema(PgConn& c);

}  // namespace odr::hub
