"""The console's JSON endpoints, under /api/v1/console/. Dispatchers only;
writes go through the sub-domains' services."""

# --- The day board ----------------------------------------------------------------


# --- The booking assistant --------------------------------------------------------


# --- The queues ---------------------------------------------------------------------


# --- A visit's page ---------------------------------------------------------------
