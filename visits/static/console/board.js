// The board page: see visits/console/pages.py.
