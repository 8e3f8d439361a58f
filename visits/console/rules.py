"""The console's pure decisions: what the board highlights, how free
technicians are ranked, how close a clock is to running out."""

# --- The day board: late now, at risk -----------------------------------------


# --- The booking assistant: ranking the free technicians ----------------------


# --- The queues: clocks due soon and overdue ------------------------------------
