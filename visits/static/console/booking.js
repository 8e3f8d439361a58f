// The booking page: see visits/console/pages.py.
