// Search: the query front end over the index (see indexer/schema.h).
// (Being built: see issue 6.)
#pragma once
