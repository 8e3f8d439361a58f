// The scorecard page: see visits/scorecard/pages.py.
