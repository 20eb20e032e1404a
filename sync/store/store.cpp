// The store: being written (issue 2); definitions follow in the next commit.
#include "store.h"
