"""Reads built for the console's screens, each in a number of queries that does
not grow with the rows."""

# --- The day board ----------------------------------------------------------------


# --- The booking assistant --------------------------------------------------------


# --- The queues ---------------------------------------------------------------------


# --- A visit's page: its evidence -------------------------------------------------
