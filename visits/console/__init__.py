"""The dispatcher's console: the day board, the booking assistant, the queues
with their clocks and the visit's page with the actions the admin lacks.

Pages for dispatchers, served with the admin's login. It reads through the
sub-domains' selectors and writes only through their services."""
